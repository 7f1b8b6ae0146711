"""Cost control: a member's questions per day and the community's tokens per day.

A member's day ends at midnight in their own time zone (so "today" means what they think it
means); the community's budget is one pool, so its day ends at midnight UTC. Only answers that
Claude wrote count: quoted lesson passages cost nothing.

A question takes its place before Claude is asked: `reserve` stores it, with the most its answer
may cost, in one statement that checks both limits, so questions asked at the same moment cannot
all slip under them. The real token counts replace the estimate once the answer is in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, func, insert, literal, text, update
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Question
from bot.mentor.llm import Usage
from bot.mentor.prompt import Prompt

# PostgreSQL runs statements side by side, so reservations take turns on this advisory lock
# (the key is any number no other part of the bot uses); SQLite writes one at a time anyway.
RESERVATION_LOCK = 0x6D656E746F72
# About four characters a token for English text and code.
CHARS_PER_TOKEN = 4


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


def _asked(member_id: int, member_zone: tzinfo, now: datetime):
    return (
        select(func.count())
        .select_from(Question)
        .where(
            Question.member_id == member_id,
            Question.model.is_not(None),
            Question.created_at >= day_start(now, member_zone),
        )
    )


def _tokens(now: datetime):
    tokens = (
        Question.input_tokens
        + Question.output_tokens
        + Question.cache_read_tokens
        + Question.cache_write_tokens
    )
    return select(func.coalesce(func.sum(tokens), 0)).where(
        Question.created_at >= day_start(now, UTC)
    )


async def usage_today(
    session: AsyncSession, member_id: int, member_zone: tzinfo, now: datetime
) -> Today:
    asked = await session.exec(_asked(member_id, member_zone, now))
    return Today(asked=asked.one(), tokens=await tokens_since(session, now))


async def tokens_since(session: AsyncSession, now: datetime) -> int:
    """Tokens the whole community used since midnight UTC."""
    return int((await session.exec(_tokens(now))).one())


def estimated_tokens(prompt: Prompt, max_output: int) -> tuple[int, int]:
    """What an answer may cost before Claude says: the prompt's input tokens, and the most it
    may write."""
    sent = [*prompt.stable_blocks, prompt.request]
    sent += [part for turn in prompt.history for part in (turn.question, turn.answer)]
    return sum(len(part) for part in sent) // CHARS_PER_TOKEN, max_output


async def reserve(
    session: AsyncSession, limits: Limits, row: Question, member_zone: tzinfo
) -> tuple[int | None, Today]:
    """Store `row` (the question, counted, with its estimated tokens) if the member's quota and
    the community's budget both allow one more; its id or None, and the usage after."""
    now = row.created_at
    if session.bind.dialect.name == "postgresql":
        await session.exec(
            text("SELECT pg_advisory_xact_lock(:key)"), params={"key": RESERVATION_LOCK}
        )
    values = row.model_dump(exclude={"id"})
    columns = [column for column in Question.__table__.columns if column.name in values]
    allowed = select(*(literal(values[c.name], c.type) for c in columns)).where(
        _asked(row.member_id, member_zone, now).scalar_subquery() < limits.daily_quota,
        _tokens(now).scalar_subquery() < limits.daily_token_budget,
    )
    statement = (
        insert(Question)
        .from_select([c.name for c in columns], allowed)
        .returning(Question.__table__.c.id)
    )
    reserved = (await session.exec(statement)).scalar_one_or_none()
    return reserved, await usage_today(session, row.member_id, member_zone, now)


async def record_usage(session: AsyncSession, question_id: int, usage: Usage) -> None:
    """The answer's real token counts in place of the estimate."""
    await session.exec(
        update(Question)
        .where(Question.id == question_id)
        .values(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
        )
    )


async def save_answer(session: AsyncSession, row: Question) -> None:
    """The answer and what was learnt about it, on the question reserved for it."""
    await session.exec(
        update(Question)
        .where(Question.id == row.id)
        .values(answer=row.answer, citations=row.citations, unsure=row.unsure, topic=row.topic)
    )


async def release(session: AsyncSession, question_id: int) -> None:
    """A question Claude could not answer gives its place back."""
    await session.exec(delete(Question).where(Question.id == question_id))


def refusal(
    limits: Limits, today: Today, member_zone: tzinfo, zone_name: str, now: datetime
) -> str:
    """The friendly message for a reached limit, saying when it resets."""
    if today.tokens >= limits.daily_token_budget and today.asked < limits.daily_quota:
        wait = how_long(next_midnight(now, UTC) - now)
        return (
            "The community has used up today's budget for answers from Claude. It starts again "
            f"at midnight UTC, in about {wait}. Until then I can quote your lessons."
        )
    wait = how_long(next_midnight(now, member_zone) - now)
    return (
        f"You have asked {limits.daily_quota} questions today, the most one member can ask "
        f"Claude per day. Your count starts again at midnight in your time zone "
        f"({zone_name}), in about {wait}. Until then I can quote your lessons."
    )
