"""Slash commands, clicks and form submissions in; calls on the core's Router out.

Nothing here decides anything about mentoring: it reads who is asking and what they typed or
clicked, hands that to the Router with a replier for this interaction, and makes sure Discord
hears an answer in time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import discord
from discord import app_commands

from bot.core.commands import Command, Kind, Router, Suggest
from bot.core.commands.registry import MENTOR
from bot.core.commands.router import OOPS
from bot.core.commands.suggest import suggestions
from bot.core.messages import Action, Attachment, Message, MessageRef
from bot.core.ports import Caller
from bot.core.services import Services
from bot.platforms.discord import limits
from bot.platforms.discord.components import attachment_of, read_form
from bot.platforms.discord.limits import cut
from bot.platforms.discord.replier import PLATFORM, ChannelReplier, InteractionReplier
from bot.platforms.turnstile import Turnstile

log = logging.getLogger(__name__)

# Where a plain DM goes: the mentor's question command.
ASK = "ask"

UNKNOWN_COMMAND = (
    "This command is not one I know any more; the list may be out of date. Try `/mentor help`."
)
RESTARTING = "I am restarting. Please try again in a minute."


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
        # Interactions received and not yet acknowledged. When one arrives while others wait,
        # all of them are deferred at once: under a burst, answering each only when its work
        # is done would keep the last ones waiting for everybody's database work.
        self.waiting: set[InteractionReplier] = set()
        # Work starts one interaction per trip around the loop, and not while an interaction
        # that is not queued for work waits to be acknowledged.
        self._queued: set[InteractionReplier] = set()
        self._turnstile = Turnstile(hold=lambda: len(self.waiting - self._queued) > 0)
        # Set at a stop: what arrives after it is turned away politely, what is being handled
        # gets to finish.
        self.closing = False
        self._busy = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def drained(self, seconds: float) -> bool:
        """Wait until no interaction is being handled (at most `seconds`)."""
        try:
            async with asyncio.timeout(seconds):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True

    @contextlib.contextmanager
    def _handling(self) -> Iterator[None]:
        self._busy += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._busy -= 1
            if not self._busy:
                self._idle.set()

    def _replier(self, interaction: discord.Interaction, private: bool) -> InteractionReplier:
        reply = InteractionReplier(interaction, private=private)
        reply.acknowledged = lambda: self._acked(reply)
        self.waiting.add(reply)
        return reply

    def _acked(self, reply: InteractionReplier) -> None:
        self.waiting.discard(reply)
        self._turnstile.nudge()

    async def _acknowledge(self, reply: InteractionReplier, slow: bool) -> None:
        """Defer slow work, and everything while more than one interaction waits; give the
        rest until `defer_after` to answer directly."""
        if len(self.waiting) > 1:
            for other in self.waiting - {reply}:
                other.defer_soon()
        if slow or len(self.waiting) > 1:
            await reply.defer()
        else:
            reply.defer_after(self.defer_after)
        self._queued.add(reply)
        self._turnstile.nudge()
        try:
            await self._turnstile.wait()
        finally:
            self._queued.discard(reply)

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
        reply = self._replier(interaction, command.private)
        with self._handling():
            try:
                if await self._turned_away(reply):
                    return
                await self._acknowledge(reply, command.slow)
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
        reply = self._replier(interaction, private=True)
        with self._handling():
            try:
                if await self._turned_away(reply):
                    return
                await self._acknowledge(reply, slow=False)
                await self.router.action(self.caller(interaction), action, reply)
            except Exception:
                log.exception("action %s failed on Discord", action.action)
            finally:
                await reply.close()

    async def direct_message(self, message: discord.Message, workspace_id: str) -> None:
        """A plain message in a DM with the bot is a question for the mentor, continuing the
        conversation of that DM (as a reply to an answer does on other platforms)."""
        question = message.content.strip()
        if message.guild is not None or message.author.bot or not question or self.closing:
            return
        caller = Caller(
            platform=PLATFORM,
            workspace_id=workspace_id,
            user_id=str(message.author.id),
            display_name=message.author.display_name,
            conversation_id=str(message.channel.id),
        )
        reply = ChannelReplier(message.channel, message.channel.id)
        with self._handling():
            try:
                await self.router.command(caller, MENTOR, ASK, question, reply)
            except Exception:
                log.exception("a question by DM failed on Discord")

    async def _turned_away(self, reply: InteractionReplier) -> bool:
        if self.closing:
            await reply.send(Message(body=RESTARTING, private=True))
        return self.closing

    async def suggest(self, source: Suggest, typed: str) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(
                name=cut(o.label, limits.CHOICE_TEXT), value=o.value[: limits.CHOICE_TEXT]
            )
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
