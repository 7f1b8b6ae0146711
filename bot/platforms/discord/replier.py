"""Answers one interaction: the first answer is the interaction's response, later ones are
follow-ups, and an answer that is not ready in time is preceded by a deferral.

Discord shows "This interaction failed" when nothing answers within three seconds, so each
interaction either answers at once or is deferred: slow commands at once, everything else when
`DEFER_AFTER` passes without an answer. Replies are ephemeral in servers when they are
personal; in a DM with the bot everything is private anyway and stays in the history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from enum import Enum, auto
from typing import Any

import discord
from discord.utils import MISSING

from bot.core.messages import Form, Message, MessageRef
from bot.platforms.discord.components import form_modal
from bot.platforms.discord.render import Page, render, render_one

log = logging.getLogger(__name__)

PLATFORM = "discord"
NO_MENTIONS = discord.AllowedMentions.none()
# The interaction's own response, as Discord's webhook routes name it.
ORIGINAL = "@original"


class _State(Enum):
    NEW = auto()
    # Deferred with "thinking…": the first answer replaces the placeholder.
    THINKING = auto()
    # A click deferred without a placeholder: an answer that replaces the clicked message edits
    # it, any other is a follow-up.
    DEFERRED_UPDATE = auto()
    ANSWERED = auto()
    # Answered with a form: no message can follow on this interaction.
    FORM = auto()


class InteractionReplier:
    def __init__(self, interaction: discord.Interaction, *, private: bool) -> None:
        self._interaction = interaction
        # Called once, when Discord has been answered (or the interaction is given up).
        self.acknowledged: Callable[[], None] | None = None
        self._in_server = interaction.guild_id is not None
        self._private = private
        # A click (or a form opened from one) can update the message it came from.
        self._on_message = interaction.message is not None
        self._state = _State.NEW
        self._lock = asyncio.Lock()
        self._timer: asyncio.TimerHandle | None = None
        self._deferral: asyncio.Task[None] | None = None

    def _leave(self, state: _State) -> None:
        if self._state is _State.NEW:
            self._done_waiting()
        self._state = state

    def _done_waiting(self) -> None:
        if self.acknowledged is not None:
            self.acknowledged()
            self.acknowledged = None

    def defer_after(self, seconds: float) -> None:
        """Defer unless something has answered within `seconds`."""
        loop = asyncio.get_running_loop()
        self._timer = loop.call_later(seconds, self.defer_soon)

    def defer_soon(self) -> None:
        """Defer now, alongside whatever the handler is doing (a no-op once answered)."""
        if self._timer is not None:
            self._timer.cancel()
        if self._deferral is None and self._state is _State.NEW:
            self._deferral = asyncio.create_task(self.defer())

    async def defer(self) -> None:
        async with self._lock:
            if self._state is not _State.NEW:
                return
            response = self._interaction.response
            if self._on_message:
                await response.defer()
                self._leave(_State.DEFERRED_UPDATE)
            else:
                await response.defer(ephemeral=self._ephemeral(self._private), thinking=True)
                self._leave(_State.THINKING)

    async def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._deferral is not None:
            with contextlib.suppress(Exception):
                await self._deferral
        self._done_waiting()

    def _ephemeral(self, private: bool) -> bool:
        return self._in_server and (private or self._private)

    async def send(self, message: Message) -> MessageRef:
        pages = render(message)
        ephemeral = self._ephemeral(message.private)
        async with self._lock:
            ref = await self._first(pages[0], message.replace, ephemeral)
        for page in pages[1:]:
            await self._follow_up(page, ephemeral)
        return ref

    async def _first(self, page: Page, replace: bool, ephemeral: bool) -> MessageRef:
        interaction = self._interaction
        state = self._state
        if state is _State.FORM:
            raise RuntimeError("this interaction was answered with a form")
        if state is _State.NEW and replace and self._on_message:
            await interaction.response.edit_message(**_edit(page))
        elif state is _State.NEW:
            await interaction.response.send_message(**_new(page), ephemeral=ephemeral)
        elif state is _State.THINKING or (state is _State.DEFERRED_UPDATE and replace):
            await interaction.edit_original_response(**_edit(page))
        else:
            return await self._follow_up(page, ephemeral)
        self._leave(_State.ANSWERED)
        return self._ref(ORIGINAL)

    async def _follow_up(self, page: Page, ephemeral: bool) -> MessageRef:
        self._leave(_State.ANSWERED)
        sent = await self._interaction.followup.send(**_new(page), ephemeral=ephemeral, wait=True)
        return self._ref(str(sent.id))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        page = render_one(message)
        if ref.message_id == ORIGINAL:
            await self._interaction.edit_original_response(**_edit(page))
        else:
            await self._interaction.followup.edit_message(int(ref.message_id), **_edit(page))

    async def form(self, form: Form) -> bool:
        interaction = self._interaction
        # Discord does not let a form answer a form.
        if interaction.type is discord.InteractionType.modal_submit:
            return False
        async with self._lock:
            if self._state is not _State.NEW:
                return False
            await interaction.response.send_modal(form_modal(form))
            self._leave(_State.FORM)
        return True

    def _ref(self, message_id: str) -> MessageRef:
        return MessageRef(PLATFORM, str(self._interaction.channel_id or ""), message_id)


class ChannelReplier:
    """Answers a plain message in a DM with the bot: new messages in that channel, edited in
    place as an answer grows. There are no forms outside interactions."""

    def __init__(self, channel: discord.abc.Messageable, channel_id: int) -> None:
        self._channel = channel
        self._channel_id = channel_id

    async def send(self, message: Message) -> MessageRef:
        first: discord.Message | None = None
        for page in render(message):
            sent = await self._channel.send(**_new(page))
            first = first or sent
        assert first is not None
        return MessageRef(PLATFORM, str(self._channel_id), str(first.id))

    async def edit(self, ref: MessageRef, message: Message) -> None:
        target = discord.PartialMessage(channel=self._channel, id=int(ref.message_id))
        await target.edit(**_edit(render_one(message)))

    async def form(self, form: Form) -> bool:
        return False


def _new(page: Page) -> dict[str, Any]:
    return {
        "embeds": page.embeds,
        "view": page.view or MISSING,
        "files": page.files or MISSING,
        "allowed_mentions": NO_MENTIONS,
    }


def _edit(page: Page) -> dict[str, Any]:
    # view=None takes the old buttons away: an answer without choices leaves none behind.
    return {
        "embeds": page.embeds,
        "view": page.view,
        "attachments": page.files or MISSING,
        "allowed_mentions": NO_MENTIONS,
    }
