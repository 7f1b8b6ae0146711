"""Committing a group of outcomes in one transaction, in as few trips as the driver allows.

The dispatcher's lanes wait for this commit before they send again, so its latency, not its
throughput, sets the pace of a fan-out: a group is a handful of rows (one per lane) written by
two statements. Each trip to aiosqlite's thread is a thread switch, three per statement through
SQLAlchemy (open a cursor, execute, close it), and on a busy machine a switch can cost longer
than the writes themselves. So on a SQLite file a group is written by a plain `sqlite3`
connection right away, in the event loop's own thread, unless another connection holds the
write lock: then it waits for it on a thread of its own. On PostgreSQL a group goes straight to
asyncpg, one round trip per statement (`record` makes it one statement); anything else goes
through SQLAlchemy.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.db import SQLITE_BUSY_TIMEOUT_MS, sqlite_pragmas

# Each statement's SQL for the writer's dialect and its rows of driver-ready values (`Bulk.rows`).
Statements = list[tuple[str, list[tuple]]]


class GroupWriter(Protocol):
    dialect: Dialect

    async def write(self, statements: Statements) -> None:
        """Run every statement once per row of its own, all in one transaction."""
        ...


@asynccontextmanager
async def group_writer(engine: AsyncEngine) -> AsyncIterator[GroupWriter]:
    """A writer for `engine`'s database, held for a batch of groups."""
    url = engine.url
    # A file named plainly; an in-memory database or URI options stay with SQLAlchemy.
    sqlite_file = url.get_backend_name() == "sqlite" and not url.query
    if sqlite_file and url.database not in (None, "", ":memory:"):
        writer = _SqliteFile(url.database, engine.dialect)
        await writer.open()
        try:
            yield writer
        finally:
            writer.close()
        return
    async with engine.connect() as conn:
        if url.get_driver_name() != "asyncpg":
            yield _EngineWriter(conn)
            return
        driver = (await conn.get_raw_connection()).driver_connection
        # Planned for each group as the table is now. A plan cached once and reused could have
        # been made while the delivery table was still (nearly) empty, and scan it every time.
        await driver.execute("SET plan_cache_mode = force_custom_plan")
        try:
            yield _AsyncpgWriter(driver, engine.dialect)
        finally:
            await driver.execute("RESET plan_cache_mode")


class _SqliteFile:
    def __init__(self, path: str, dialect: Dialect) -> None:
        self.path = path
        self.dialect = dialect
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="delivery-writer")
        self._conn: sqlite3.Connection | None = None

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def open(self) -> None:
        self._conn = await self._call(self._connect)

    def _connect(self) -> sqlite3.Connection:
        # Used from the event loop and from the thread, never from both at once.
        conn = sqlite3.connect(self.path, check_same_thread=False)
        sqlite_pragmas(conn)
        conn.execute("PRAGMA busy_timeout=0")
        return conn

    async def write(self, statements: Statements) -> None:
        # A group is a handful of rows, written in less time than a switch to another thread
        # takes; but waiting for another connection's lock must not stall the event loop.
        try:
            self._write(statements)
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
        await self._call(self._write_waiting, statements)

    def _write(self, statements: Statements) -> None:
        assert self._conn is not None
        try:
            for sql, params in statements:
                self._conn.executemany(sql, params)
            self._conn.commit()
        except BaseException:
            self._conn.rollback()
            raise

    def _write_waiting(self, statements: Statements) -> None:
        assert self._conn is not None
        self._conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        try:
            self._write(statements)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    def close(self) -> None:
        # Queued behind a write still running (the tick was cancelled, say): nothing is cut off.
        if self._conn is not None:
            self._thread.submit(self._conn.close)
        self._thread.shutdown(wait=False)


class _AsyncpgWriter:
    def __init__(self, driver: Any, dialect: Dialect) -> None:
        self.driver = driver
        self.dialect = dialect

    async def write(self, statements: Statements) -> None:
        if len(statements) == 1 and len(statements[0][1]) == 1:
            # One statement is a transaction of its own: no BEGIN and COMMIT round trips.
            sql, (params,) = statements[0]
            await self.driver.execute(sql, *params)
            return
        async with self.driver.transaction():
            for sql, params in statements:
                await self.driver.executemany(sql, params)


class _EngineWriter:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self.dialect = conn.dialect

    async def write(self, statements: Statements) -> None:
        async with self.conn.begin():
            for sql, params in statements:
                await self.conn.exec_driver_sql(sql, params)
