"""`/mentor schedule`, `/mentor pause`, `/mentor resume` and `/mentor forget-me`."""

from __future__ import annotations

from bot.core.commands.base import Context
from bot.core.members import find_member, forget_member, get_or_create_member
from bot.core.messages import Choice, Message, Style
from bot.core.models import AuditEntry, MemberStatus
from bot.core.schedule import SCHEDULE_USAGE, parse_schedule, schedule_of


async def schedule(ctx: Context) -> None:
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
        if not ctx.argv:
            current = schedule_of(member).describe()
            await ctx.reply.send(
                Message(
                    title="Your schedule",
                    body=f"New items arrive by DM at {current}.\n\n"
                    f"Change it with `{SCHEDULE_USAGE}`, "
                    "for example `/mentor schedule 07:30 Europe/Berlin mon-fri`.",
                    private=True,
                )
            )
            return
        chosen = parse_schedule(ctx.argv)
        member.delivery_time = chosen.time
        member.timezone = chosen.timezone
        member.delivery_days = ",".join(chosen.days)
        member.updated_at = ctx.services.clock.now()
        session.add(member)
    await ctx.reply.send(
        Message(
            title="Schedule saved",
            body=f"New items will arrive by DM at {chosen.describe()}.",
            private=True,
        )
    )


async def pause(ctx: Context) -> None:
    await _set_status(
        ctx,
        MemberStatus.PAUSED,
        "Deliveries paused. Nothing new arrives until you run `/mentor resume`; "
        "`/mentor today` still works.",
    )


async def resume(ctx: Context) -> None:
    await _set_status(
        ctx,
        MemberStatus.ACTIVE,
        "Deliveries are back on. The next item arrives at your scheduled time.",
    )


async def _set_status(ctx: Context, status: MemberStatus, text: str) -> None:
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
        member.status = status
        member.status_reason = None
        member.updated_at = ctx.services.clock.now()
        session.add(member)
    await ctx.reply.send(Message(body=text, private=True))


async def forget_me(ctx: Context) -> None:
    await ctx.reply.send(
        Message(
            title="Delete everything about you?",
            body="This deletes your path, progress, project links, schedule and questions. "
            "It cannot be undone.",
            choices=(
                Choice("Delete my data", "forget", "confirm", Style.DANGER),
                Choice("Keep it", "forget", "cancel"),
            ),
            private=True,
        )
    )


async def forget_confirmed(ctx: Context) -> None:
    if ctx.args != "confirm":
        await ctx.reply.send(Message(body="Nothing was deleted.", private=True))
        return

    async with ctx.services.db() as session, session.begin():
        member = await find_member(session, ctx.caller)
        if member is not None:
            await forget_member(session, member)
            session.add(
                AuditEntry(
                    at=ctx.services.clock.now(),
                    actor="member",
                    action="forget-me",
                    detail={"platform": ctx.caller.platform},
                )
            )
    await ctx.reply.send(
        Message(
            body="Done: everything I stored about you is deleted. `/mentor start` begins afresh.",
            private=True,
        )
    )
