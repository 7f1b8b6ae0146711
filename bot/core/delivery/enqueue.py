"""Turning due members into deliveries: which item is next, or hold and nudge instead.

One transaction per batch of members. Each due member gets at most one row: the next item of
their path, or the one nudge when pacing holds the path. Their `next_due_at` moves to the next
scheduled day, so a member whose time passed while the bot was down gets one item, not one per
missed day.

The rows are inserted already claimed by the worker that queues them, which sends them straight
away: no second pass to claim them. If the worker dies first, their claim lapses like any other
(docs/delivery.md).

The path's cursor (`enrollment.last_sent_item_id`) moves only when an item is sent. Until then
the next item is the same one, whose row already exists and is still open, so the insert below
changes nothing and returns nothing: a member never has two items on their way, with no extra
query to find out.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, String, and_, bindparam, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import Insert

from bot.core.content import ContentSet, Item, LearningPath
from bot.core.delivery.bulk import Bulk
from bot.core.delivery.claim import CLAIMED, DELIVERY, MEMBER, lock_due_members
from bot.core.models import AwareDateTime, DeliveryKind, DeliveryStatus, MemberStatus
from bot.core.schedule import next_due

log = logging.getLogger(__name__)

_OPEN = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED)


@dataclass(frozen=True)
class Claim:
    """Who queues the rows and for how long they are theirs to send."""

    worker: str
    lease: timedelta


@dataclass
class Planned:
    members: int = 0
    items: int = 0
    nudges: int = 0
    # The rows queued and claimed for the worker (`claim.CLAIMED`), and who each member is.
    claimed: Sequence[Row] = ()
    recipients: dict[int, Row] = field(default_factory=dict)


@dataclass
class _Writes:
    rows: list[tuple] = field(default_factory=list)
    next_due: list[dict] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)

    def due(self, member_id: int, when: datetime | None) -> None:
        self.next_due.append({"member": member_id, "due": when})


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
    claim: Claim,
) -> Planned:
    """Queue one delivery for each due member of `platform`, up to `limit` members."""
    members = await lock_due_members(conn, platform, now, limit)
    planned = Planned(members=len(members), recipients={m.id: m for m in members})
    if not members:
        return planned
    writes = _Writes()
    behind: list[tuple[Row, LearningPath, Item, datetime]] = []
    cache: dict[str, dict[str, float]] = {}
    steps: dict[tuple, tuple[Item | None, int]] = {}
    for member in members:
        if member.status != MemberStatus.ACTIVE:
            # Paused or unreachable since this was set: nothing is due until they are back.
            writes.due(member.id, None)
            continue
        path = content.path(member.path_id) if member.path_id else None
        if path is None:
            # Not on a path: joining one schedules them again.
            writes.due(member.id, None)
            continue
        # Members on the same step of the same path share the answer.
        step = (path.id, member.current_item_id, member.last_sent_item_id)
        if step not in steps:
            positions = _positions(path, cache)
            steps[step] = (next_item(path, positions, member), waiting_count(positions, member))
        item, waiting = steps[step]
        if item is None:
            writes.due(member.id, None)
            continue
        following = _following(member, now)
        if following is None:
            writes.due(member.id, None)
            continue
        if waiting >= pacing_limit:
            behind.append((member, path, item, following))
            continue
        writes.rows.append(_row(member, item, DeliveryKind.ITEM))
        writes.due(member.id, following)
    released = await _nudged_already(conn, [member.id for member, *_ in behind])
    for member, path, item, following in behind:
        if (member.id, path.id, item.id) in released:
            # Held here before and the member came back (`/mentor today` or `done`): go on.
            writes.rows.append(_row(member, item, DeliveryKind.ITEM))
            writes.due(member.id, following)
        else:
            writes.rows.append(_row(member, item, DeliveryKind.NUDGE))
            writes.held.append({"member": member.id})
    planned.nudges = len(writes.held)
    planned.items = len(writes.rows) - planned.nudges
    planned.claimed = await _write(conn, writes, now, claim)
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


def _row(member: Row, item: Item, kind: str) -> tuple:
    # A nudge is keyed by the item it holds back, so one hold brings one nudge. The delivery
    # lag is measured from the member's own due time, not from the queueing.
    return (member.id, item.path_id, item.id, kind, member.next_due_at)


async def _nudged_already(conn: AsyncConnection, member_ids: list[int]) -> set[tuple]:
    if not member_ids:
        return set()
    rows = await conn.execute(
        select(DELIVERY.c.member_id, DELIVERY.c.path_id, DELIVERY.c.item_id).where(
            DELIVERY.c.member_id.in_(member_ids), DELIVERY.c.kind == DeliveryKind.NUDGE
        )
    )
    return {(row.member_id, row.path_id, row.item_id) for row in rows}


async def _write(
    conn: AsyncConnection, writes: _Writes, now: datetime, claim: Claim
) -> Sequence[Row]:
    claimed: Sequence[Row] = ()
    if writes.rows:
        found = await conn.execute(
            _QUEUE[conn.dialect.name],
            {
                **_queued(conn.dialect, writes.rows),
                "worker": claim.worker,
                "now": now,
                "until": now + claim.lease,
            },
        )
        claimed = found.all()
    await _NEXT_DUE.run(conn, writes.next_due)
    await _HELD.run(conn, writes.held, now=now)
    return claimed


# The columns each queued row brings: the delivery's unique key, and when it fell due.
_COLUMNS: dict[str, Any] = {
    "member_id": Integer,
    "path_id": String,
    "item_id": String,
    "kind": String,
    "scheduled_at": AwareDateTime,
}


def _queued(dialect: Dialect, rows: list[tuple]) -> dict[str, Any]:
    """The queued rows as `_QUEUE`'s parameters."""
    if dialect.name == "postgresql":
        columns = zip(*rows, strict=True)
        return {name: list(column) for name, column in zip(_COLUMNS, columns, strict=True)}
    # A time goes into the JSON as SQLite stores it; the batch's members share a handful.
    stored = AwareDateTime().dialect_impl(dialect).bind_processor(dialect)
    times = {when: stored(when) if when is not None else None for *_, when in rows}
    return {"rows": json.dumps([(*key, times[when]) for *key, when in rows])}


