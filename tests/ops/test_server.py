"""The ops server over real HTTP: 200 when all is well, 503 naming what is not, and the
Prometheus text format at /metrics."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.db import create_engine
from bot.core.messages import Message
from bot.core.ports import Caller, Recipient, SendResult
from bot.ops import HealthSources, OpsServer, OpsUnavailable, PrometheusMetrics
from bot.runtime import DeliveryScheduler
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from tests.conftest import START, Replies


class Platform:
    """Stands in for a platform adapter: only whether it is connected matters here."""

    platform = "discord"
    messenger = None

    def __init__(self, connected: bool) -> None:
        self.up = connected

    async def run(self, stop: asyncio.Event) -> None:
        await stop.wait()

    def connected(self) -> bool:
        return self.up


class Clock:
    """Monotonic seconds the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    settings = Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}",
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
        MENTORBOT_OPS_PORT=0,
    )
    built = await build_app(settings, FixedClock(START))
    yield built
    await built.close()


async def _serve(sources: HealthSources, metrics: PrometheusMetrics, *paths: str) -> list:
    server = OpsServer("127.0.0.1", 0, sources, metrics)
    await server.start()
    stop = asyncio.Event()
    serving = asyncio.create_task(server.serve(stop))
    answers = []
    try:
        async with aiohttp.ClientSession() as session:
            for path in paths:
                async with session.get(f"http://127.0.0.1:{server.port}{path}") as response:
                    is_json = response.content_type == "application/json"
                    body = await (response.json() if is_json else response.text())
                    answers.append((response.status, body))
    finally:
        stop.set()
        await serving
    return answers


async def test_all_well_is_200_and_metrics_are_prometheus_text(app: App):
    """Database answering, scheduler fresh, platform connected: 200 and status ok; /metrics
    lists the mentorbot_ series and the platform as connected."""
    clock = Clock()
    scheduler = DeliveryScheduler(app.dispatcher, 30, app.metrics, monotonic=clock)
    clock.now += 5
    sources = HealthSources(app.engine, scheduler, [Platform(connected=True)])
    (status, body), (_, metrics) = await _serve(sources, app.metrics, "/healthz", "/metrics")
    assert status == 200 and body["status"] == "ok"
    assert body["database"]["reachable"] is True
    assert body["scheduler"]["last_tick_age_seconds"] == 5
    assert body["scheduler"]["late_after_seconds"] == 90
    assert body["platforms"] == {"discord": {"connected": True}}
    assert 'mentorbot_platform_connected{platform="discord"} 1.0' in metrics
    for name in ("commands", "deliveries", "llm_tokens"):
        assert f"# TYPE mentorbot_{name}_total counter" in metrics
    for name in ("command_seconds", "delivery_lag_seconds", "tick_seconds"):
        assert f"# TYPE mentorbot_{name} histogram" in metrics
    assert "mentorbot_process_resident_memory_bytes" in metrics


class SlowMessenger:
    """Stands in for a platform's DM endpoint that takes its time: each DM waits for `go`."""

    platform = "console"
    rate = None

    def __init__(self) -> None:
        self.sending = asyncio.Event()
        self.go = asyncio.Event()

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        self.sending.set()
        await self.go.wait()
        return SendResult.sent()


async def test_a_late_scheduler_or_a_lost_platform_is_503(app: App):
    """No tick ended for three intervals: 503; a tick running (a slow fan-out) is work, not
    lateness; a platform that lost its connection: 503 again, naming it."""
    clock = Clock()
    scheduler = DeliveryScheduler(app.dispatcher, 30, app.metrics, monotonic=clock)
    platform = Platform(connected=True)
    sources = HealthSources(app.engine, scheduler, [platform])
    clock.now += 91
    [(status, body)] = await _serve(sources, app.metrics, "/healthz")
    assert status == 503 and body["status"] == "unhealthy"
    assert body["scheduler"]["healthy"] is False
    messenger = SlowMessenger()
    app.dispatcher.add_messenger(messenger)
    await app.router.text(
        Caller("console", "local", "ada", "ada"), "/mentor join ai-engineer", Replies()
    )
    app.dispatcher.clock.advance(timedelta(days=1))
    scheduler.start()
    try:
        await asyncio.wait_for(messenger.sending.wait(), 30)
        clock.now += 600
        [(status, body)] = await _serve(sources, app.metrics, "/healthz")
        assert status == 200 and body["scheduler"]["running_tick_seconds"] == 600
    finally:
        messenger.go.set()
        await scheduler.stop()
    platform.up = False
    [(status, body)] = await _serve(sources, app.metrics, "/healthz")
    assert status == 503 and body["platforms"] == {"discord": {"connected": False}}
    assert body["scheduler"]["healthy"] is True and body["scheduler"]["ticks"] == 1


async def test_a_database_that_does_not_answer_is_503_without_its_url(app: App):
    """A PostgreSQL that refuses connections: 503, reachable false, the error's kind only."""
    dead = create_engine("postgresql+asyncpg://bot:s3cret@127.0.0.1:1/mentorbot")
    try:
        scheduler = DeliveryScheduler(app.dispatcher, 30, app.metrics)
        sources = HealthSources(dead, scheduler)
        [(status, body)] = await _serve(sources, app.metrics, "/healthz")
    finally:
        await dead.dispose()
    assert status == 503 and body["database"]["reachable"] is False
    assert body["database"]["error"] and "s3cret" not in str(body)


async def test_a_taken_port_is_refused_with_a_clear_reason(app: App):
    """Starting on a port another server holds raises OpsUnavailable naming the setting."""
    scheduler = DeliveryScheduler(app.dispatcher, 30, app.metrics)
    first = OpsServer("127.0.0.1", 0, HealthSources(app.engine, scheduler), app.metrics)
    await first.start()
    stop = asyncio.Event()
    serving = asyncio.create_task(first.serve(stop))
    try:
        second = OpsServer(
            "127.0.0.1", first.port, HealthSources(app.engine, scheduler), app.metrics
        )
        with pytest.raises(OpsUnavailable, match="MENTORBOT_OPS_PORT"):
            await second.start()
    finally:
        stop.set()
        await serving
