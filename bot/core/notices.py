"""What a member must hear once, at their next command: that their lesson DMs were refused.

A refusal happens in the delivery tick, where there is nobody to tell; the member learns of it
the next time they use a command, in a private reply, and only that once.
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlmodel import select

from bot.core.models import Member, MemberStatus
from bot.core.ports import Caller, Replier
from bot.core.services import Services
from bot.core.views import unreachable_message

log = logging.getLogger(__name__)


async def tell_pending(services: Services, caller: Caller, reply: Replier) -> None:
    """Tell the caller their DMs were refused, if they have not been told yet. Never raises:
    the command itself has been answered already."""
    # Every command pays for this look-up, so it reads three columns and builds no objects.
    query = select(Member.id, Member.status_reason).where(
        Member.platform == caller.platform,
        Member.workspace_id == caller.workspace_id,
        Member.user_id == caller.user_id,
        Member.status == MemberStatus.UNREACHABLE,
        Member.unreachable_told.is_(False),
    )
    try:
        async with services.db() as session:
            found = (await session.exec(query)).first()
        if found is None:
            return
        member_id, reason = found
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
