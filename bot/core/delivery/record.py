"""Writing down what happened to the DMs just sent, before their lanes send anything else.

The dispatcher's lanes each send one DM and then wait until its outcome is committed here; the
outcomes that arrive together share one transaction. So if the worker dies, the only messages
that can go out twice are those sent and not yet written down: one per lane at most.

Each kind of outcome is one UPDATE keyed by the row it changes. On SQLite each runs once per
row (executemany), usually two of them: the rows sent, and their paths moved on. On PostgreSQL,
where every statement is a round trip, the group is one statement: each kind a data-modifying
CTE over arrays of its rows.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, Row, String, bindparam, func, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.delivery.bulk import Bulk
from bot.core.delivery.claim import DELIVERY, ENROLLMENT, MEMBER
from bot.core.delivery.writer import GroupWriter
from bot.core.models import (
    AwareDateTime,
    DeliveryKind,
    DeliveryStatus,
    EnrollmentStatus,
    MemberStatus,
)
from bot.core.ports import Outcome, SendResult

# A row comes back to pending after a send error at 30 s, 1 min, 2 min … at most an hour apart,
# and is given up (status failed) after MAX_ATTEMPTS errors. A 429 never counts: it only waits.
BACKOFF_START = 30.0
BACKOFF_MAX = 3600.0
MAX_ATTEMPTS = 8
# Even a Retry-After of 0 waits this long, so a platform saying "now" cannot spin a tick.
MIN_RETRY_AFTER = 1.0

# Each kind of outcome and the columns of its rows, as `sort` fills them in.
KINDS: dict[str, dict[str, Any]] = {
    "sent": {"row_id": Integer},
    # The path moves on only now, so an item that never arrived is the next one again.
    "moved": {"member": Integer, "path": String, "item": String},
    # Waiting out a rate limit is no attempt: the claim counted one, so `given_back` is 1 then.
    "again": {"row_id": Integer, "due": AwareDateTime, "given_back": Integer, "reason": String},
    "closed": {"row_id": Integer, "closed_as": String, "reason": String},
    # One refusal is enough: stop until the member runs `/mentor resume`.
    "unreachable": {"member": Integer, "reason": String},
}


def _updates(rows: dict[str, Any], now: Any) -> dict[str, Any]:
    """Each kind's UPDATE, reading its row's values from `rows[kind].<column>`."""
    sent, moved, again, closed = rows["sent"], rows["moved"], rows["again"], rows["closed"]
    unreachable = rows["unreachable"]
    return {
        "sent": update(DELIVERY)
        .where(DELIVERY.c.id == sent.row_id)
        .values(status=DeliveryStatus.SENT, sent_at=now, last_error=None),
        "moved": update(ENROLLMENT)
        .where(
            ENROLLMENT.c.member_id == moved.member,
            ENROLLMENT.c.path_id == moved.path,
            ENROLLMENT.c.status == EnrollmentStatus.ACTIVE,
        )
        .values(last_sent_item_id=moved.item),
        "again": update(DELIVERY)
        .where(DELIVERY.c.id == again.row_id)
        .values(
            status=DeliveryStatus.PENDING,
            due_at=again.due,
            attempts=DELIVERY.c.attempts - again.given_back,
            last_error=again.reason,
        ),
        "closed": update(DELIVERY)
        .where(DELIVERY.c.id == closed.row_id)
        .values(status=closed.closed_as, last_error=closed.reason),
        "unreachable": update(MEMBER)
        .where(MEMBER.c.id == unreachable.member)
        .values(
            status=MemberStatus.UNREACHABLE,
            status_reason=unreachable.reason,
            next_due_at=None,
            updated_at=now,
        ),
    }


class _Params:
    """A kind's row as bind parameters, one per column, for executemany."""

    def __init__(self, columns: dict[str, Any]) -> None:
        for name, type_ in columns.items():
            setattr(self, name, bindparam(name, type_=type_))


def _per_row() -> dict[str, Bulk]:
    params = {kind: _Params(columns) for kind, columns in KINDS.items()}
    now = bindparam("now", type_=AwareDateTime)
    return {kind: Bulk(statement) for kind, statement in _updates(params, now).items()}


