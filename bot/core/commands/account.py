"""`/mentor schedule`, `/mentor pause`, `/mentor resume` and `/mentor forget-me`."""

from __future__ import annotations

from bot.core.commands.base import Context
from bot.core.db import scrub_deleted
from bot.core.delivery import reschedule
from bot.core.members import find_member, forget_member, get_or_create_member
from bot.core.messages import Choice, Message, Style
from bot.core.models import AuditEntry, Member, MemberStatus
from bot.core.schedule import SCHEDULE_USAGE, next_delivery, parse_schedule, schedule_of


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
        # The next delivery moves now, not after the one already planned.
        await reschedule(session, member, ctx.services.clock.now())
    await ctx.reply.send(
        Message(
            title="Schedule saved",
            body=f"New items will arrive by DM at {chosen.describe()}. {_when_next(member)}",
            private=True,
        )
    )


def _when_next(member: Member) -> str:
    if member.status == MemberStatus.PAUSED:
        return "Deliveries are paused; `/mentor resume` restarts them."
    if member.status == MemberStatus.UNREACHABLE:
        return "I could not DM you last time; allow DMs, then run `/mentor resume`."
    if member.status == MemberStatus.HELD:
        return "Your path is waiting for you: `/mentor today` picks it up again."
    when = next_delivery(member)
    return f"The next one: {when}." if when else ""


async def resume(ctx: Context) -> None:
    member = await _set_status(ctx, MemberStatus.ACTIVE)
    when = next_delivery(member)
    text = "Deliveries are back on." + (f" The next item arrives {when}." if when else "")
    await ctx.reply.send(Message(body=text, private=True))


async def pause(ctx: Context) -> None:
    await _set_status(ctx, MemberStatus.PAUSED)
    await ctx.reply.send(
        Message(
            body="Deliveries paused. Nothing new arrives until you run `/mentor resume`; "
            "`/mentor today` still works.",
            private=True,
        )
    )


async def _set_status(ctx: Context, status: MemberStatus) -> Member:
    now = ctx.services.clock.now()
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
        member.status = status
        member.status_reason = None
        member.updated_at = now
        await reschedule(session, member, now)
    return member


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
    async with ctx.services.db() as session:
        await scrub_deleted(session)
    await ctx.reply.send(
        Message(
            body="Done: everything I stored about you is deleted. `/mentor start` begins afresh.",
            private=True,
        )
    )
