"""A member's home page: their path, progress and next lesson, for platforms that have one."""

from __future__ import annotations

from bot.core.members import find_member
from bot.core.messages import Message
from bot.core.models import MemberStatus
from bot.core.ports import Caller
from bot.core.progress import progress
from bot.core.schedule import next_delivery, schedule_of
from bot.core.services import Services
from bot.core.views import home_message


async def home(services: Services, caller: Caller) -> Message:
    content = services.content.current
    async with services.db() as session:
        member = await find_member(session, caller)
        report = await progress(session, content, member, services.clock) if member else None
    if member is None or report is None:
        return home_message(None, None, None, None)
    return home_message(
        report,
        MemberStatus(member.status),
        schedule_of(member).describe(),
        next_delivery(member),
    )
