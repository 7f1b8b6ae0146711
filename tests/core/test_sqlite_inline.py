"""On a SQLite file, statements run in the event loop's thread, and a lock held elsewhere is
waited for on another thread while the loop goes on."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core import sqlite_inline
from bot.core.db import create_engine, session_factory
from bot.core.sqlite_inline import connector


class Ticker:
    """Counts trips around the event loop while it runs (or, with `every`, timers that fire)."""

    def __init__(self, every: float = 0) -> None:
        self.ticks = 0
        self.every = every
        self._task: asyncio.Task | None = None

    async def _spin(self) -> None:
        while True:
            self.ticks += 1
            await asyncio.sleep(self.every)

    async def __aenter__(self) -> Ticker:
        self._task = asyncio.create_task(self._spin())
        await asyncio.sleep(0)
        self.ticks = 0
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


async def _table(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    await engine.dispose()


async def test_a_session_reads_writes_and_closes_without_leaving_the_event_loop(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A whole session (insert, commit, read, close) never gives the loop a turn: a command on
    SQLite runs to its reply in one go instead of queueing behind others at each statement.
    (Long statements give way, tested below; on a busy machine any statement can be long.)"""
    monkeypatch.setattr(sqlite_inline, "LONG_STATEMENT", 60.0)
    await _table(sqlite_url)
    engine = create_engine(sqlite_url)
    sessions = session_factory(engine)
    try:
        async with sessions() as session, session.begin():
            await session.exec(text("SELECT 1"))  # the pool's first connection is made
        async with Ticker() as ticker:
            async with sessions() as session:
                async with session.begin():
                    await session.exec(text("INSERT INTO notes (body) VALUES ('hello')"))
                rows = (await session.exec(text("SELECT body FROM notes"))).all()
            assert ticker.ticks == 0
        assert [tuple(row) for row in rows] == [("hello",)]
    finally:
        await engine.dispose()


async def test_after_a_long_statement_timers_and_sockets_are_served_before_the_next(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    """A report's statements do not add up to one long stall: after each long one (every one,
    with the threshold at zero) a task woken by a timer runs before the next statement."""
    monkeypatch.setattr(sqlite_inline, "LONG_STATEMENT", 0.0)
    engine = create_engine(sqlite_url)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            async with Ticker(every=0.0001) as ticker:
                seen = []
                for _ in range(3):
                    await conn.execute(text("SELECT 1"))
                    seen.append(ticker.ticks)
            assert seen[0] < seen[1] < seen[2]
    finally:
        await engine.dispose()


async def test_a_write_waits_for_another_connections_lock_while_the_loop_goes_on(
    sqlite_url: str,
):
    """Another process holds the write lock: the write waits on a thread and lands once the
    lock is let go; meanwhile the event loop keeps turning."""
    await _table(sqlite_url)
    other = sqlite3.connect(sqlite_url.split("///", 1)[1], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    engine = create_engine(sqlite_url)
    try:
        async with Ticker() as ticker:

            async def write() -> None:
                async with engine.begin() as conn:
                    await conn.execute(text("INSERT INTO notes (body) VALUES ('waited')"))

            writing = asyncio.create_task(write())
            await asyncio.sleep(0.2)
            assert not writing.done()
            assert ticker.ticks > 10
            other.execute("COMMIT")
            await asyncio.wait_for(writing, timeout=10)
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT body FROM notes"))).scalar() == "waited"
    finally:
        other.close()
        await engine.dispose()


def _locked_by_another(tmp_path: Path) -> tuple[str, sqlite3.Connection]:
    """A file with a notes table, and another connection holding its write lock."""
    path = str(tmp_path / "locked.db")
    with contextlib.closing(sqlite3.connect(path)) as setup:
        setup.execute("CREATE TABLE notes (body TEXT)")
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return path, other


async def test_a_lock_held_past_the_busy_timeout_is_an_error_and_the_connection_still_works(
    tmp_path: Path,
):
    """ "database is locked" once the busy timeout has passed, as with any SQLite driver; the
    same connection writes once the lock is free."""
    path, other = _locked_by_another(tmp_path)
    conn = await connector(path, busy_timeout_ms=100)()
    try:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            await conn.execute("INSERT INTO notes VALUES ('late')")
        await conn.rollback()
        other.execute("COMMIT")
        await conn.execute("INSERT INTO notes VALUES ('on time')")
        await conn.commit()
        cursor = await conn.execute("SELECT body FROM notes")
        assert await cursor.fetchall() == [("on time",)]
    finally:
        other.close()
        await conn.close()


async def test_a_wait_given_up_keeps_the_connection_until_it_ends(tmp_path: Path):
    """A statement waiting for a lock is cancelled (its command was): it still runs on the
    thread, and what comes next on that connection (the rollback) queues behind it there
    instead of running beside it; the event loop never waits."""
    path, other = _locked_by_another(tmp_path)
    conn = await connector(path, busy_timeout_ms=5000)()
    try:
        writing = asyncio.create_task(conn.execute("INSERT INTO notes VALUES ('given up')"))
        await asyncio.sleep(0.05)
        writing.cancel()
        rolling_back = asyncio.create_task(conn.rollback())
        async with Ticker(every=0.001) as ticker:
            await asyncio.sleep(0.1)
            assert not rolling_back.done()
            assert ticker.ticks > 10
        other.execute("COMMIT")
        await asyncio.wait_for(rolling_back, timeout=5)
        cursor = await conn.execute("SELECT count(*) FROM notes")
        assert await cursor.fetchall() == [(0,)]
    finally:
        other.close()
        await conn.close()
