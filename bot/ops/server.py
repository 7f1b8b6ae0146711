"""The ops server: `GET /healthz` and `GET /metrics` on MENTORBOT_OPS_HOST:MENTORBOT_OPS_PORT.

It runs beside the adapters as one of the runtime's side services. The port is bound before the
bot starts, so a port in use stops the start with one clear line instead of a half-started bot.
"""

from __future__ import annotations

import asyncio
import json
import logging

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops.health import HealthSources, check, is_connected
from bot.ops.metrics import PrometheusMetrics

log = logging.getLogger(__name__)


class OpsUnavailable(Exception):
    """The ops server could not listen where the settings say."""


class OpsServer:
    def __init__(
        self, host: str, port: int, sources: HealthSources, metrics: PrometheusMetrics
    ) -> None:
        self.host = host
        self.port = port
        self.sources = sources
        self.metrics = metrics
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        # A health check every few seconds is not worth a log line each.
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)

    async def start(self) -> None:
        """Listen now; raises OpsUnavailable when the address cannot be used."""
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError as error:
            await self._runner.cleanup()
            raise OpsUnavailable(
                f"the ops server cannot listen on {self.host}:{self.port} "
                f"({error.strerror or error}); set MENTORBOT_OPS_PORT to a free port, or "
                "leave it unset to run without the ops server"
            ) from None
        # Port 0 asks for any free port: say which one was given.
        self.port = self._runner.addresses[0][1]
        log.info("ops server listening on http://%s:%s (/healthz, /metrics)", self.host, self.port)

    async def serve(self, stop: asyncio.Event) -> None:
        """The runtime's side service: answer until `stop`, then close."""
        try:
            await stop.wait()
        finally:
            await self._runner.cleanup()

    async def _healthz(self, request: web.Request) -> web.Response:
        healthy, body = await check(self.sources)
        return web.Response(
            text=json.dumps(body),
            status=200 if healthy else 503,
            content_type="application/json",
        )

    async def _metrics(self, request: web.Request) -> web.Response:
        for adapter in self.sources.adapters:
            self.metrics.connected.labels(adapter.platform).set(1 if is_connected(adapter) else 0)
        return web.Response(
            body=self.metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )
