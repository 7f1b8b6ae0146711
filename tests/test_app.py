"""The composition root: APScheduler drives the delivery tick in the bot's own event loop."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

from bot.app import build_app, console_adapter, start_scheduler
from bot.core.clock import FixedClock, OffsetClock
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
    scheduler = start_scheduler(app, settings)
    try:
        job = scheduler.get_job("delivery-tick")
        assert job.trigger.interval == timedelta(seconds=45)
        assert job.func == app.dispatcher.tick_logged
    finally:
        scheduler.shutdown(wait=False)
        await app.close()


async def test_the_first_tick_at_start_sends_what_fell_due_while_down(tmp_path: Path):
    """A member due before the start gets the DM from the scheduler's first tick."""
    clock = OffsetClock(FixedClock(START))
    settings = settings_for(tmp_path)
    app = await build_app(settings, clock)
    out = io.StringIO()
    adapter = console_adapter(app, clock, io.StringIO(), out)
    await adapter.handle("/mentor join ai-engineer")
    clock.advance(timedelta(days=2))
    scheduler = start_scheduler(app, settings)
    try:
        for _ in range(200):
            if "[DM ·" in out.getvalue():
                break
            await asyncio.sleep(0.05)
        assert out.getvalue().count("[DM ·") == 1
        assert "Day 1 · Lesson:" in out.getvalue()
    finally:
        scheduler.shutdown(wait=False)
        await app.close()
