"""Turning due members into queued deliveries: which item is next, or hold and nudge instead.

One transaction per batch of members. Each due member gets at most one row: the next item of
their path, or the one nudge when pacing holds the path. Their `next_due_at` moves to the next
scheduled day, so a member whose time passed while the bot was down gets one item, not one per
missed day.

The path's cursor (`enrollment.last_sent_item_id`) moves only when an item is sent. Until then
the next item is the same one, whose row already exists and is still open, so the insert below
changes nothing: a member never has two items on their way, with no extra query to find out.
"""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Row, and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.content import ContentSet, Item, LearningPath
from bot.core.delivery.claim import DELIVERY, MEMBER, lock_due_members
from bot.core.models import (
    DeliveryKind,
    DeliveryStatus,
    Enrollment,
    EnrollmentStatus,
    MemberStatus,
)
from bot.core.schedule import next_due

log = logging.getLogger(__name__)

ENROLLMENT = Enrollment.__table__
_OPEN = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


@dataclass
class Planned:
    members: int = 0
    items: int = 0
    nudges: int = 0


@dataclass
class _Writes:
    rows: list[dict] = field(default_factory=list)
    next_due: dict[datetime | None, list[int]] = field(default_factory=lambda: defaultdict(list))
    held: list[int] = field(default_factory=list)


def _positions(path: LearningPath, cache: dict[str, dict[str, float]]) -> dict[str, float]:
    positions = cache.get(path.id)
    if positions is None:
        positions = cache[path.id] = {item.id: i for i, item in enumerate(path.items)}
        # An item that left the path keeps a place half a step after the one it followed:
        # members on it move on to the next item, and an item inserted before is not sent.
        for item_id in path.retired:
            place = path.position(item_id)
            if item_id not in positions and place is not None:
                positions[item_id] = place
    return positions


def next_item(path: LearningPath, positions: dict[str, float], enrollment: Row) -> Item | None:
    """The item after the last one sent, skipping any the member has already reached."""
    if enrollment.current_item_id is None:
        return None
    start = 0
    if enrollment.last_sent_item_id in positions:
        start = math.floor(positions[enrollment.last_sent_item_id]) + 1
    if enrollment.current_item_id in positions:
        start = max(start, math.ceil(positions[enrollment.current_item_id]))
    return path.items[start] if start < len(path.items) else None


def waiting_count(positions: dict[str, float], enrollment: Row) -> int:
    """Items sent and not yet marked done: from the member's current item to the last sent."""
    last = positions.get(enrollment.last_sent_item_id)
    current = positions.get(enrollment.current_item_id)
    if last is None or current is None:
        return 0
    return max(0, math.floor(last) - math.ceil(current) + 1)


async def enqueue_due(
    conn: AsyncConnection,
    content: ContentSet,
    platform: str,
    now: datetime,
    limit: int,
    pacing_limit: int,
) -> Planned:
    """Queue one delivery for each due member of `platform`, up to `limit` members."""
    members = await lock_due_members(conn, platform, now, limit)
    planned = Planned(members=len(members))
    if not members:
        return planned
    enrollments = await _enrollments(conn, [m.id for m in members])
    writes = _Writes()
    behind: list[tuple[Row, LearningPath, Item, datetime]] = []
    cache: dict[str, dict[str, float]] = {}
    for member in members:
        if member.status != MemberStatus.ACTIVE:
            # Paused or unreachable since this was set: nothing is due until they are back.
            writes.next_due[None].append(member.id)
            continue
        enrollment = enrollments.get(member.id)
        path = content.path(enrollment.path_id) if enrollment else None
        if path is None:
            # Not on a path: joining one schedules them again.
            writes.next_due[None].append(member.id)
            continue
        positions = _positions(path, cache)
        item = next_item(path, positions, enrollment)
        if item is None:
            writes.next_due[None].append(member.id)
            continue
        following = _following(member, now)
        if following is None:
            writes.next_due[None].append(member.id)
            continue
        if waiting_count(positions, enrollment) >= pacing_limit:
            behind.append((member, path, item, following))
            continue
        writes.rows.append(_row(member, item, DeliveryKind.ITEM, now))
        writes.next_due[following].append(member.id)
    released = await _nudged_already(conn, [member.id for member, *_ in behind])
    for member, path, item, following in behind:
        if (member.id, path.id, item.id) in released:
            # Held here before and the member came back (`/mentor today` or `done`): go on.
            writes.rows.append(_row(member, item, DeliveryKind.ITEM, now))
            writes.next_due[following].append(member.id)
        else:
            writes.rows.append(_row(member, item, DeliveryKind.NUDGE, now))
            writes.held.append(member.id)
    planned.nudges = len(writes.held)
    planned.items = len(writes.rows) - planned.nudges
    await _write(conn, writes, now)
    return planned