def _arrays() -> Bulk:
    """All kinds in one statement: a data-modifying CTE per kind, each over an unnest of one
    array parameter per column (`<kind>_<column>`); every such CTE runs, read or not."""
    rows = {}
    for kind, columns in KINDS.items():
        arrays = (bindparam(f"{kind}_{name}", type_=ARRAY(t)) for name, t in columns.items())
        rows[kind] = func.unnest(*arrays).table_valued(*columns).render_derived(name=kind).c
    now = bindparam("now", type_=AwareDateTime)
    ctes = [statement.cte(f"{kind}_rows") for kind, statement in _updates(rows, now).items()]
    return Bulk(select(literal(1)).add_cte(*ctes))


PER_ROW = _per_row()
ARRAYS = _arrays()


@dataclass(frozen=True)
class Attempt:
    row: Row
    # None when there was nothing to send (the item left the content, say).
    result: SendResult | Exception | None
    skip_reason: str | None = None


@dataclass
class Writes:
    """The rows of each kind, and how many outcomes of each kind there were."""

    counts: Counter = field(default_factory=Counter)
    rows: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )

    def statements(self, writer: GroupWriter, now: datetime) -> list[tuple[str, list[tuple]]]:
        """The SQL and parameters that write them all, for `writer`'s database."""
        if writer.dialect.name == "postgresql":
            arrays = {
                f"{kind}_{name}": [row[name] for row in self.rows[kind]]
                for kind, columns in KINDS.items()
                for name in columns
            }
            return [ARRAYS.rows(writer.dialect, [{}], {"now": now, **arrays})]
        return [
            PER_ROW[kind].rows(writer.dialect, rows, {"now": now})
            for kind, rows in self.rows.items()
            if rows
        ]


def sort(attempts: list[Attempt], now: datetime) -> Writes:
    """What to write for each outcome in `attempts`."""
    writes = Writes()
    for attempt in attempts:
        writes.counts[_sort(attempt, writes.rows, now)] += 1
    return writes


def _sort(attempt: Attempt, rows: dict[str, list[dict[str, Any]]], now: datetime) -> str:
    row, result = attempt.row, attempt.result
    if result is None:
        reason = attempt.skip_reason or "nothing to send"
        rows["closed"].append(_closed(row, DeliveryStatus.SKIPPED, reason))
        return "skipped"
    if isinstance(result, Exception):
        reason = f"error: {type(result).__name__}: {result}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            rows["closed"].append(_closed(row, DeliveryStatus.FAILED, reason))
            return "failed"
        delay = min(BACKOFF_MAX, BACKOFF_START * 2 ** (row.attempts - 1))
        rows["again"].append(_again(row, now + timedelta(seconds=delay), False, reason))
        return "retry_later"
    if result.outcome == Outcome.SENT:
        rows["sent"].append({"row_id": row.id})
        if row.kind == DeliveryKind.ITEM:
            rows["moved"].append(
                {"member": row.member_id, "path": row.path_id, "item": row.item_id}
            )
        return "sent"
    if result.outcome == Outcome.RETRY_LATER:
        due = now + timedelta(seconds=max(result.retry_after, MIN_RETRY_AFTER))
        rows["again"].append(_again(row, due, True, result.reason or "retry later"))
        return "retry_later"
    reason = result.reason or "the platform refused the DM"
    rows["closed"].append(_closed(row, DeliveryStatus.UNREACHABLE, reason))
    rows["unreachable"].append({"member": row.member_id, "reason": reason[:200]})
    return "unreachable"


def _closed(row: Row, status: str, reason: str) -> dict[str, Any]:
    return {"row_id": row.id, "closed_as": status, "reason": reason[:500]}


def _again(row: Row, due: datetime, rate_limited: bool, reason: str) -> dict[str, Any]:
    return {"row_id": row.id, "due": due, "given_back": int(rate_limited), "reason": reason[:500]}


async def record(writer: GroupWriter, attempts: list[Attempt], now: datetime) -> Counter:
    """Store every outcome in `attempts` in one transaction; how many of each kind there were."""
    writes = sort(attempts, now)
    await writer.write(writes.statements(writer, now))
    return writes.counts


async def release(conn: AsyncConnection, rows: list[Row], now: datetime) -> None:
    """Claimed rows this worker will not send (it is stopping) go back to the queue at once,
    their claim not counted as an attempt, instead of waiting out the lease."""
    await conn.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id.in_([row.id for row in rows]))
        .values(
            status=DeliveryStatus.PENDING,
            due_at=now,
            attempts=DELIVERY.c.attempts - 1,
            claimed_by=None,
            claimed_at=None,
        )
    )
