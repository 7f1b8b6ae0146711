"""Cost control: a member's questions per day and the community's tokens per day.

A member's day ends at midnight in their own time zone (so "today" means what they think it
means); the community's budget is one pool, so its day ends at midnight UTC. Only answers that
Claude wrote count: quoted lesson passages cost nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Question


@dataclass(frozen=True)
class Limits:
    daily_quota: int = 20
    daily_token_budget: int = 1_000_000


@dataclass(frozen=True)
class Today:
    """How much a member and the community have used so far today."""

    asked: int
    tokens: int


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def day_start(now: datetime, where: tzinfo) -> datetime:
    local = now.astimezone(where)
    return datetime.combine(local.date(), time(0), tzinfo=where)


def next_midnight(now: datetime, where: tzinfo) -> datetime:
    local = now.astimezone(where)
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=where)


def how_long(delta: timedelta) -> str:
    """'3 h 20 min', '45 min' or 'less than a minute'."""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    if hours:
        return f"{hours} h"
    return f"{minutes} min" if minutes else "less than a minute"


async def usage_today(
    session: AsyncSession, member_id: int, member_zone: tzinfo, now: datetime
) -> Today:
    asked = await session.exec(
        select(func.count())
        .select_from(Question)
        .where(
            Question.member_id == member_id,
            Question.model.is_not(None),
            Question.created_at >= day_start(now, member_zone),
        )
    )
    return Today(asked=asked.one(), tokens=await tokens_since(session, now))


async def tokens_since(session: AsyncSession, now: datetime) -> int:
    """Tokens the whole community used since midnight UTC."""
    total = await session.exec(
        select(
            func.coalesce(
                func.sum(
                    Question.input_tokens
                    + Question.output_tokens
                    + Question.cache_read_tokens
                    + Question.cache_write_tokens
                ),
                0,
            )
        ).where(Question.created_at >= day_start(now, UTC))
    )
    return int(total.one())


def limit_reached(
    limits: Limits, today: Today, member_zone: tzinfo, zone_name: str, now: datetime
) -> str | None:
    """The friendly message for a reached limit, saying when it resets; None if none is."""
    if today.asked >= limits.daily_quota:
        wait = how_long(next_midnight(now, member_zone) - now)
        return (
            f"You have asked {limits.daily_quota} questions today, the most one member can ask "
            f"Claude per day. Your count starts again at midnight in your time zone "
            f"({zone_name}), in about {wait}. Until then I can quote your lessons."
        )
    if today.tokens >= limits.daily_token_budget:
        wait = how_long(next_midnight(now, UTC) - now)
        return (
            "The community has used up today's budget for answers from Claude. It starts again "
            f"at midnight UTC, in about {wait}. Until then I can quote your lessons."
        )
    return None
