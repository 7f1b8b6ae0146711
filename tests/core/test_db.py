"""Database set-up: migrations, aware datetimes, SQLite pragmas."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import StatementError

from bot.core.db import create_engine, newest_revision, revisions, session_factory, upgrade
from bot.core.models import Member
from bot.settings import Settings
from tests.conftest import ConsoleDriver


def _member_at(moment: datetime) -> Member:
    return Member(
        platform="console",
        workspace_id="w",
        user_id="u",
        display_name="A",
        created_at=moment,
        updated_at=moment,
    )


async def test_upgrade_reaches_head_and_is_repeatable(database_url: str):
    """Migrations bring an empty database to the newest revision, and running again is a no-op."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        await upgrade(engine)
        current, head = await revisions(engine)
        assert current == head is not None
        # The quick start-up check reads the same head as Alembic does.
        assert newest_revision() == head
    finally:
        await engine.dispose()


async def test_datetimes_come_back_aware_in_utc(database_url: str):
    """A datetime stored in any zone reads back as the same instant, tagged UTC."""
    engine = create_engine(database_url)
    await upgrade(engine)
    moment = datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    try:
        async with session_factory(engine)() as session:
            session.add(_member_at(moment))
            await session.commit()
        async with session_factory(engine)() as session:
            member = (await session.exec(Member.__table__.select())).first()
        assert member.created_at == moment
        assert member.created_at.tzinfo == UTC
    finally:
        await engine.dispose()


async def test_naive_datetimes_are_refused(sqlite_url: str):
    """Writing a naive datetime fails instead of storing an ambiguous time."""
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    naive = datetime(2026, 3, 2, 9, 0)  # noqa: DTZ001
    try:
        async with session_factory(engine)() as session:
            session.add(_member_at(naive))
            with pytest.raises(StatementError, match="naive datetime"):
                await session.commit()
    finally:
        await engine.dispose()


async def test_sqlite_runs_in_wal_mode_and_never_waits_in_the_event_loop(sqlite_url: str):
    """SQLite files use write-ahead logging; the connection itself has no busy timeout, since
    it runs in the event loop's thread: a lock is waited for on another thread
    (tests/core/test_sqlite_inline.py)."""
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() == 0
    finally:
        await engine.dispose()


async def test_sqlite_overwrites_what_it_deletes(sqlite_url: str):
    """secure_delete is on, so deleted rows do not linger in free pages."""
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA secure_delete"))).scalar() == 1
    finally:
        await engine.dispose()


async def test_forget_me_leaves_no_question_text_in_the_sqlite_files(
    console: ConsoleDriver, settings: Settings
):
    """After forget-me, neither the database file nor its write-ahead log holds the question."""
    await console.say("/mentor join ai-engineer", "/mentor ask What is a zyxquorble embedding?")
    await console.say("/mentor forget-me", "1")
    database = Path(make_url(settings.resolved_database_url).database)
    files = [f for f in database.parent.iterdir() if f.name.startswith(database.name)]
    assert database in files
    for file in files:
        assert b"zyxquorble" not in file.read_bytes(), file.name
