"""The stand-in Discord, and the real bot connected to it in this process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App, build_app, create_adapter
from bot.core.clock import FixedClock
from bot.core.ports import Adapter
from bot.runtime import serve
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from tests.conftest import START
from tests.platforms.discord.fake_discord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as discord:
        yield discord


def discord_settings(fake: FakeDiscord, database_url: str, **extra: object) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
        **fake.env(),
        **extra,
    )


@dataclass
class Bot:
    app: App
    adapter: Adapter
    clock: FixedClock
    settings: Settings


@pytest.fixture
async def bot(clean_env: None, fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    """`mentorbot run`'s adapter and scheduler, connected to the stand-in; the clock stands
    still until a test moves it (the hourly tick never comes, tests tick themselves)."""
    settings = discord_settings(fake, f"sqlite+aiosqlite:///{tmp_path / 'discord.db'}")
    clock = FixedClock(START)
    app = await build_app(settings, clock)
    adapter = create_adapter("discord", app, settings)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app.dispatcher, 3600, [adapter], stop=stop))
    try:
        await fake.gateway.connected()
        yield Bot(app, adapter, clock, settings)
    finally:
        stop.set()
        await running
        await app.close()
