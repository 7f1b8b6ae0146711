"""Shared fixtures: real SQLite files, a fresh PostgreSQL database per test, the real content."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.app import App, build_app, console_adapter
from bot.core.clock import FixedClock, OffsetClock
from bot.core.content import ContentSet, Quiz, load_content
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.messages import Form, Message, MessageRef
from bot.core.placement import pull
from bot.core.services import ContentStore, Services
from bot.settings import ACTIVATING_VARIABLES, DEFAULT_CONTENT_DIR, Settings

REQUIRE_POSTGRES = os.environ.get("MENTORBOT_REQUIRE_POSTGRES") == "1"
# Without MENTORBOT_TEST_DATABASE_URL, a PostgreSQL answering on the usual local port is used.
LOCAL_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def _find_postgres() -> tuple[str | None, str]:
    """The server the PostgreSQL tests use, and a line saying where it came from."""
    url = os.environ.get("MENTORBOT_TEST_DATABASE_URL")
    if url:
        return url, "from MENTORBOT_TEST_DATABASE_URL"
    try:
        asyncio.run(_admin("SELECT 1", LOCAL_POSTGRES))
    except Exception as error:
        return None, f"none answered on 127.0.0.1:5432 ({type(error).__name__}); its tests skip"
    return LOCAL_POSTGRES, "found on 127.0.0.1:5432"


START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday

# Property tests run the same examples in CI every time (a new find must not block an unrelated
# merge by chance); on a developer's machine they explore new ones. Examples take milliseconds
# to seconds (each may touch the database), so no per-example deadline.
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "default")


def leaning_answers(quiz: Quiz, path_id: str) -> list[int]:
    """Per question, the index of the option that pulls hardest towards `path_id`.

    Options stand in their natural order, so tests find answers by their weights, not position.
    """
    return [
        max(range(len(q.options)), key=lambda i, q=q: pull(q.options[i], path_id))
        for q in quiz.questions
    ]


def mixed_answers(quiz: Quiz, first: str, second: str) -> list[int]:
    """Alternates between the answers leaning most towards `first` and towards `second`."""
    leaning = (leaning_answers(quiz, first), leaning_answers(quiz, second))
    return [leaning[n % 2][n] for n in range(len(quiz.questions))]


def typed(answers: list[int]) -> list[str]:
    """Answer indexes as a member types them: '1' for the first option."""
    return [str(index + 1) for index in answers]


@pytest.fixture(scope="session")
def content() -> ContentSet:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'mentorbot.db'}"


async def _admin(statement: str, url: str | None = None) -> None:
    engine = create_async_engine(url or POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


POSTGRES_URL, POSTGRES_SOURCE = _find_postgres()


def pytest_report_header() -> list[str]:
    where = make_url(POSTGRES_URL).render_as_string() if POSTGRES_URL else "not used"
    return [
        "databases: SQLite files in temporary directories; "
        f"PostgreSQL {where} ({POSTGRES_SOURCE}), a fresh database per test"
    ]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of its own, dropped afterwards; skipped without a server."""
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but not available: {POSTGRES_SOURCE}")
        pytest.skip(f"PostgreSQL: {POSTGRES_SOURCE}")
    name = f"mentorbot_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on a SQLite file and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(name)


@pytest.fixture
async def services(
    database_url: str, content: ContentSet, clock: FixedClock
) -> AsyncIterator[Services]:
    engine = create_engine(database_url)
    await upgrade(engine)
    yield Services(
        db=session_factory(engine),
        content=ContentStore(content, DEFAULT_CONTENT_DIR),
        clock=clock,
    )
    await engine.dispose()


def run_mentorbot(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`mentorbot ARGS` as a user runs it, without the developer's tokens or keys; `env` adds
    to the environment (an empty value counts as unset)."""
    full_env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


class Replies:
    """A replier that keeps what a command answered (forms are refused, as the console does)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def send(self, message: Message) -> MessageRef:
        self.messages.append(message)
        return MessageRef("test", "channel", str(len(self.messages)))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        self.messages.append(message)

    async def form(self, form: Form) -> bool:
        return False


class ConsoleDriver:
    """Types lines into the console adapter and returns what it printed since the last call."""

    def __init__(self, app: App, clock: OffsetClock, files_dir: Path | None = None) -> None:
        self.app = app
        self.clock = clock
        self.out = io.StringIO()
        # Files the console is sent (the stats chart) go to a scratch folder, never the checkout.
        self.files_dir = files_dir or Path(tempfile.mkdtemp(prefix="mentorbot-console-"))
        self.adapter = console_adapter(
            app, clock, io.StringIO(), self.out, files_dir=self.files_dir
        )
        self._seen = 0

    async def say(self, *lines: str) -> str:
        for line in lines:
            await self.adapter.handle(line)
        printed = self.out.getvalue()[self._seen :]
        self._seen = len(self.out.getvalue())
        return printed


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'console.db'}",
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
    )


@pytest.fixture
async def console(settings: Settings, tmp_path: Path) -> AsyncIterator[ConsoleDriver]:
    clock = OffsetClock(FixedClock(START))
    app = await build_app(settings, clock)
    yield ConsoleDriver(app, clock, tmp_path)
    await app.close()


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No platform tokens or keys leak in from the developer's environment."""
    for name in ACTIVATING_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    yield
