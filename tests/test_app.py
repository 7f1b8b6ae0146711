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


async def test_a_worker_shaped_process_serves_its_health_on_postgres(
    postgres_url: str, tmp_path: Path, caplog
):
    """Messengers and no adapters, as `mentorbot worker` runs: /healthz answers 200 with the
    database and the scheduler, and no platform connection to report."""
    import logging
    import re

    import aiohttp

    from bot.app import serve_app
    from bot.platforms.console import ConsoleMessenger

    settings = Settings(
        _env_file=None,
        DATABASE_URL=postgres_url,
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
        MENTORBOT_OPS_PORT=0,
    )
    app = await build_app(settings, FixedClock(START))
    stop = asyncio.Event()
    messenger = ConsoleMessenger(lambda text: None, app.services.clock)
    with caplog.at_level(logging.INFO, logger="bot.ops.server"):
        running = asyncio.create_task(serve_app(settings, app, messengers=[messenger], stop=stop))
        try:
            for _ in range(200):
                if found := re.search(r"http://127\.0\.0\.1:(\d+)", caplog.text):
                    break
                await asyncio.sleep(0.05)
            url = f"http://127.0.0.1:{found.group(1)}/healthz"
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                status, body = response.status, await response.json()
        finally:
            stop.set()
            assert await running == 0
            await app.close()
    assert status == 200 and body["platforms"] == {}
    assert body["database"]["reachable"] and body["scheduler"]["healthy"]
