"""The composition root: platform selection, and APScheduler driving the delivery tick."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from pathlib import Path

from bot.app import build_app, console_adapter, select_platforms, start_scheduler
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


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_tokens_starts_the_console(clean_env):
    """Without tokens the console starts and the operator is told why."""
    platforms, notes = select_platforms(_settings(), None)
    assert platforms == ["console"]
    assert any("no DISCORD_TOKEN" in n and "starting the console" in n for n in notes)


def test_tokens_pick_their_platforms(clean_env):
    """A Discord token picks Discord; both Slack tokens pick Slack; both at once is allowed."""
    both = _settings(DISCORD_TOKEN="d", SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1")
    assert select_platforms(both, None)[0] == ["discord", "slack"]
    assert select_platforms(_settings(DISCORD_TOKEN="d"), None)[0] == ["discord"]


def test_half_configured_slack_is_explained(clean_env):
    """A Slack bot token without the app token names the missing variable."""
    platforms, notes = select_platforms(_settings(SLACK_BOT_TOKEN="xoxb-1"), None)
    assert platforms == ["console"]
    assert any("SLACK_APP_TOKEN is not set" in n for n in notes)


def test_explicit_platform_wins(clean_env):
    """--platform console starts the console even with tokens set."""
    assert select_platforms(_settings(DISCORD_TOKEN="d"), "console")[0] == ["console"]
