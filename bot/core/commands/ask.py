"""`/mentor ask <question>`."""

from __future__ import annotations

from bot.core.commands.base import Context
from bot.core.errors import UserError
from bot.core.messages import Message

ASK_USAGE = "/mentor ask <question>"


async def ask(ctx: Context) -> None:
    if not ctx.args.strip():
        raise UserError("Ask a question after the command.", ASK_USAGE)
    await ctx.reply.send(
        Message(
            body="Questions are not answered in this version yet. `/mentor today` shows your "
            "current lesson.",
            private=True,
        )
    )