def _following(member: Row, now: datetime) -> datetime | None:
    """The member's next due time; None (and logged) if their stored schedule cannot be read."""
    try:
        return next_due(
            member.delivery_time, member.timezone, member.delivery_days, now, member.next_due_at
        )
    except (ValueError, KeyError):
        # A zone that the installed tzdata no longer knows, say: one member must not stop the
        # tick for everyone. `/mentor schedule` sets a good schedule and brings them back.
        log.exception("member %s has a schedule that cannot be computed", member.id)
        return None


def _row(member: Row, item: Item, kind: str, now: datetime) -> dict:
    # A nudge is keyed by the item it holds back, so one hold brings one nudge.
    return {
        "member_id": member.id,
        "path_id": item.path_id,
        "item_id": item.id,
        "kind": kind,
        "status": DeliveryStatus.PENDING,
        "due_at": now,
        # The delivery lag is measured from the member's own due time, not from the queueing.
        "scheduled_at": member.next_due_at,
        "attempts": 0,
    }


async def _enrollments(conn: AsyncConnection, ids: list[int]) -> dict[int, Row]:
    rows = await conn.execute(
        select(
            ENROLLMENT.c.member_id,
            ENROLLMENT.c.path_id,
            ENROLLMENT.c.current_item_id,
            ENROLLMENT.c.last_sent_item_id,
        )
        .where(ENROLLMENT.c.member_id.in_(ids), ENROLLMENT.c.status == EnrollmentStatus.ACTIVE)
        .order_by(ENROLLMENT.c.id)
    )
    # The newest active enrollment wins, should an older one have been left active.
    return {row.member_id: row for row in rows}


async def _nudged_already(conn: AsyncConnection, member_ids: list[int]) -> set[tuple]:
    if not member_ids:
        return set()
    rows = await conn.execute(
        select(DELIVERY.c.member_id, DELIVERY.c.path_id, DELIVERY.c.item_id).where(
            DELIVERY.c.member_id.in_(member_ids), DELIVERY.c.kind == DeliveryKind.NUDGE
        )
    )
    return {(row.member_id, row.path_id, row.item_id) for row in rows}


async def _write(conn: AsyncConnection, writes: _Writes, now: datetime) -> None:
    if writes.rows:
        await conn.execute(_upsert(conn.dialect.name, now), writes.rows)
    for due, member_ids in writes.next_due.items():
        await conn.execute(
            update(MEMBER).where(MEMBER.c.id.in_(member_ids)).values(next_due_at=due)
        )
    if writes.held:
        await conn.execute(
            update(MEMBER)
            .where(MEMBER.c.id.in_(writes.held))
            .values(
                status=MemberStatus.HELD,
                status_reason="pacing: waiting for the member to catch up",
                next_due_at=None,
                updated_at=now,
            )
        )


def _upsert(dialect: str, now: datetime):
    """Insert; or bring back a closed row for the same item; or leave an open one alone.

    A closed row comes back when a member returns to a path they left, or after they were
    unreachable and ran `/mentor resume`: the item goes out again rather than being skipped.
    """
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DELIVERY)
    return insert.on_conflict_do_update(
        index_elements=["member_id", "path_id", "item_id", "kind"],
        set_={
            "status": DeliveryStatus.PENDING,
            "due_at": now,
            "scheduled_at": insert.excluded.scheduled_at,
            "attempts": 0,
            "claimed_by": None,
            "claimed_at": None,
            "last_error": None,
        },
        # Spelled out, not NOT IN: an expanding IN list cannot go through executemany.
        where=and_(*(DELIVERY.c.status != status for status in _OPEN)),
    )
