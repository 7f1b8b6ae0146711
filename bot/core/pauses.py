"""When a member had deliveries paused, kept so a pause does not break their streak."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Member, MemberPause, MemberStatus


async def note_status(session: AsyncSession, member: Member, status: str, now: datetime) -> None:
    """Open a pause when the member pauses; close the open one when they leave the pause."""
    open_pause = (
        await session.exec(
            select(MemberPause).where(
                MemberPause.member_id == member.id, MemberPause.ended_at.is_(None)
            )
        )
    ).first()
    if status == MemberStatus.PAUSED and open_pause is None:
        session.add(MemberPause(member_id=member.id, started_at=now))
    elif status != MemberStatus.PAUSED and open_pause is not None:
        open_pause.ended_at = now
        session.add(open_pause)