def _queue(insert, keys: list) -> Insert:
    """Insert claimed; or bring back a closed row for the same item, claimed; or leave an open
    one alone. Returns the rows claimed.

    A closed row comes back when a member returns to a path they left, or after they were
    unreachable and ran `/mentor resume`: the item goes out again rather than being skipped.
    """
    claimed_now = select(
        *keys,
        literal(DeliveryStatus.CLAIMED),
        bindparam("worker", type_=String),
        bindparam("now", type_=AwareDateTime),
        bindparam("until", type_=AwareDateTime),
        literal(1),
    )
    if insert is sqlite.insert:
        # Without a WHERE, SQLite would read ON CONFLICT as the ON of a join.
        claimed_now = claimed_now.where(true())
    columns = [*_COLUMNS, "status", "claimed_by", "claimed_at", "due_at", "attempts"]
    statement = insert(DELIVERY).from_select(columns, claimed_now)
    return statement.on_conflict_do_update(
        index_elements=["member_id", "path_id", "item_id", "kind"],
        set_={
            "status": DeliveryStatus.CLAIMED,
            "claimed_by": statement.excluded.claimed_by,
            "claimed_at": statement.excluded.claimed_at,
            "due_at": statement.excluded.due_at,
            "scheduled_at": statement.excluded.scheduled_at,
            "attempts": 1,
            "last_error": None,
        },
        where=and_(*(DELIVERY.c.status != status for status in _OPEN)),
    ).returning(*CLAIMED)


def _from_json() -> list:
    # SQLite: the batch is one parameter, a JSON array with one array per row.
    rows = func.json_each(bindparam("rows", type_=String)).table_valued("value")
    return [func.json_extract(rows.c.value, f"$[{i}]") for i in range(len(_COLUMNS))]


def _from_arrays() -> list:
    # PostgreSQL: one array parameter per column, zipped by unnest.
    arrays = (bindparam(name, type_=ARRAY(t)) for name, t in _COLUMNS.items())
    rows = func.unnest(*arrays).table_valued(*_COLUMNS).render_derived(name="queued")
    return [rows.c[name] for name in _COLUMNS]


_QUEUE = {
    "postgresql": _queue(postgresql.insert, _from_arrays()),
    "sqlite": _queue(sqlite.insert, _from_json()),
}
_NEXT_DUE = Bulk(
    update(MEMBER).where(MEMBER.c.id == bindparam("member")).values(next_due_at=bindparam("due"))
)
_HELD = Bulk(
    update(MEMBER)
    .where(MEMBER.c.id == bindparam("member"))
    .values(
        status=MemberStatus.HELD,
        status_reason="pacing: waiting for the member to catch up",
        next_due_at=None,
        updated_at=bindparam("now"),
    )
)
