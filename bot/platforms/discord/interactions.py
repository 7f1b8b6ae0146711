"""Slash commands, clicks and form submissions in; calls on the core's Router out.

Nothing here decides anything about mentoring: it reads who is asking and what they typed or
clicked, hands that to the Router with a replier for this interaction, and makes sure Discord
hears an answer in time.
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from bot.core.commands import Command, Kind, Router, Suggest
from bot.core.commands.router import OOPS
from bot.core.commands.suggest import suggestions
from bot.core.messages import Action, Attachment, Message, MessageRef
from bot.core.ports import Caller
from bot.core.services import Services
from bot.platforms.discord import limits
from bot.platforms.discord.components import attachment_of, read_form
from bot.platforms.discord.replier import PLATFORM, InteractionReplier

log = logging.getLogger(__name__)

UNKNOWN_COMMAND = (
    "This command is not one I know any more; the list may be out of date. Try `/mentor help`."
)


class Interactions:
    """What the client calls for each command, click, form and autocomplete."""

    def __init__(
        self,
        router: Router,
        services: Services,
        moderator_role_id: int | None = None,
        defer_after: float = limits.DEFER_AFTER,
    ) -> None:
        self.router = router
        self.services = services
        self.moderator_role_id = moderator_role_id
        # An answer not sent by then is preceded by a deferral (Discord waits three seconds).
        self.defer_after = defer_after

    def caller(self, interaction: discord.Interaction) -> Caller:
        user = interaction.user
        return Caller(
            platform=PLATFORM,
            # One member per Discord user of this bot, in every server and in DMs alike, so a
            # button in a DM finds the member who joined in a server.
            workspace_id=str(interaction.application_id),
            user_id=str(user.id),
            display_name=user.display_name,
            is_moderator=self.is_moderator(interaction),
            conversation_id=str(interaction.channel_id) if interaction.channel_id else None,
        )

    def is_moderator(self, interaction: discord.Interaction) -> bool:
        """Manage Server in this server, or the moderator role; nobody in a DM."""
        if interaction.guild_id is None:
            return False
        if interaction.permissions.manage_guild:
            return True
        user = interaction.user
        role = self.moderator_role_id
        return role is not None and isinstance(user, discord.Member) and bool(user.get_role(role))

    async def command(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> None:
        reply = InteractionReplier(interaction, private=command.private)
        try:
            if command.slow:
                await reply.defer()
            else:
                reply.defer_after(self.defer_after)
            args, files = typed_line(command, values)
            await self.router.command(
                self.caller(interaction), command.group, command.name, args, reply, files
            )
        except Exception:
            log.exception("/%s %s failed on Discord", command.group, command.name)
        finally:
            await reply.close()

    async def choice(self, interaction: discord.Interaction, action: str, value: str) -> None:
        message = interaction.message
        origin = None
        if message is not None:
            origin = MessageRef(PLATFORM, str(message.channel.id), str(message.id))
        await self._action(interaction, Action(action, value, origin=origin))

    async def form(self, interaction: discord.Interaction) -> None:
        submitted = read_form(dict(interaction.data or {}), interaction.client.http.get_from_cdn)
        if submitted is None:
            return
        action, value, fields, files = submitted
        await self._action(interaction, Action(action, value, fields=fields, attachments=files))

    async def _action(self, interaction: discord.Interaction, action: Action) -> None:
        # What a click answers is the member's own business.
        reply = InteractionReplier(interaction, private=True)
        try:
            reply.defer_after(self.defer_after)
            await self.router.action(self.caller(interaction), action, reply)
        except Exception:
            log.exception("action %s failed on Discord", action.action)
        finally:
            await reply.close()

    async def suggest(self, source: Suggest, typed: str) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=_cut(o.label), value=o.value[: limits.CHOICE_TEXT])
            for o in suggestions(source, self.services, typed)
        ]

    async def failed(self, interaction: discord.Interaction, error: Exception) -> None:
        """A command discord.py could not run: unknown to this tree, or its options did not
        convert. The member gets a short private message; the error goes to the log."""
        if isinstance(error, app_commands.CommandNotFound):
            log.warning("unknown command /%s: run `mentorbot discord sync`", error.name)
            text = UNKNOWN_COMMAND
        else:
            log.error("command failed before it ran", exc_info=error)
            text = OOPS
        if interaction.type is discord.InteractionType.autocomplete:
            return
        reply = InteractionReplier(interaction, private=True)
        try:
            await reply.send(Message(body=text, private=True))
        except discord.HTTPException:
            log.warning("could not tell the member that the command failed", exc_info=True)


def typed_line(command: Command, values: dict[str, Any]) -> tuple[str, tuple[Attachment, ...]]:
    """The options joined back into the words a text platform would have typed, in the
    command's parameter order; attachments apart."""
    words: list[str] = []
    files: list[Attachment] = []
    for param in command.params:
        value = values.get(option_name(param.name))
        if value is None or value == "":
            continue
        if param.kind == Kind.ATTACHMENT:
            files.append(attachment_of(value))
        else:
            words.append(str(value).strip())
    return " ".join(words), tuple(files)


def option_name(name: str) -> str:
    """The Python name discord.py passes an option by (Discord's own name may have hyphens)."""
    return name.replace("-", "_")


def _cut(text: str) -> str:
    return text if len(text) <= limits.CHOICE_TEXT else text[: limits.CHOICE_TEXT - 1] + "…"
