"""The composition root and the runtime: the delivery scheduler and the one stop path."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

from bot.app import build_app, console_adapter
from bot.core.clock import FixedClock, OffsetClock
from bot.runtime import DeliveryScheduler, serve
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from tests.conftest import START


def settings_for(tmp_path: Path, **extra) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'app.db'}",
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
        **extra,
    )


async def test_the_tick_runs_every_configured_interval(tmp_path: Path):
    """MENTORBOT_DELIVERY_TICK_SECONDS sets the interval of the one recurring job."""
    settings = settings_for(tmp_path, MENTORBOT_DELIVERY_TICK_SECONDS=45)
    app = await build_app(settings, FixedClock(START))
    scheduler = DeliveryScheduler(app.dispatcher, settings.delivery_tick_seconds)
    scheduler.start()
    try:
        job = scheduler._scheduler.get_job("delivery-tick")
        assert job.trigger.interval == timedelta(seconds=45)
    finally:
        await scheduler.stop()
        await app.close()


async def test_the_first_tick_at_start_sends_what_fell_due_while_down(tmp_path: Path):
    """A member due before the start gets the DM from the scheduler's first tick."""
    clock = OffsetClock(FixedClock(START))
    app = await build_app(settings_for(tmp_path), clock)
    out = io.StringIO()
    adapter = console_adapter(app, clock, io.StringIO(), out)
    await adapter.handle("/mentor join ai-engineer")
    clock.advance(timedelta(days=2))
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app.dispatcher, 30, stop=stop))
    try:
        for _ in range(200):
            if "[DM ·" in out.getvalue():
                break
            await asyncio.sleep(0.05)
        assert out.getvalue().count("[DM ·") == 1
        assert "Day 1 · Lesson:" in out.getvalue()
    finally:
        stop.set()
        await running
        await app.close()


async def test_the_console_quitting_stops_everything(tmp_path: Path):
    """/quit ends the console, and with it the scheduler: serve returns."""
    clock = OffsetClock(FixedClock(START))
    app = await build_app(settings_for(tmp_path), clock)
    adapter = console_adapter(app, clock, io.StringIO("/mentor help\n/quit\n"), io.StringIO())
    try:
        await asyncio.wait_for(serve(app.dispatcher, 30, [adapter]), timeout=30)
    finally:
        await app.close()
    assert "/mentor start" in adapter.replier._out.getvalue()
