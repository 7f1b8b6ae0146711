"""Engine and session set-up for SQLite (WAL, busy timeout) and PostgreSQL, and migrations."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.sqlite_inline import connector

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 5000

SessionFactory = Callable[[], AsyncSession]


def sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL; None for PostgreSQL and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def create_engine(url: str) -> AsyncEngine:
    # Statement parameters hold questions and display names: kept out of error messages and
    # so out of the log, which forget-me cannot reach.
    if make_url(url).get_backend_name() != "sqlite":
        return create_async_engine(
            url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True
        )
    file = inline_sqlite_file(url)
    if file is None:
        # In memory, or options only aiosqlite knows: aiosqlite's own thread.
        engine = create_async_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )
        busy_timeout_ms = SQLITE_BUSY_TIMEOUT_MS
    else:
        # A file: statements run in the event loop's thread and wait for a lock on another
        # (bot/core/sqlite_inline.py), so the connection itself never waits.
        file.parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            async_creator=connector(str(file), SQLITE_BUSY_TIMEOUT_MS),
            hide_parameters=True,
        )
        busy_timeout_ms = 0

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        sqlite_pragmas(dbapi_connection, busy_timeout_ms)

    return engine


def inline_sqlite_file(url: str | URL) -> Path | None:
    """The file behind a SQLite URL named plainly, whose statements run in the event loop's
    thread; None for PostgreSQL, and for in-memory or URI-option URLs (aiosqlite's thread)."""
    file = sqlite_file(url)
    return file if file is not None and not make_url(url).query else None


def sqlite_pragmas(dbapi_connection, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS) -> None:
    """What every connection to a SQLite file sets, through SQLAlchemy or plain `sqlite3`."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, so forget-me leaves no text in free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


async def scrub_deleted(session: AsyncSession) -> None:
    """After a deletion that must leave no trace: SQLite copies the write-ahead log into the
    file (whose freed pages secure_delete has zeroed) and empties the log, which still holds
    the old pages. PostgreSQL's own files are its administrator's concern."""
    if session.bind.dialect.name == "sqlite":
        await session.exec(text("PRAGMA wal_checkpoint(TRUNCATE)"))


def insert_new(session: AsyncSession, table: type[SQLModel]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that skips a row whose unique key is already taken (`ON CONFLICT DO NOTHING`):
    of two requests racing to create the same row, neither fails. Its result's rowcount says
    whether this one made it."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing()


class _InlineSession(AsyncSession):
    """A session on a SQLite file: closing it runs no statement that can wait (the connection
    is in this thread), so it closes in place. SQLAlchemy's own exit closes in a task of its
    own, safe from cancellation halfway, at the cost of a trip around the event loop that,
    under load, waits behind every other command."""

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await self.close()


def session_factory(engine: AsyncEngine) -> SessionFactory:
    session = _InlineSession if inline_sqlite_file(engine.url) else AsyncSession
    return async_sessionmaker(engine, class_=session, expire_on_commit=False)


def _alembic_config(connection: Connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    from alembic import command

    command.upgrade(_alembic_config(connection), "head")


async def upgrade(engine: AsyncEngine) -> None:
    """Apply every migration that has not run yet; safe to call at each start."""
    if await _stored_revision(engine) == newest_revision():
        # Loading Alembic costs about a tenth of a second; most starts have nothing to apply.
        return
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


_REVISION = re.compile(r'^(down_revision|revision)\b[^=]*=\s*["\']?([^"\'\s]+)', re.M)


def newest_revision() -> str | None:
    """The head of the migration chain, read from the version files' own declarations."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in (MIGRATIONS_DIR / "versions").glob("*.py"):
        declared = dict(m.groups() for m in _REVISION.finditer(file.read_text(encoding="utf-8")))
        if "revision" in declared:
            revisions.add(declared["revision"])
            parents.add(declared.get("down_revision", "None"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


async def _stored_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        if not await connection.run_sync(lambda c: inspect(c).has_table("alembic_version")):
            return None
        return (await connection.execute(text("SELECT version_num FROM alembic_version"))).scalar()


def _current_and_head(connection: Connection) -> tuple[str | None, str | None]:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(connection))
    current = MigrationContext.configure(connection).get_current_revision()
    return current, script.get_current_head()


async def revisions(engine: AsyncEngine) -> tuple[str | None, str | None]:
    """The database's revision and the newest one this code knows."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current_and_head)
