"""The group writer: one transaction per group, on each database, without stalling the loop."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import make_url

from bot.core.db import create_engine, upgrade
from bot.core.delivery.bulk import Bulk
from bot.core.delivery.claim import MEMBER
from bot.core.delivery.writer import group_writer
from tests.seeding import member_row

NOW = datetime(2026, 3, 3, 9, tzinfo=UTC)
RENAME = Bulk(
    update(MEMBER).where(MEMBER.c.id == bindparam("member")).values(display_name=bindparam("name"))
)
# platform is NOT NULL: a row of this statement fails.
BREAK = Bulk(update(MEMBER).where(MEMBER.c.id == bindparam("member")).values(platform=None))


async def _members(url: str, count: int) -> list[int]:
    engine = create_engine(url)
    await upgrade(engine)
    async with engine.begin() as conn:
        await conn.execute(
            MEMBER.insert(),
            [member_row(str(n), NOW) for n in range(count)],
        )
        ids = (await conn.execute(select(MEMBER.c.id).order_by(MEMBER.c.id))).scalars().all()
    await engine.dispose()
    return list(ids)


async def _names(url: str) -> list[str]:
    engine = create_engine(url)
    async with engine.connect() as conn:
        names = await conn.execute(select(MEMBER.c.display_name).order_by(MEMBER.c.id))
        result = list(names.scalars())
    await engine.dispose()
    return result


async def _write(url: str, statements) -> None:
    engine = create_engine(url)
    try:
        async with group_writer(engine) as writer:
            await writer.write([bulk.rows(writer.dialect, rows, {}) for bulk, rows in statements])
    finally:
        await engine.dispose()


async def test_a_group_is_written_as_one_transaction(database_url: str):
    """Every statement of a group is committed; the rows read back through the engine."""
    first, second = await _members(database_url, 2)
    await _write(
        database_url,
        [(RENAME, [{"member": first, "name": "ada"}, {"member": second, "name": "bob"}])],
    )
    assert await _names(database_url) == ["ada", "bob"]


async def test_a_group_that_fails_leaves_nothing_half_written(database_url: str):
    """A statement failing late in the group takes the group's earlier writes back with it."""
    first, second = await _members(database_url, 2)
    with pytest.raises(Exception, match=r"(?i)null"):
        await _write(
            database_url,
            [(RENAME, [{"member": first, "name": "ada"}]), (BREAK, [{"member": second}])],
        )
    assert await _names(database_url) == ["member 0", "member 1"]


async def test_a_group_waits_for_another_connections_lock_without_stalling_the_loop(
    sqlite_url: str,
):
    """SQLite: while another connection holds the write lock the loop runs on; then it writes."""
    (member,) = await _members(sqlite_url, 1)
    other = sqlite3.connect(make_url(sqlite_url).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    writing = asyncio.create_task(
        _write(sqlite_url, [(RENAME, [{"member": member, "name": "ada"}])])
    )
    ticks = 0
    for _ in range(20):
        await asyncio.sleep(0.01)
        ticks += 1
    assert ticks == 20 and not writing.done()
    other.execute("COMMIT")
    other.close()
    await asyncio.wait_for(writing, timeout=10)
    assert await _names(sqlite_url) == ["ada"]


async def test_an_in_memory_database_is_written_through_sqlalchemy():
    """No file to open a second connection to: the group goes through the engine itself."""
    engine = create_engine("sqlite+aiosqlite://")
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(MEMBER.insert().values(member_row("1", NOW)))
        async with group_writer(engine) as writer:
            await writer.write([RENAME.rows(writer.dialect, [{"member": 1, "name": "ada"}], {})])
        async with engine.connect() as conn:
            assert (await conn.execute(select(MEMBER.c.display_name))).scalar() == "ada"
    finally:
        await engine.dispose()
