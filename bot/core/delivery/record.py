"""Writing down what happened to the DMs just sent, before their lanes send anything else.

The dispatcher's lanes each send one DM and then wait until its outcome is committed here; the
outcomes that arrive together share one transaction. So if the worker dies, the only messages
that can go out twice are those sent and not yet written down: one per lane at most.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Row, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.core.delivery.claim import DELIVERY, MEMBER
from bot.core.delivery.enqueue import ENROLLMENT
from bot.core.models import DeliveryKind, DeliveryStatus, EnrollmentStatus, MemberStatus
from bot.core.ports import Outcome, SendResult

# A row comes back to pending after a send error at 30 s, 1 min, 2 min … at most an hour apart,
# and is given up (status failed) after MAX_ATTEMPTS errors. A 429 never counts: it only waits.
BACKOFF_START = 30.0
BACKOFF_MAX = 3600.0
MAX_ATTEMPTS = 8
# Even a Retry-After of 0 waits this long, so a platform saying "now" cannot spin a tick.
MIN_RETRY_AFTER = 1.0


@dataclass(frozen=True)
class Attempt:
    row: Row
    # None when there was nothing to send (the item left the content, say).
    result: SendResult | Exception | None
    skip_reason: str | None = None


@dataclass
class _Writes:
    sent: list[int]
    # (path, item) -> members whose path moves on to that item
    moved: dict[tuple[str, str], list[int]]
    # (when, counts as an attempt) -> [(row id, reason)]
    again: dict[tuple[datetime, bool], list[tuple[int, str]]]
    closed: list[tuple[int, str, str]]
    unreachable: list[tuple[Row, str]]


async def record(conn: AsyncConnection, attempts: list[Attempt], now: datetime) -> Counter:
    """Store every outcome in `attempts`; returns how many of each kind there were."""
    writes = _Writes([], defaultdict(list), defaultdict(list), [], [])
    counts: Counter = Counter()
    for attempt in attempts:
        counts[_sort(attempt, writes, now)] += 1
    if writes.sent:
        await conn.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id.in_(writes.sent))
            .values(status=DeliveryStatus.SENT, sent_at=now, last_error=None)
        )
    for (path_id, item_id), member_ids in writes.moved.items():
        # The path moves on only now, so an item that never arrived is the next one again.
        await conn.execute(
            update(ENROLLMENT)
            .where(
                ENROLLMENT.c.member_id.in_(member_ids),
                ENROLLMENT.c.path_id == path_id,
                ENROLLMENT.c.status == EnrollmentStatus.ACTIVE,
            )
            .values(last_sent_item_id=item_id)
        )
    for (due, counted), rows in writes.again.items():
        # Waiting out a rate limit is no attempt: the claim counted one, so give it back.
        tries = DELIVERY.c.attempts if counted else DELIVERY.c.attempts - 1
        await conn.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id.in_([row_id for row_id, _ in rows]))
            .values(
                status=DeliveryStatus.PENDING, due_at=due, attempts=tries, last_error=rows[0][1]
            )
        )
    for row_id, status, reason in writes.closed:
        await _close(conn, row_id, status, reason)
    for row, reason in writes.unreachable:
        await _unreachable(conn, row, reason, now)
    return counts


def _sort(attempt: Attempt, writes: _Writes, now: datetime) -> str:
    row, result = attempt.row, attempt.result
    if result is None:
        reason = attempt.skip_reason or "nothing to send"
        writes.closed.append((row.id, DeliveryStatus.SKIPPED, reason))
        return "skipped"
    if isinstance(result, Exception):
        reason = f"error: {type(result).__name__}: {result}"[:500]
        if row.attempts >= MAX_ATTEMPTS:
            writes.closed.append((row.id, DeliveryStatus.FAILED, reason))
            return "failed"
        delay = min(BACKOFF_MAX, BACKOFF_START * 2 ** (row.attempts - 1))
        writes.again[(now + timedelta(seconds=delay), True)].append((row.id, reason))
        return "retry_later"
    if result.outcome == Outcome.SENT:
        writes.sent.append(row.id)
        if row.kind == DeliveryKind.ITEM:
            writes.moved[(row.path_id, row.item_id)].append(row.member_id)
        return "sent"
    if result.outcome == Outcome.RETRY_LATER:
        due = now + timedelta(seconds=max(result.retry_after, MIN_RETRY_AFTER))
        writes.again[(due, False)].append((row.id, (result.reason or "retry later")[:500]))
        return "retry_later"
    writes.unreachable.append((row, result.reason or "the platform refused the DM"))
    return "unreachable"


async def _close(conn: AsyncConnection, row_id: int, status: str, reason: str) -> None:
    await conn.execute(
        update(DELIVERY)
        .where(DELIVERY.c.id == row_id)
        .values(status=status, last_error=reason[:500])
    )


async def _unreachable(conn: AsyncConnection, row: Row, reason: str, now: datetime) -> None:
    """One refusal is enough: stop until the member runs `/mentor resume`."""
    await _close(conn, row.id, DeliveryStatus.UNREACHABLE, reason)
    await conn.execute(
        update(MEMBER)
        .where(MEMBER.c.id == row.member_id)
        .values(
            status=MemberStatus.UNREACHABLE,
            status_reason=reason[:200],
            next_due_at=None,
            updated_at=now,
        )
    )


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
