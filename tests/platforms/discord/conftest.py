"""The stand-in Discord, and the real bot connected to it in this process."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import App, build_app, create_adapter
from bot.core.clock import FixedClock
from bot.core.commands import Command, Handler, Router, build_actions, build_commands
from bot.platforms.discord.adapter import DiscordAdapter
from bot.runtime import serve
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from bot.testing.discord.server import FakeDiscord
from tests.conftest import START


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as discord:
        yield discord


def discord_settings(fake: FakeDiscord, tmp_path: Path, **extra: object) -> Settings:
    values: dict[str, object] = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'discord.db'}",
        "MENTORBOT_CONTENT_DIR": DEFAULT_CONTENT_DIR,
        **fake.env(),
        **extra,
    }
    return Settings(_env_file=None, **values)


@dataclass
class Bot:
    app: App
    adapter: DiscordAdapter
    clock: FixedClock
    settings: Settings


@contextlib.asynccontextmanager
async def running_bot(
    fake: FakeDiscord,
    tmp_path: Path,
    commands: list[Command] | None = None,
    actions: dict[str, Handler] | None = None,
    **settings: object,
) -> AsyncIterator[Bot]:
    """`mentorbot run`'s adapter and scheduler, connected to the stand-in, with the shipped
    commands or the given ones. The clock stands still until a test moves it, and the hourly
    tick never comes: tests tick themselves."""
    config = discord_settings(fake, tmp_path, **settings)
    clock = FixedClock(START)
    app = await build_app(config, clock)
    if commands is not None or actions is not None:
        app.router = Router(app.services, commands or build_commands(), actions or build_actions())
    adapter = create_adapter("discord", app, config)
    assert isinstance(adapter, DiscordAdapter)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app.dispatcher, 3600, [adapter], stop=stop))
    try:
        await fake.gateway.connected()
        yield Bot(app, adapter, clock, config)
    finally:
        stop.set()
        await running
        await app.close()


@pytest.fixture
async def bot(clean_env: None, fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Bot]:
    async with running_bot(fake, tmp_path) as running:
        yield running
