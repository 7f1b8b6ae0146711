"""`/mentor schedule`, `/mentor pause`, `/mentor resume`, Snooze and `/mentor forget-me`."""

from __future__ import annotations

from datetime import timedelta

from bot.core.actions import Act
from bot.core.commands.base import Context
from bot.core.db import scrub_deleted
from bot.core.delivery import reschedule
from bot.core.markup import moment_token
from bot.core.members import find_member, forget_member, get_or_create_member
from bot.core.messages import Choice, Form, Message, Style, TextInput
from bot.core.models import AuditEntry, Member, MemberStatus
from bot.core.pauses import note_status
from bot.core.schedule import (
    SCHEDULE_USAGE,
    Schedule,
    next_delivery,
    next_due_for,
    parse_schedule,
    schedule_of,
)


async def schedule(ctx: Context) -> None:
    """`/mentor schedule HH:MM zone [days]`; with nothing after it, a form (or the current one)."""
    if not ctx.argv:
        await schedule_form(ctx)
        return
    await _save_schedule(ctx, parse_schedule(ctx.argv))


async def schedule_form(ctx: Context) -> None:
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
        current = schedule_of(member)
    form = Form(
        Act.SCHEDULE_SET,
        "When should lessons arrive?",
        (
            TextInput("time", "Time of day (24-hour HH:MM)", "07:30", default=current.time),
            TextInput(
                "timezone", "Time zone (IANA name)", "Europe/Berlin", default=current.timezone
            ),
            TextInput("days", "Days", "mon-fri, sat,sun or daily", default=",".join(current.days)),
        ),
        submit="Save",
    )
    if await ctx.reply.form(form):
        return
    await ctx.reply.send(
        Message(
            title="Your schedule",
            body=f"New items arrive by DM at {current.describe()}.\n\n"
            f"Change it with `{SCHEDULE_USAGE}`, "
            "for example `/mentor schedule 07:30 Europe/Berlin mon-fri`.",
        )
    )


async def schedule_submitted(ctx: Context) -> None:
    words = [ctx.fields.get(name, "").strip() for name in ("time", "timezone", "days")]
    days = words[2].replace(" ", "")
    await _save_schedule(ctx, parse_schedule([words[0], words[1]] + ([days] if days else [])))


async def _save_schedule(ctx: Context, chosen: Schedule) -> None:
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
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
    return f"The next one: {moment_token(when)}." if when else ""


async def resume(ctx: Context) -> None:
    member = await _set_status(ctx, MemberStatus.ACTIVE)
    when = next_delivery(member)
    text = "Deliveries are back on." + (
        f" The next item arrives {moment_token(when)}." if when else ""
    )
    await ctx.reply.send(Message(body=text))


async def pause(ctx: Context) -> None:
    await _set_status(ctx, MemberStatus.PAUSED)
    await ctx.reply.send(
        Message(
            body="Deliveries paused. Nothing new arrives until you run `/mentor resume`; "
            "`/mentor today` still works.",
        )
    )


async def snooze(ctx: Context) -> None:
    """A lesson DM's Snooze a day: the next delivery waits one more day."""
    now = ctx.services.clock.now()
    async with ctx.services.db() as session, session.begin():
        member = await find_member(session, ctx.caller)
        if member is None or member.next_due_at is None:
            text = "Nothing is scheduled to arrive, so there is nothing to snooze."
        else:
            later = max(member.next_due_at, now) + timedelta(days=1)
            member.next_due_at = next_due_for(member, later - timedelta(seconds=1))
            member.updated_at = now
            session.add(member)
            text = f"Snoozed: the next item arrives {moment_token(next_delivery(member))}."
    await ctx.reply.send(Message(body=text))


async def _set_status(ctx: Context, status: MemberStatus) -> Member:
    now = ctx.services.clock.now()
    async with ctx.services.db() as session, session.begin():
        member = await get_or_create_member(
            session, ctx.caller, ctx.services.clock, ctx.services.default_timezone
        )
        await note_status(session, member, status, now)
        member.status = status
        member.status_reason = None
        # A refusal after this one is news again.
        member.unreachable_told = False
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
                Choice("Delete my data", Act.FORGET, "confirm", Style.DANGER),
                Choice("Keep it", Act.FORGET, "cancel"),
            ),
        )
    )


async def forget_confirmed(ctx: Context) -> None:
    if ctx.args != "confirm":
        await ctx.reply.send(Message(body="Nothing was deleted.", replace=True))
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
            replace=True,
        )
    )
