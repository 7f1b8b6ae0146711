"""Who is talking to the bot, and the member row that belongs to them."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.db import insert_new
from bot.core.models import (
    Completion,
    Delivery,
    Enrollment,
    Member,
    MemberPause,
    MemberStatus,
    Question,
    QuizAttempt,
)
from bot.core.ports import Caller

__all__ = ["Caller", "find_member", "forget_member", "get_or_create_member"]


async def find_member(session: AsyncSession, caller: Caller) -> Member | None:
    statement = select(Member).where(
        Member.platform == caller.platform,
        Member.workspace_id == caller.workspace_id,
        Member.user_id == caller.user_id,
    )
    return (await session.exec(statement)).first()


async def get_or_create_member(
    session: AsyncSession, caller: Caller, clock: Clock, default_timezone: str
) -> Member:
    member = await find_member(session, caller)
    if member is None:
        # Two first commands from a new member may race here: the slower insert does nothing,
        # and both go on with the one row.
        now = clock.now()
        new = Member(
            platform=caller.platform,
            workspace_id=caller.workspace_id,
            user_id=caller.user_id,
            display_name=caller.display_name[:100],
            timezone=caller.timezone or default_timezone,
            status=MemberStatus.ACTIVE,
            created_at=now,
            updated_at=now,
        )
        await session.exec(insert_new(session, Member).values(new.model_dump(exclude={"id"})))
        member = await find_member(session, caller)
        assert member is not None
    if member.display_name != caller.display_name[:100]:
        member.display_name = caller.display_name[:100]
        session.add(member)
    return member


async def forget_member(session: AsyncSession, member: Member) -> None:
    """Delete the member and every row that refers to them, in one transaction."""
    for table in (Question, Delivery, Completion, QuizAttempt, Enrollment, MemberPause):
        await session.exec(delete(table).where(table.member_id == member.id))
    await session.delete(member)
