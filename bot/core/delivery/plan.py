"""Keeping `member.next_due_at` right after a member changes their schedule, status or path.

The arithmetic itself (`next_due`) lives in `bot.core.schedule`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Delivery, DeliveryStatus, Member, MemberStatus
from bot.core.schedule import next_due_for


async def last_sent_at(session: AsyncSession, member_id: int) -> datetime | None:
    statement = select(func.max(Delivery.sent_at)).where(
        Delivery.member_id == member_id, Delivery.status == DeliveryStatus.SENT
    )
    return (await session.exec(statement)).one()


async def reschedule(session: AsyncSession, member: Member, now: datetime) -> None:
    """Set when the member's next item is due after a change, or clear it while they are off.

    Called inside the transaction that changed the member's schedule, status or path. The
    member's last DM counts as served, so a schedule moved later in the day brings no second
    item that day.
    """
    if member.status != MemberStatus.ACTIVE:
        member.next_due_at = None
    else:
        served = await last_sent_at(session, member.id) if member.id is not None else None
        member.next_due_at = next_due_for(member, now, served)
    session.add(member)


async def release_hold(session: AsyncSession, member: Member, now: datetime) -> bool:
    """A held member showed up (`/mentor today` or `/mentor done`): deliveries go on."""
    if member.status != MemberStatus.HELD:
        return False
    member.status = MemberStatus.ACTIVE
    member.status_reason = None
    member.updated_at = now
    await reschedule(session, member, now)
    return True
