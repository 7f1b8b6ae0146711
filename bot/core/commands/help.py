"""`/mentor help`: every command the caller may use, with its usage."""

from __future__ import annotations

from bot.core.commands.base import Command, Context
from bot.core.messages import Message


def help_message(commands: list[Command], is_moderator: bool) -> Message:
    lines = [f"`{c.invocation}`: {c.summary}" for c in commands if not c.moderator]
    if is_moderator:
        lines.append("\n**For moderators**")
        lines.extend(f"`{c.invocation}`: {c.summary}" for c in commands if c.moderator)
    return Message(title="mentorbot commands", body="\n".join(lines), private=True)


def make_help(commands: list[Command]):
    async def handler(ctx: Context) -> None:
        await ctx.reply.send(help_message(commands, ctx.caller.is_moderator))

    return handler
