"""`/mentor ask <question>`, 👍/👎 on an answer, and `/mentor-admin questions`.

The answering itself happens behind `services.mentor` (the `bot.mentor` package), so the core
never touches the LLM SDK.
"""

from __future__ import annotations

from bot.core.commands.base import Context
from bot.core.errors import UserError
from bot.core.text import has_visible

ASK_USAGE = "/mentor ask <question>"
MAX_QUESTION_CHARS = 1500
NOT_SET_UP = "The mentor is not set up on this bot, so questions cannot be answered here."


async def ask(ctx: Context) -> None:
    question = ctx.args.strip()
    if not has_visible(question):
        raise UserError("Ask a question after the command.", ASK_USAGE)
    if len(question) > MAX_QUESTION_CHARS:
        raise UserError(
            f"Questions can be at most {MAX_QUESTION_CHARS:,} characters; yours has "
            f"{len(question):,}. Shorten it, or ask it in two parts.",
            ASK_USAGE,
        )
    if ctx.services.mentor is None:
        raise UserError(NOT_SET_UP)
    await ctx.services.mentor.ask(ctx.caller, question, ctx.reply)


async def feedback(ctx: Context) -> None:
    if ctx.services.mentor is None:
        raise UserError(NOT_SET_UP)
    await ctx.services.mentor.feedback(ctx.caller, ctx.args, ctx.reply)


async def questions(ctx: Context) -> None:
    if ctx.services.mentor is None:
        raise UserError(NOT_SET_UP)
    await ctx.reply.send(await ctx.services.mentor.report())
