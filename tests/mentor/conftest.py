"""The mentor against a local Anthropic Messages API server, through the real SDK."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.core.clock import FixedClock
from bot.core.members import Caller
from bot.core.messages import Message, MessageRef
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from bot.testing.fake_anthropic import FakeAnthropic

ADA = Caller("discord", "guild-1", "ada", "Ada", conversation_id="thread-1")
BOB = Caller("discord", "guild-1", "bob", "Bob", conversation_id="thread-1")


class Recorder:
    """A replier that keeps every send and edit, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, MessageRef, Message]] = []

    async def send(self, message: Message) -> MessageRef:
        ref = MessageRef("test", "channel", str(len(self.calls) + 1))
        self.calls.append(("send", ref, message))
        return ref

    async def edit(self, ref: MessageRef, message: Message) -> None:
        self.calls.append(("edit", ref, message))

    @property
    def last(self) -> Message:
        return self.calls[-1][2]

    @property
    def edits(self) -> list[Message]:
        return [message for kind, _, message in self.calls if kind == "edit"]


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeAnthropic]:
    async with FakeAnthropic() as fake:
        yield fake


def claude_settings(database_url: str, base_url: str, **extra: object) -> Settings:
    values: dict[str, object] = {
        "DATABASE_URL": database_url,
        "MENTORBOT_CONTENT_DIR": DEFAULT_CONTENT_DIR,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_MAX_RETRIES": 1,
        "MENTORBOT_ASK_EDIT_INTERVAL": 0,
        "MENTORBOT_ASK_FIRST_TOKEN_TIMEOUT": 3,
        **extra,
    }
    return Settings(_env_file=None, **values)


@pytest.fixture
async def claude(
    clean_env: None, tmp_path: Path, fake_api: FakeAnthropic, clock: FixedClock
) -> AsyncIterator[App]:
    """The whole app on a SQLite file, answering with Claude served by the local fake."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mentor.db'}"
    app = await build_app(claude_settings(url, fake_api.base_url), clock)
    yield app
    await app.close()


async def ask(app: App, question: str, caller: Caller = ADA) -> Recorder:
    reply = Recorder()
    await app.router.command(caller, "mentor", "ask", question, reply)
    return reply


async def join(app: App, path: str, caller: Caller = ADA) -> None:
    await app.router.command(caller, "mentor", "join", path, Recorder())


@pytest.fixture
async def make_claude(
    clean_env: None, database_url: str, fake_api: FakeAnthropic, clock: FixedClock
) -> AsyncIterator:
    """Builds the app on SQLite and on PostgreSQL, with extra settings per test."""
    apps: list[App] = []

    async def make(**extra: object) -> App:
        app = await build_app(claude_settings(database_url, fake_api.base_url, **extra), clock)
        apps.append(app)
        return app

    yield make
    for app in apps:
        await app.close()


@pytest.fixture
async def offline(clean_env: None, database_url: str, clock: FixedClock) -> AsyncIterator[App]:
    """The whole app with no ANTHROPIC_API_KEY, on SQLite and on PostgreSQL."""
    settings = Settings(
        _env_file=None, DATABASE_URL=database_url, MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR
    )
    app = await build_app(settings, clock)
    yield app
    await app.close()
