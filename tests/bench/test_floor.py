"""The fan-out's floor leaves the bench members as it found them: due, with no delivery rows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.bench.fanout import PLATFORM, seed
from bot.bench.floor import floor
from bot.core.db import create_engine
from bot.core.models import Delivery, Member

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


async def _state(url: str) -> tuple[int, set[datetime]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            deliveries = await conn.scalar(select(func.count()).select_from(Delivery))
            due = (
                await conn.execute(
                    select(Member.next_due_at).where(Member.platform == PLATFORM).distinct()
                )
            ).scalars()
            return deliveries, {moment.replace(tzinfo=UTC) for moment in due}
    finally:
        await engine.dispose()


def test_the_floor_measures_rows_and_leaves_every_member_due_again(database_url: str):
    """1,200 members (three transactions, the last one short): a rate above zero, no delivery
    rows left, and every member due at the time the fan-out will start from."""
    asyncio.run(seed(database_url, 1200, NOW))
    due = NOW - timedelta(minutes=1)
    assert floor(database_url, PLATFORM, due) > 0
    assert asyncio.run(_state(database_url)) == (0, {due})
