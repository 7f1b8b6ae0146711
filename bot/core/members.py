"""Who is talking to the bot, and the member row that belongs to them."""

from __future__ import annotations

from dataclasses import dataclass

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
    MemberStatus,
    Question,
    QuizAttempt,
)


@dataclass(frozen=True)
class Caller:
    """The person behind a command or a click, as the platform reports them."""

    platform: str
    workspace_id: str
    user_id: str
    display_name: str
    is_moderator: bool = False
    # The thread or DM the exchange happens in, so follow-up questions keep their context.
    conversation_id: str | None = None
    # Slack reports a user's zone; Discord does not.
    timezone: str | None = None


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
    for table in (Question, Delivery, Completion, QuizAttempt, Enrollment):
        await session.exec(delete(table).where(table.member_id == member.id))
    await session.delete(member)
