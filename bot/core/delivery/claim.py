"""Atomic claims, so several workers sharing one PostgreSQL database never take the same row.

PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` inside the claiming statement or transaction; a
row another worker holds is skipped, not waited for. SQLite renders no FOR UPDATE: there one
process runs the dispatcher (see bot.core.process_lock) and each claim is a single statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Integer, Row, any_, func, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.models import Delivery, DeliveryStatus, Member

MEMBER = Member.__table__
DELIVERY = Delivery.__table__
_OPEN = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


async def next_wake(conn: AsyncConnection, platforms: Sequence[str]) -> datetime | None:
    """The earliest moment anything is due, in one round trip of index look-ups.

    A claimed row's `due_at` is when its claim lapses, so a crashed worker's rows come back.
    """
    earliest = [
        select(func.min(MEMBER.c.next_due_at)).where(MEMBER.c.platform == platform)
        for platform in platforms
    ] + [select(func.min(DELIVERY.c.due_at)).where(DELIVERY.c.status == s) for s in _OPEN]
    row = (await conn.execute(select(*(q.scalar_subquery() for q in earliest)))).one()
    moments = [moment for moment in row if moment is not None]
    return min(moments) if moments else None


async def lock_due_members(
    conn: AsyncConnection, platform: str, now: datetime, limit: int
) -> Sequence[Row]:
    """Members whose next item is due, locked for this transaction; others' locks are skipped."""
    statement = (
        select(
            MEMBER.c.id,
            MEMBER.c.status,
            MEMBER.c.timezone,
            MEMBER.c.delivery_time,
            MEMBER.c.delivery_days,
            MEMBER.c.next_due_at,
        )
        .where(MEMBER.c.platform == platform, MEMBER.c.next_due_at <= now)
        .order_by(MEMBER.c.next_due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await conn.execute(statement)).all()


async def claim_deliveries(
    conn: AsyncConnection, worker: str, now: datetime, lease: timedelta, limit: int
) -> Sequence[Row]:
    """Take up to `limit` due deliveries for `worker`.

    A row is due when it is pending and its time has come, or when another worker claimed it
    and its lease ran out (that worker died between claiming and recording); the second kind is
    rare, so it is looked for first and separately, which keeps each look-up an ordered scan of
    the (status, due_at) index.
    """
    claimed = list(await _claim(conn, DeliveryStatus.CLAIMED, worker, now, lease, limit))
    if len(claimed) < limit:
        claimed += await _claim(
            conn, DeliveryStatus.PENDING, worker, now, lease, limit - len(claimed)
        )
    return claimed


async def _claim(
    conn: AsyncConnection,
    status: DeliveryStatus,
    worker: str,
    now: datetime,
    lease: timedelta,
    limit: int,
) -> Sequence[Row]:
    due = (
        select(DELIVERY.c.id)
        .where(DELIVERY.c.status == status, DELIVERY.c.due_at <= now)
        .order_by(DELIVERY.c.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if conn.dialect.name == "postgresql":
        # id = ANY(ARRAY(subquery)): the rows are chosen and locked once, then updated by
        # primary key. Joined to the update instead, the planner may rescan the whole table
        # per chosen row when its statistics are older than a fan-out (minutes, at 100,000).
        chosen = DELIVERY.c.id == any_(func.array(due.scalar_subquery(), type_=ARRAY(Integer)))
    else:
        chosen = DELIVERY.c.id.in_(due)
    statement = (
        update(DELIVERY)
        .where(chosen)
        .values(
            status=DeliveryStatus.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            due_at=now + lease,
            attempts=DELIVERY.c.attempts + 1,
        )
        .returning(
            DELIVERY.c.id,
            DELIVERY.c.member_id,
            DELIVERY.c.path_id,
            DELIVERY.c.item_id,
            DELIVERY.c.kind,
            DELIVERY.c.attempts,
            DELIVERY.c.scheduled_at,
        )
    )
    return (await conn.execute(statement)).all()
