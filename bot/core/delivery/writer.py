"""Committing a group of outcomes in one transaction, in as few trips as the driver allows.

The dispatcher's lanes wait for this commit before they send again, so its latency, not its
throughput, sets the pace of a fan-out: a group is a handful of rows (one per lane) written by
two statements. So on a SQLite file a group is two executemany calls and a commit on a plain
`sqlite3` connection of the writer's own, with none of SQLAlchemy's work per statement (through
the engine the same fan-out is about a quarter slower), run right away in the event loop's own
thread unless another connection holds the write lock: then it waits for it on a thread
(`bot/core/sqlite_inline.py`). On PostgreSQL a group goes straight to asyncpg, one round trip
per statement (`record` makes it one statement); anything else goes through SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.db import SQLITE_BUSY_TIMEOUT_MS, inline_sqlite_file, sqlite_pragmas
from bot.core.sqlite_inline import InlineConnection, connector

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
    if (file := inline_sqlite_file(url)) is not None:
        writer = _SqliteFile(str(file), engine.dialect)
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
        self._conn: InlineConnection | None = None

    async def open(self) -> None:
        self._conn = await connector(self.path, SQLITE_BUSY_TIMEOUT_MS)()
        sqlite_pragmas(self._conn.raw, busy_timeout_ms=0)

    async def write(self, statements: Statements) -> None:
        # A group is a handful of rows, written in less time than a switch to another thread
        # takes; waiting for another connection's lock happens on a thread (InlineConnection).
        assert self._conn is not None
        await self._conn.run(self._write, self._conn.raw, statements)

    @staticmethod
    def _write(conn: sqlite3.Connection, statements: Statements) -> None:
        try:
            for sql, params in statements:
                conn.executemany(sql, params)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise

    def close(self) -> None:
        # Behind a write still waiting on the thread (the tick was cancelled, say).
        if self._conn is not None:
            self._conn.stop()


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
