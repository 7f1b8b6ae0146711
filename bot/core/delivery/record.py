"""Writing down what happened to the DMs just sent, before their lanes send anything else.

The dispatcher's lanes each send one DM and then wait until its outcome is committed here; the
outcomes that arrive together share one transaction. So if the worker dies, the only messages
that can go out twice are those sent and not yet written down: one per lane at most.

Each kind of outcome is one statement run once per row (executemany): a group of DMs costs one
round trip per kind present, usually two (the rows sent, and their paths moved on).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, bindparam, update

from bot.core.delivery.bulk import Bulk
from bot.core.delivery.claim import DELIVERY, ENROLLMENT, MEMBER
from bot.core.delivery.ports import Outcome, SendResult
from bot.core.delivery.writer import GroupWriter
from bot.core.models import DeliveryKind, DeliveryStatus, EnrollmentStatus, MemberStatus

# A row comes back to pending after a send error at 30 s, 1 min, 2 min … at most an hour apart,
# and is given up (status failed) after MAX_ATTEMPTS errors. A 429 never counts: it only waits.
BACKOFF_START = 30.0
BACKOFF_MAX = 3600.0
MAX_ATTEMPTS = 8
# Even a Retry-After of 0 waits this long, so a platform saying "now" cannot spin a tick.
MIN_RETRY_AFTER = 1.0

_ROW = DELIVERY.c.id == bindparam("row_id")

SENT = Bulk(
    update(DELIVERY)
    .where(_ROW)
    .values(status=DeliveryStatus.SENT, sent_at=bindparam("now"), last_error=None)
)
# The path moves on only now, so an item that never arrived is the next one again.
MOVED_ON = Bulk(
    update(ENROLLMENT)
    .where(
        ENROLLMENT.c.member_id == bindparam("member"),
        ENROLLMENT.c.path_id == bindparam("path"),
        ENROLLMENT.c.status == EnrollmentStatus.ACTIVE,
    )
    .values(last_sent_item_id=bindparam("item"))
)
# Waiting out a rate limit is no attempt: the claim counted one, so `given_back` is 1 then.
AGAIN = Bulk(
    update(DELIVERY)
    .where(_ROW)
    .values(
        status=DeliveryStatus.PENDING,
        due_at=bindparam("due"),
        attempts=DELIVERY.c.attempts - bindparam("given_back"),
        last_error=bindparam("reason"),
    )
)
CLOSED = Bulk(
    update(DELIVERY)
    .where(_ROW)
    .values(status=bindparam("closed_as"), last_error=bindparam("reason"))
)
# One refusal is enough: stop until the member runs `/mentor resume`.
UNREACHABLE = Bulk(
    update(MEMBER)
    .where(MEMBER.c.id == bindparam("member"))
    .values(
        status=MemberStatus.UNREACHABLE,
        status_reason=bindparam("reason"),
        next_due_at=None,
        updated_at=bindparam("now"),
    )
)


@dataclass(frozen=True)
class Attempt:
    row: Row
    # None when there was nothing to send (the item left the content, say).
    result: SendResult | Exception | None
    skip_reason: str | None = None


@dataclass
class Writes:
    """The rows each statement gets, and how many outcomes of each kind there were."""

    now: datetime
    counts: Counter = field(default_factory=Counter)
    sent: list[dict[str, Any]] = field(default_factory=list)
    moved: list[dict[str, Any]] = field(default_factory=list)
    again: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    unreachable: list[dict[str, Any]] = field(default_factory=list)

    def statements(self) -> list[tuple[Bulk, list[dict[str, Any]]]]:
        """Each statement with its rows, in the order they are written."""
        return [
            (SENT, self.sent),
            (MOVED_ON, self.moved),
            (AGAIN, self.again),
            (CLOSED, self.closed),
            (UNREACHABLE, self.unreachable),
        ]


def sort(attempts: list[Attempt], now: datetime) -> Writes:
    """What to write for each outcome in `attempts`."""
    writes = Writes(now)
    for attempt in attempts:
        writes.counts[_sort(attempt, writes, now)] += 1
    return writes


def _sort(attempt: Attempt, writes: Writes, now: datetime) -> str:
    row, result = attempt.row, attempt.result
    if result is None:
        reason = attempt.skip_reason or "nothing to send"
        writes.closed.append(_closed(row, DeliveryStatus.SKIPPED, reason))
        return "skipped"
    if isinstance(result, Exception):
        reason = f"error: {type(result).__name__}: {result}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            writes.closed.append(_closed(row, DeliveryStatus.FAILED, reason))
            return "failed"
        delay = min(BACKOFF_MAX, BACKOFF_START * 2 ** (row.attempts - 1))
        writes.again.append(_again(row, now + timedelta(seconds=delay), False, reason))
        return "retry_later"
    if result.outcome == Outcome.SENT:
        writes.sent.append({"row_id": row.id})
        if row.kind == DeliveryKind.ITEM:
            writes.moved.append({"member": row.member_id, "path": row.path_id, "item": row.item_id})
        return "sent"
    if result.outcome == Outcome.RETRY_LATER:
        due = now + timedelta(seconds=max(result.retry_after, MIN_RETRY_AFTER))
        writes.again.append(_again(row, due, True, result.reason or "retry later"))
        return "retry_later"
    reason = result.reason or "the platform refused the DM"
    writes.closed.append(_closed(row, DeliveryStatus.UNREACHABLE, reason))
    writes.unreachable.append({"member": row.member_id, "reason": reason[:200]})
    return "unreachable"


def _closed(row: Row, status: str, reason: str) -> dict[str, Any]:
    return {"row_id": row.id, "closed_as": status, "reason": reason[:500]}


def _again(row: Row, due: datetime, rate_limited: bool, reason: str) -> dict[str, Any]:
    return {"row_id": row.id, "due": due, "given_back": int(rate_limited), "reason": reason[:500]}


async def record(writer: GroupWriter, attempts: list[Attempt], now: datetime) -> Counter:
    """Store every outcome in `attempts` in one transaction; how many of each kind there were."""
    writes = sort(attempts, now)
    await writer.write(
        [
            statement.rows(writer.dialect, rows, {"now": now})
            for statement, rows in writes.statements()
            if rows
        ]
    )
    return writes.counts
