"""`/mentor ask <question>`, 👍/👎 on an answer, and `/mentor-admin questions`.

The answering itself happens behind `services.mentor` (the `bot.mentor` package), so the core
never touches the LLM SDK.
"""

from __future__ import annotations

from bot.core.actions import Act
from bot.core.commands.base import Context
from bot.core.errors import UserError
from bot.core.messages import Form, Message, TextInput
from bot.core.text import has_visible

ASK_USAGE = "/mentor ask <question>"
MAX_QUESTION_CHARS = 1500
NOT_SET_UP = "The mentor is not set up on this bot, so questions cannot be answered here."


async def ask(ctx: Context) -> None:
    await _ask(ctx, ctx.args)


async def ask_about(ctx: Context) -> None:
    """A lesson DM's Ask about this: a form for the question, naming the lesson."""
    item = ctx.services.content.current.item(ctx.args)
    title = item.title if item is not None else "this lesson"
    form = Form(
        Act.ASK,
        "Ask the mentor",
        (
            TextInput(
                "question",
                f"Your question about {title}"[:45],
                "What would you like explained?",
                long=True,
                max_length=MAX_QUESTION_CHARS,
            ),
        ),
        value=ctx.args,
        submit="Ask",
    )
    if not await ctx.reply.form(form):
        await ctx.reply.send(
            Message(body=f"Ask about **{title}** with `{ASK_USAGE}`; I answer from your lessons.")
        )


async def ask_submitted(ctx: Context) -> None:
    await _ask(ctx, ctx.fields.get("question", ""))


async def _ask(ctx: Context, text: str) -> None:
    question = text.strip()
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
