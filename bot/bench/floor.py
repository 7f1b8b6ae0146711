"""The floor of a fan-out: the least row work a delivery needs, with nothing of ours around it.

For each bench member: insert its delivery row, move the member's next due time, mark the row
sent; 500 rows a transaction, each step one executemany, on the same tables and indexes the
dispatcher uses. Plain `sqlite3` on SQLite, plain asyncpg on PostgreSQL. Afterwards the rows
are deleted and the members made due again, so the fan-out starts from the seeded state.

On PostgreSQL the rows are all inserted before any is marked sent, as the dispatcher's first
batch is queued before its first DM is recorded: prepared against a delivery table that is
still empty, the update's cached plan would scan the table for every row it marks.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime, timedelta

import asyncpg
from sqlalchemy.engine import make_url

from bot.core.db import sqlite_pragmas

ROWS_PER_TRANSACTION = 500
_ROW = ("bench-path", "bench-item-1", "item")
_WHERE_SQLITE = "member_id = ? AND path_id = ? AND item_id = ? AND kind = ?"
_WHERE_PG = "member_id = $2 AND path_id = $3 AND item_id = $4 AND kind = $5"


def floor(url: str, platform: str, due: datetime) -> float:
    """Rows per second through the three statements; the members are left due at `due`."""
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite(make_url(url).database or "", platform, due)
    return asyncio.run(_postgresql(url, platform, due))


def _sqlite_time(moment: datetime) -> str:
    # How SQLAlchemy stores a datetime in SQLite, so the rows are what the dispatcher writes.
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _sqlite(path: str, platform: str, due: datetime) -> float:
    now = datetime.now(UTC)
    sent_at, next_due = _sqlite_time(now), _sqlite_time(now + timedelta(days=1))
    conn = sqlite3.connect(path)
    try:
        sqlite_pragmas(conn)
        ids = [
            row[0] for row in conn.execute("SELECT id FROM member WHERE platform = ?", (platform,))
        ]
        started = time.perf_counter()
        for start in range(0, len(ids), ROWS_PER_TRANSACTION):
            chunk = ids[start : start + ROWS_PER_TRANSACTION]
            keys = [(member_id, *_ROW) for member_id in chunk]
            conn.executemany(
                "INSERT INTO delivery (member_id, path_id, item_id, kind, status, due_at, "
                "attempts) VALUES (?, ?, ?, ?, 'pending', ?, 0)",
                [(*key, sent_at) for key in keys],
            )
            conn.executemany(
                "UPDATE member SET next_due_at = ? WHERE id = ?",
                [(next_due, member_id) for member_id in chunk],
            )
            conn.executemany(
                f"UPDATE delivery SET status = 'sent', sent_at = ? WHERE {_WHERE_SQLITE}",
                [(sent_at, *key) for key in keys],
            )
            conn.commit()
        seconds = time.perf_counter() - started
        conn.execute(
            "DELETE FROM delivery WHERE member_id IN (SELECT id FROM member WHERE platform = ?)",
            (platform,),
        )
        conn.execute(
            "UPDATE member SET next_due_at = ? WHERE platform = ?", (_sqlite_time(due), platform)
        )
        conn.commit()
    finally:
        conn.close()
    return len(ids) / seconds if seconds else 0.0


async def _postgresql(url: str, platform: str, due: datetime) -> float:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    now = datetime.now(UTC)
    conn = await asyncpg.connect(dsn)
    try:
        ids = [
            row["id"]
            for row in await conn.fetch("SELECT id FROM member WHERE platform = $1", platform)
        ]
        chunks = [
            ids[start : start + ROWS_PER_TRANSACTION]
            for start in range(0, len(ids), ROWS_PER_TRANSACTION)
        ]
        started = time.perf_counter()
        for chunk in chunks:
            async with conn.transaction():
                await conn.executemany(
                    "INSERT INTO delivery (member_id, path_id, item_id, kind, status, due_at, "
                    "attempts) VALUES ($1, $2, $3, $4, 'pending', $5, 0)",
                    [(member_id, *_ROW, now) for member_id in chunk],
                )
                await conn.executemany(
                    "UPDATE member SET next_due_at = $1 WHERE id = $2",
                    [(now + timedelta(days=1), member_id) for member_id in chunk],
                )
        for chunk in chunks:
            async with conn.transaction():
                await conn.executemany(
                    f"UPDATE delivery SET status = 'sent', sent_at = $1 WHERE {_WHERE_PG}",
                    [(now, member_id, *_ROW) for member_id in chunk],
                )
        seconds = time.perf_counter() - started
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM delivery WHERE member_id IN "
                "(SELECT id FROM member WHERE platform = $1)",
                platform,
            )
            await conn.execute(
                "UPDATE member SET next_due_at = $1 WHERE platform = $2", due, platform
            )
        # The fan-out should not pay for the floor's dead rows.
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return len(ids) / seconds if seconds else 0.0
