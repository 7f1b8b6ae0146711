"""`/mentor-admin …`: moderator commands."""

from __future__ import annotations

import asyncio
import logging

from bot.core.commands.base import Context
from bot.core.content import ContentError, load_content
from bot.core.messages import Message
from bot.core.stats import chart, community_stats, stats_message

log = logging.getLogger(__name__)

MAX_PROBLEMS_SHOWN = 20


async def validate(ctx: Context) -> None:
    directory = ctx.services.content.directory
    try:
        # Reading files blocks; the bot's other members are served meanwhile.
        content = await asyncio.to_thread(load_content, directory)
    except ContentError as error:
        shown = error.problems[:MAX_PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        body = "\n".join(f"• {p}" for p in shown) + (f"\n…and {more} more." if more > 0 else "")
        await ctx.reply.send(
            Message(
                title=f"Content has {len(error.problems)} problem(s)",
                body=body + "\n\nFix them and run `/mentor-admin validate` again.",
                private=True,
            )
        )
        return
    await ctx.reply.send(Message(title="Content is valid", body=content.summary(), private=True))


async def stats(ctx: Context) -> None:
    """Counts, the funnel and the mentor's use, with a chart drawn off the event loop."""
    now = ctx.services.clock.now()
    async with ctx.services.db() as session:
        report = await community_stats(session, ctx.services.content.current, now)
    try:
        picture = await asyncio.to_thread(chart.draw, chart.chart_data(report))
    except Exception:
        # The numbers are worth sending without their picture.
        log.exception("drawing the stats chart failed")
        picture = None
    await ctx.reply.send(stats_message(report, picture, now))
