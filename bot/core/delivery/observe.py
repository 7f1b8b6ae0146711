"""What the dispatcher tells the log and the metrics about the DMs it sends."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Row

from bot.core.delivery.record import Attempt
from bot.core.ports import Outcome, Recipient, SendResult

log = logging.getLogger("bot.core.delivery.dispatcher")


def log_outcome(row: Row, recipient: Recipient, result: SendResult) -> None:
    """A refusal is worth a line at INFO (the member's deliveries stop); each send at DEBUG."""
    level = logging.INFO if result.outcome == Outcome.UNREACHABLE else logging.DEBUG
    if not log.isEnabledFor(level):
        return  # a fan-out sends thousands a second: not even the line's arguments are built
    log.log(
        level,
        "delivery %s (%s %s) to member %s, %s user %s: %s%s",
        row.id,
        row.kind,
        row.item_id,
        row.member_id,
        recipient.platform,
        recipient.user_id,
        result.outcome,
        f" ({result.reason})" if result.reason else "",
        extra={
            "delivery": row.id,
            "member": row.member_id,
            "platform": recipient.platform,
            "user": recipient.user_id,
            "outcome": str(result.outcome),
        },
    )


def lags(attempts: list[Attempt], now: datetime) -> list[float]:
    """Seconds between each sent DM's scheduled time and `now`, when its send was recorded."""
    return [
        (now - attempt.row.scheduled_at).total_seconds()
        for attempt in attempts
        if isinstance(attempt.result, SendResult)
        and attempt.result.outcome == Outcome.SENT
        and attempt.row.scheduled_at is not None
    ]
