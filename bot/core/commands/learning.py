"""`/mentor today`, `/mentor done [link]` (and a lesson DM's Mark done) and `/mentor progress`."""

from __future__ import annotations

import re

from bot.core.actions import Act
from bot.core.commands.base import Context
from bot.core.content import Item
from bot.core.delivery import release_hold
from bot.core.enrollment import active_enrollment, current_item, mark_done
from bot.core.errors import UserError
from bot.core.members import find_member
from bot.core.messages import Form, TextInput
from bot.core.models import MemberStatus
from bot.core.progress import progress as progress_of
from bot.core.schedule import next_delivery, schedule_of
from bot.core.text import shown
from bot.core.views import (
    done_message,
    finished_path_message,
    hand_in_message,
    item_message,
    progress_message,
)

DONE_USAGE = "/mentor done [link]"
NOT_ENROLLED = "You are not on a path yet. Run `/mentor start` for the placement quiz."
# A DM's Mark done on a project: hand it in without a link after all.
NO_LINK = "nolink"
_LINK = re.compile(r"^https?://[^\s<>]+\.[^\s<>]+$")


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
        await ctx.reply.send(finished_path_message())
        return
    await ctx.reply.send(item_message(item, path))


async def done(ctx: Context) -> None:
    """`/mentor done [link]`: the current item."""
    await _done(ctx, None, _link(ctx.args), ask_for_link=True)


async def done_item(ctx: Context) -> None:
    """Mark done on a lesson DM, or a form handing in a project: the value names the item."""
    item_id, _, flag = ctx.args.partition(":")
    link = _link(ctx.fields.get("link", ""))
    await _done(
        ctx, item_id or None, link, ask_for_link=flag != NO_LINK and "link" not in ctx.fields
    )


def _link(text: str) -> str | None:
    link = text.strip() or None
    if link is not None and (len(link) > 500 or not _LINK.match(link)):
        raise UserError(
            f"'{shown(link)}' does not look like a link. Give a full address starting with "
            "https://, or run `/mentor done` with nothing after it.",
            DONE_USAGE,
        )
    return link


async def _done(ctx: Context, item_id: str | None, link: str | None, ask_for_link: bool) -> None:
    content = ctx.services.content.current
    clock = ctx.services.clock
    async with ctx.services.db() as session, session.begin():
        member = await find_member(session, ctx.caller)
        enrollment = await active_enrollment(session, member) if member else None
        if member is None or enrollment is None:
            raise UserError(NOT_ENROLLED)
        path = content.path(enrollment.path_id)
        item = path.item(item_id) if path and item_id else current_item(content, enrollment)
        if path is None or item is None:
            raise UserError(
                "There is nothing open on your path. `/mentor paths` to choose another."
            )
        # Hand-ins are what progress lists: a project asks for its link before it is marked.
        handed_in = link if item.is_project else None
        if item.is_project and link is None and ask_for_link:
            result = None
        else:
            result = await mark_done(
                session, content, member, enrollment, handed_in, clock, item.id
            )
            if result is not None and not result.already:
                await release_hold(session, member, clock.now())
        last_sent = enrollment.last_sent_item_id
        when = next_delivery(member)
    if result is None:
        await _ask_for_link(ctx, item)
        return
    await ctx.reply.send(
        done_message(
            content, path, result, handed_in is not None, link is not None, last_sent, when
        )
    )


async def _ask_for_link(ctx: Context, item: Item) -> None:
    form = Form(
        Act.DONE,
        "Hand in your project",
        (TextInput("link", "Link to your repository or demo", "https://", required=False),),
        value=item.id,
        submit="Hand in",
    )
    if not await ctx.reply.form(form):
        await ctx.reply.send(hand_in_message(item, f"{item.id}:{NO_LINK}"))


async def progress(ctx: Context) -> None:
    content = ctx.services.content.current
    async with ctx.services.db() as session:
        member = await find_member(session, ctx.caller)
        report = await progress_of(session, content, member, ctx.services.clock) if member else None
    if member is None or report is None:
        raise UserError(NOT_ENROLLED)
    await ctx.reply.send(
        progress_message(
            report,
            MemberStatus(member.status),
            member.status_reason,
            schedule_of(member).describe(),
            next_delivery(member),
        )
    )
