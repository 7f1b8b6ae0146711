"""A SQLite connection for SQLAlchemy's asyncio engine that runs statements in the event loop's
own thread.

aiosqlite sends every call (open a cursor, execute, fetch, close, commit) to a thread of its
own and waits for the answer: each is a thread switch and a trip around the event loop, and a
command makes a dozen of them. In WAL mode a statement on a local file takes microseconds, less
than one switch, and a command whose statements never wait runs to its reply in one go, instead
of queueing behind every other command at each statement. So a statement runs here at once
with no busy timeout; only when another connection holds the write lock (SQLite says "busy")
is it run again on a thread of its own that waits for the lock as long as the busy timeout
allows, while the event loop goes on.

The object speaks aiosqlite's interface (awaitable cursor, execute, fetch, commit), which is all
SQLAlchemy's `sqlite+aiosqlite` dialect uses; `create_engine` passes `connector` as
`async_creator`.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

# Seconds: after a statement that took longer, the event loop's other work runs first.
LONG_STATEMENT = 0.005
GIVE_WAY = 0.001


def connector(database: str, busy_timeout_ms: int, **connect_args: Any) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine`: opens `database` the way sqlite3 would."""

    async def connect() -> InlineConnection:
        conn = sqlite3.connect(database, timeout=0, check_same_thread=False, **connect_args)
        return InlineConnection(conn, busy_timeout_ms)

    return connect


class InlineConnection:
    def __init__(self, conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
        # SQLAlchemy checks `_connection` before a commit or rollback: set while open.
        self._connection: sqlite3.Connection | None = conn
        self._busy_timeout_ms = busy_timeout_ms
        self._waiter: ThreadPoolExecutor | None = None
        self._waiting: Future[Any] | None = None

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    @property
    def raw(self) -> sqlite3.Connection:
        """The `sqlite3` connection, for calls passed to `run`."""
        return self._conn

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    async def run(self, call: Callable[..., Any], *args: Any) -> Any:
        """`call(*args)` at once; on "database is locked", again on a thread that waits."""
        if self._waiting is not None and not self._waiting.done():
            # A wait whose caller gave up (cancelled) is still running on the thread: the
            # connection is its until it ends, so this call queues behind it there.
            return await self._on_thread(call, args)
        started = time.perf_counter()
        try:
            result = call(*args)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        else:
            if time.perf_counter() - started > LONG_STATEMENT:
                # A long one (a moderator's statistics over every member, say): what the loop
                # has waiting runs before the next, so a report's statements do not add up to
                # one long stall. A timer, not sleep(0): a task woken by a socket or a timer is
                # two trips from running, and sleep(0) would come back after one.
                await asyncio.sleep(GIVE_WAY)
            return result
        return await self._on_thread(call, args)

    async def _on_thread(self, call: Callable[..., Any], args: Sequence[Any]) -> Any:
        if self._waiter is None:
            self._waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-wait")
        self._waiting = self._waiter.submit(self._patiently, call, args)
        return await asyncio.wrap_future(self._waiting)

    def _patiently(self, call: Callable[..., Any], args: Sequence[Any]) -> Any:
        conn = self._conn
        conn.execute(f"PRAGMA busy_timeout={self._busy_timeout_ms}")
        try:
            return call(*args)
        finally:
            conn.execute("PRAGMA busy_timeout=0")

    def cursor(self) -> InlineCursor:
        return InlineCursor(self, self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        cursor = self.cursor()
        await cursor.execute(sql, parameters)
        return cursor

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def rollback(self) -> None:
        await self.run(self._conn.rollback)

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        """Close at once (SQLAlchemy's terminate); a second close does nothing."""
        conn, self._connection = self._connection, None
        if conn is None:
            return
        if self._waiter is None:
            conn.close()
            return
        # Behind whatever still runs there, so nothing is cut off halfway.
        self._waiter.submit(conn.close)
        self._waiter.shutdown(wait=False)


class InlineCursor:
    def __init__(self, connection: InlineConnection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value

    async def execute(self, sql: str, parameters: Any = ()) -> InlineCursor:
        await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, rows: Iterable[Any]) -> InlineCursor:
        # A generator could be read only once: a retry after "busy" needs the rows again.
        await self._connection.run(self._cursor.executemany, sql, list(rows))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    def __aiter__(self) -> InlineCursor:
        return self

    async def __anext__(self) -> Any:
        row = self._cursor.fetchone()
        if row is None:
            raise StopAsyncIteration
        return row
