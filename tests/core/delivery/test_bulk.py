"""Bulk statements store values exactly as SQLAlchemy itself would."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, func, select, update

from bot.core.db import create_engine, upgrade
from bot.core.delivery.bulk import Bulk
from bot.core.delivery.claim import MEMBER
from tests.seeding import member_row

NOW = datetime(2026, 3, 3, 9, tzinfo=UTC)
MOVE = Bulk(
    update(MEMBER).where(MEMBER.c.id == bindparam("member")).values(next_due_at=bindparam("due"))
)


async def test_a_time_written_in_bulk_compares_equal_to_the_same_time_as_a_parameter(
    database_url: str,
):
    """A due time set by a Bulk statement is found by `next_due_at >= that time` and `<= it`."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(MEMBER.insert().values(member_row("1", NOW)))
            member = (await conn.execute(select(MEMBER.c.id))).scalar_one()
            await MOVE.run(conn, [{"member": member, "due": NOW}])
            count = select(func.count()).select_from(MEMBER)
            at_or_after = await conn.execute(count.where(MEMBER.c.next_due_at >= NOW))
            at_or_before = await conn.execute(count.where(MEMBER.c.next_due_at <= NOW))
            assert (at_or_after.scalar_one(), at_or_before.scalar_one()) == (1, 1)
    finally:
        await engine.dispose()
