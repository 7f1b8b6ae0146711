"""`/mentor today`, `/mentor done [link]` and `/mentor progress`."""

from __future__ import annotations

import re

from bot.core.commands.base import Context
from bot.core.content import LearningPath
from bot.core.delivery import release_hold
from bot.core.enrollment import DoneResult, active_enrollment, current_item, mark_done
from bot.core.errors import UserError
from bot.core.members import find_member
from bot.core.messages import Choice, Message, Style
from bot.core.models import MemberStatus
from bot.core.progress import progress as progress_of
from bot.core.schedule import next_delivery, schedule_of
from bot.core.text import shown
from bot.core.views import item_message, progress_message

DONE_USAGE = "/mentor done [link]"
NOT_ENROLLED = "You are not on a path yet. Run `/mentor start` for the placement quiz."
_LINK = re.compile(r"^https?://[^\s<>]+\.[^\s<>]+$")
STATUS_TEXT = {
    MemberStatus.ACTIVE: "on",
    MemberStatus.PAUSED: "paused (`/mentor resume` to restart them)",
    MemberStatus.UNREACHABLE: "stopped: I could not DM you. Allow DMs from this server or app, "
    "then run `/mentor resume`",
    MemberStatus.HELD: "on hold: a few items are waiting for you. Mark them with `/mentor done` "
    "(or open one with `/mentor today`) and deliveries carry on",
}


async def today(ctx: Context) -> None:
    content = ctx.services.content.current
    async with ctx.services.db() as session, session.begin():
        member = await find_member(session, ctx.caller)
        enrollment = await active_enrollment(session, member) if member else None
        if member is not None and enrollment is not None:
            # Opening the path is showing up: a pacing hold lifts.
            await release_hold(session, member, ctx.services.clock.now())
    if enrollment is None:
        raise UserError(NOT_ENROLLED)
    path = content.path(enrollment.path_id)
    item = current_item(content, enrollment)
    if path is None or item is None:
        await ctx.reply.send(
            Message(
                title="Path finished",
                body="You have worked through every item on your path. "
                "`/mentor progress` shows what you handed in; "
                "`/mentor paths` lists the other paths.",
            )
        )
        return
    await ctx.reply.send(item_message(item, path))


async def done(ctx: Context) -> None:
    link = ctx.args.strip() or None
    if link is not None and (len(link) > 500 or not _LINK.match(link)):
        raise UserError(
            f"'{shown(link)}' does not look like a link. Give a full address starting with "
            "https://, or run `/mentor done` with nothing after it.",
            DONE_USAGE,
        )
    content = ctx.services.content.current
    async with ctx.services.db() as session, session.begin():
        member = await find_member(session, ctx.caller)
        enrollment = await active_enrollment(session, member) if member else None
        if member is None or enrollment is None:
            raise UserError(NOT_ENROLLED)
        result = await mark_done(session, content, member, enrollment, link, ctx.services.clock)
        path = content.path(enrollment.path_id)
        if result is not None:
            await release_hold(session, member, ctx.services.clock.now())
        arrived = _already_sent(path, enrollment.last_sent_item_id, result)
        when = next_delivery(member)
    if result is None or path is None:
        raise UserError("There is nothing open on your path. `/mentor paths` to choose another.")
    position = path.items.index(result.done) + 1
    lines = [f"Marked **{result.done.title}** done ({position}/{len(path.items)})."]
    if result.done.is_project and link is None:
        lines.append("Next time, hand in a project with its link: `/mentor done <link>`.")
    if result.next is None:
        lines.append(f"That was the last item. You have finished the {path.title} path!")
        others = [p for p in content.paths.values() if p.id != path.id]
        if others:
            lines.append("Where next? Pick a path, or `/mentor join <path>` later.")
        await ctx.reply.send(
            Message(
                title="Well done",
                body="\n".join(lines),
                choices=tuple(Choice(f"Join {p.title}", "join", p.id) for p in others),
            )
        )
        return
    if arrived:
        later = "it is already in your DMs, and `/mentor today` shows it again."
    elif when:
        later = f"it arrives {when}, or read it now with `/mentor today`."
    else:
        later = "read it now with `/mentor today`."
    lines.append(f"Next: day {result.next.day}, **{result.next.title}**: {later}")
    await ctx.reply.send(
        Message(
            title="Well done",
            body="\n".join(lines),
            choices=(Choice("Read the next one now", "today", style=Style.PRIMARY),),
        )
    )


def _already_sent(
    path: LearningPath | None, last_sent_item_id: str | None, result: DoneResult | None
) -> bool:
    """Whether the next item went out by DM before the member got to it."""
    if path is None or result is None or result.next is None or last_sent_item_id is None:
        return False
    ids = [item.id for item in path.items]
    return last_sent_item_id in ids and ids.index(result.next.id) <= ids.index(last_sent_item_id)


async def progress(ctx: Context) -> None:
    content = ctx.services.content.current
    async with ctx.services.db() as session:
        member = await find_member(session, ctx.caller)
        report = await progress_of(session, content, member, ctx.services.clock) if member else None
    if member is None or report is None:
        raise UserError(NOT_ENROLLED)
    status = STATUS_TEXT.get(MemberStatus(member.status), member.status)
    if member.status == MemberStatus.UNREACHABLE and member.status_reason:
        status += f" ({member.status_reason})"
    schedule = schedule_of(member).describe()
    if when := next_delivery(member):
        schedule += f"; next: {when}"
    await ctx.reply.send(progress_message(report, status, schedule))
