"""`/mentor-admin questions`: how much the mentor is used, how answers are rated, and the topics
it was unsure about (the gaps in the lessons worth writing next)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.messages import Message
from bot.core.models import Question
from bot.mentor.limits import Limits, day_start, tokens_since

WINDOW = timedelta(days=30)
TOPICS_SHOWN = 10


async def report(
    session: AsyncSession, now: datetime, limits: Limits, model: str | None
) -> Message:
    since_today = day_start(now, UTC)
    since_window = now - WINDOW
    asked_today = (
        await session.exec(
            select(func.count()).select_from(Question).where(Question.created_at >= since_today)
        )
    ).one()
    tokens_today = await tokens_since(session, now)
    ratings = dict(
        (
            await session.exec(
                select(Question.feedback, func.count())
                .where(Question.created_at >= since_window, Question.feedback.is_not(None))
                .group_by(Question.feedback)
            )
        ).all()
    )
    gaps = (
        await session.exec(
            select(Question.topic, func.count())
            .where(Question.created_at >= since_window, Question.unsure.is_(True))
            .group_by(Question.topic)
            .order_by(func.count().desc(), Question.topic)
            .limit(TOPICS_SHOWN)
        )
    ).all()
    answered_by = f"Claude ({model})" if model else "quoted lessons (no ANTHROPIC_API_KEY set)"
    lines = [
        f"Answers come from: {answered_by}",
        f"Questions today (UTC): {asked_today}",
        f"Tokens today: {tokens_today:,} of the daily budget of {limits.daily_token_budget:,}",
        f"Last 30 days: 👍 {ratings.get(1, 0)} · 👎 {ratings.get(-1, 0)}",
    ]
    if gaps:
        lines.append("Unsure answers by topic, last 30 days (lessons worth writing):")
        lines.extend(f"• {topic or 'general'}: {count}" for topic, count in gaps)
    else:
        lines.append("No unsure answers in the last 30 days.")
    return Message(title="Mentor questions", body="\n".join(lines), private=True)
