"""Where one interaction's answers go in Slack.

A slash command in a channel is answered privately through its response_url. Messages that
have to be real Slack messages (a growing answer that is edited with chat.update, replies to a
click in the home tab or to a form) go to the member's DM with the bot. A click on a message
that asks to be replaced (the next quiz question) updates the clicked message.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.core.messages import Form, Message, MessageRef
from bot.platforms.slack import limits
from bot.platforms.slack.blocks import Rendered, modal, render, render_one
from bot.platforms.slack.views import answer_in_dm
from bot.platforms.slack.web import SlackWeb

log = logging.getLogger(__name__)

PLATFORM = "slack"
EPHEMERAL = "ephemeral"


@dataclass
class Where:
    """What Slack told us about an interaction that says where its answers may go."""

    user_id: str
    # Answers privately in the conversation the interaction came from.
    response_url: str | None = None
    # A conversation the bot posts real messages in (the member's DM with it).
    channel: str | None = None
    # The message whose button was clicked.
    origin: MessageRef | None = None
    # Lets the bot open a modal, for three seconds.
    trigger_id: str | None = None
    # Only the member sees the answers (every command's today).
    private: bool = True
    uses: int = field(default=0, compare=False)


class SlackReplier:
    def __init__(self, web: SlackWeb, where: Where) -> None:
        self.web = web
        self.where = where
        self._told_about_dm = False

    async def send(self, message: Message) -> MessageRef:
        where = self.where
        if message.replace and where.origin is not None:
            replaced = await self._replace(where.origin, message)
            if replaced is not None:
                return replaced
        if where.channel:
            return await self._post(where.channel, message)
        in_dm = _starts_stream(message) or bool(message.files)
        if not in_dm and where.response_url:
            ref = await self._respond(message, replace=False)
            if ref is not None:
                return ref
        ref = await self._post(where.user_id, message)
        if in_dm and where.response_url and not self._told_about_dm:
            self._told_about_dm = True
            await self._respond(answer_in_dm(), replace=False)
        return ref

    async def edit(self, ref: MessageRef, message: Message) -> None:
        if ref.channel_id == EPHEMERAL:
            if await self._respond(message, replace=True, url=ref.extra["response_url"]):
                return
            log.info("a private answer could not be updated; sending it again by DM")
            await self._post(self.where.user_id, message)
            return
        rendered = render_one(message)
        await self.web.client.chat_update(
            channel=ref.channel_id, ts=ref.message_id, text=rendered.text, blocks=rendered.blocks
        )

    async def form(self, form: Form) -> bool:
        where = self.where
        if not where.trigger_id:
            return False
        # The answer to the form goes where the command's answers went.
        metadata = json.dumps({"v": form.value, "r": where.response_url, "c": where.channel})
        if len(metadata) > limits.PRIVATE_METADATA_CHARS:
            metadata = json.dumps({"v": form.value[: limits.PRIVATE_METADATA_CHARS // 2]})
        try:
            await self.web.client.views_open(
                trigger_id=where.trigger_id, view=modal(form, metadata)
            )
        except SlackApiError as error:
            # An expired trigger (more than three seconds) gets the typed alternative instead.
            log.warning("could not open a form: %s", error.response.get("error"))
            return False
        return True

    async def _replace(self, origin: MessageRef, message: Message) -> MessageRef | None:
        if origin.extra.get(EPHEMERAL):
            if self.where.response_url:
                return await self._respond(message, replace=True)
            return None
        rendered = render_one(message)
        await self.web.client.chat_update(
            channel=origin.channel_id,
            ts=origin.message_id,
            text=rendered.text,
            blocks=rendered.blocks,
        )
        return origin

    async def _post(self, channel: str, message: Message) -> MessageRef:
        response = await self.web.post(channel, message)
        ref = MessageRef(PLATFORM, response["channel"], response["ts"])
        for file in message.files:
            await self.web.client.files_upload_v2(
                channel=ref.channel_id, content=file.data, filename=file.name, title=file.name
            )
        return ref

    async def _respond(
        self, message: Message, *, replace: bool, url: str | None = None
    ) -> MessageRef | None:
        """A private (or, for a public command, channel-wide) answer through the
        response_url; None once Slack stops taking it (five uses, 30 minutes)."""
        url = url or self.where.response_url
        pages = [render_one(message)] if replace else render(message)
        if url is None or self.where.uses + len(pages) > limits.RESPONSE_URL_USES:
            return None
        for page in pages:
            self.where.uses += 1
            if not await self.web.respond(url, self._body(page, replace)):
                return None
            replace = False
        return MessageRef(PLATFORM, EPHEMERAL, str(self.where.uses), {"response_url": url})

    def _body(self, page: Rendered, replace: bool) -> dict[str, Any]:
        return {
            "text": page.text,
            "blocks": page.blocks,
            "response_type": "ephemeral" if self.where.private else "in_channel",
            "replace_original": replace,
        }


def _starts_stream(message: Message) -> bool:
    """The empty start of an answer that grows by edits (the console reads it so too): it has
    to be a real message, as a private one takes only a few edits and no files."""
    return not message.body and not message.choices and not message.footer
