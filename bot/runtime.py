"""Runs the bot: every adapter, the delivery scheduler and any side services, side by side under
one TaskGroup, until a signal, the end of the console's input or an adapter's failure stops them.

One stop path for all of them: stop taking commands, let the running delivery tick finish (its
in-flight DMs are recorded, DMs it claimed and had not sent go back to the queue), then return
so the caller closes the database. Nothing here knows a platform by name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC

from bot.core.delivery.dispatcher import Dispatcher
from bot.core.metrics import NoMetrics
from bot.core.ports import Adapter, Messenger, Metrics

log = logging.getLogger(__name__)

# A side service (the ops server) runs until `stop` is set.
Service = Callable[[asyncio.Event], Awaitable[None]]


@dataclass(frozen=True)
class TickStatus:
    """How the delivery scheduler is doing, for the health check (seconds of real time)."""

    interval: float
    # Since the last tick ended, or since the scheduler started if none has ended yet.
    since_last: float
    # How long the tick running now has been running; None between ticks.
    running_for: float | None
    ticks: int


class DeliveryScheduler:
    """APScheduler runs the delivery tick in this event loop: once at start (the catch-up after
    downtime), then every `interval` seconds; `stop` lets a running tick finish.

    It keeps when the last tick ended, for the health check, on the monotonic clock: real
    elapsed time, which the console's `/wait` does not move.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        interval: float,
        metrics: Metrics | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        self.dispatcher = dispatcher
        self.interval = interval
        self.metrics = metrics or NoMetrics()
        self._monotonic = monotonic
        self._last_end = monotonic()
        self._started: float | None = None
        self._ticks = 0
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.add_job(self._tick, id="delivery-catch-up")
        self._scheduler.add_job(
            self._tick,
            "interval",
            seconds=interval,
            id="delivery-tick",
            max_instances=1,
            coalesce=True,
        )
        self._running: set[asyncio.Task] = set()
        self._stopping = False

    def start(self) -> None:
        self._scheduler.start()

    async def _tick(self) -> None:
        if self._stopping:
            return
        task = asyncio.current_task()
        self._running.add(task)
        self._started = self._monotonic()
        try:
            await self.dispatcher.tick_logged()
        finally:
            self._running.discard(task)
            self._last_end = self._monotonic()
            self.metrics.tick(self._last_end - self._started)
            self._started = None
            self._ticks += 1

    def status(self) -> TickStatus:
        now = self._monotonic()
        return TickStatus(
            interval=self.interval,
            since_last=now - self._last_end,
            running_for=None if self._started is None else now - self._started,
            ticks=self._ticks,
        )

    async def stop(self) -> None:
        self._stopping = True
        if not self._scheduler.running:
            return
        self._scheduler.pause()
        self.dispatcher.stop()
        # A tick the scheduler has just created starts on the next loop pass and returns.
        await asyncio.sleep(0)
        if self._running:
            await asyncio.gather(*self._running, return_exceptions=True)
        await asyncio.sleep(0)
        # Nothing is running now, so shutting down cancels nothing.
        self._scheduler.shutdown(wait=False)


def signals_set(stop: asyncio.Event) -> Callable[[], None]:
    """SIGTERM and SIGINT set `stop`; returns the function that restores the defaults."""
    loop = asyncio.get_running_loop()
    handled = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, _on_signal, stop, sig)
            handled.append(sig)

    def restore() -> None:
        for sig in handled:
            loop.remove_signal_handler(sig)

    return restore


def _on_signal(stop: asyncio.Event, sig: signal.Signals) -> None:
    if not stop.is_set():
        log.info("%s received: stopping", sig.name)
    stop.set()


async def serve(
    dispatcher: Dispatcher,
    tick_seconds: float,
    adapters: Sequence[Adapter] = (),
    messengers: Sequence[Messenger] = (),
    services: Sequence[Service] = (),
    stop: asyncio.Event | None = None,
    scheduler: DeliveryScheduler | None = None,
) -> None:
    """Run until `stop` is set or an adapter returns (the console's /quit) or fails.

    `scheduler` is given by a caller whose side services watch it (the health check);
    otherwise one is made for `dispatcher` every `tick_seconds`.
    """
    stop = stop or asyncio.Event()
    for messenger in [a.messenger for a in adapters] + list(messengers):
        dispatcher.add_messenger(messenger)
    restore = signals_set(stop)
    scheduler = scheduler or DeliveryScheduler(dispatcher, tick_seconds)
    try:
        scheduler.start()
        async with asyncio.TaskGroup() as group:
            for adapter in adapters:
                group.create_task(_until_done(adapter.run(stop), stop), name=adapter.platform)
            for service in services:
                group.create_task(_until_done(service(stop), stop))
            group.create_task(stop.wait())
    finally:
        stop.set()
        await scheduler.stop()
        restore()


async def _until_done(work: Awaitable[None], stop: asyncio.Event) -> None:
    """When one part ends (the console's /quit), everything stops."""
    try:
        await work
    finally:
        stop.set()
