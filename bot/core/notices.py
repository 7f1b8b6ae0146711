"""What a member must hear once, at their next command: that their lesson DMs were refused.

A refusal happens in the delivery tick, where there is nobody to tell; the member learns of it
the next time they use a command, in a private reply, and only that once.
"""

from __future__ import annotations

import logging

from sqlalchemy import update

from bot.core.members import find_member
from bot.core.models import Member, MemberStatus
from bot.core.ports import Caller, Replier
from bot.core.services import Services
from bot.core.views import unreachable_message

log = logging.getLogger(__name__)


async def tell_pending(services: Services, caller: Caller, reply: Replier) -> None:
    """Tell the caller their DMs were refused, if they have not been told yet. Never raises:
    the command itself has been answered already."""
    try:
        async with services.db() as session:
            member = await find_member(session, caller)
            if member is None or member.status != MemberStatus.UNREACHABLE:
                return
            if member.unreachable_told:
                return
            member_id, reason = member.id, member.status_reason
    except Exception:
        log.exception("could not look up notices for %s user %s", caller.platform, caller.user_id)
        return
    try:
        await reply.send(unreachable_message(reason))
    except Exception:
        # The command's own reply may have used up the channel (a form); try again next time.
        log.info("could not tell %s user %s about refused DMs", caller.platform, caller.user_id)
        return
    try:
        async with services.db() as session, session.begin():
            await session.exec(
                update(Member)
                .where(Member.id == member_id, Member.status == MemberStatus.UNREACHABLE)
                .values(unreachable_told=True)
            )
    except Exception:
        log.exception("could not note that member %s was told about refused DMs", member_id)
