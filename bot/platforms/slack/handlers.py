"""Bolt's listeners: each acknowledges Slack at once, then turns the request into a core call.

Slash commands, button clicks and selects, form submissions, the home tab opening and messages
in the bot's DM all end in the Router; the answers go through a `SlackReplier`. Nothing here
decides anything a member sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncIterator, Iterator
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.core.commands import Command, Kind, Router
from bot.core.commands.registry import MENTOR
from bot.core.messages import Action, Attachment, MessageRef
from bot.core.ports import Caller
from bot.platforms.slack.blocks import LINK, action_of
from bot.platforms.slack.home import HomeTab
from bot.platforms.slack.people import People
from bot.platforms.slack.replier import EPHEMERAL, PLATFORM, SlackReplier, Where
from bot.platforms.slack.views import COMMAND_FORM, command_form, file_needs_a_command
from bot.platforms.slack.web import SlackWeb
from bot.platforms.turnstile import Turnstile

log = logging.getLogger(__name__)

HELP = "help"
ASK = "ask"
_ANY = re.compile(".+")
DMS_KEPT = 10_000
# How long answering waits at most for other requests' acknowledgements, and how far apart
# the requests of one burst may arrive.
ACK_PATIENCE = 1.0
ACK_SETTLE = 0.02


class AckFirst:
    """Slack waits for acknowledgements (three seconds at most), not for answers: the work after
    an acknowledgement starts once no other request is still waiting for its own, so a burst of
    requests is acknowledged before any of them is answered, and then one request's work at a
    time per trip around the event loop (bot/platforms/turnstile.py)."""

    def __init__(self, patience: float = ACK_PATIENCE, settle: float = ACK_SETTLE) -> None:
        self.settle = settle
        self._waiting = 0
        self._quiet = True
        self._opening: asyncio.TimerHandle | None = None
        self._turnstile = Turnstile(hold=lambda: not self._quiet, longest_hold=patience)

    @contextlib.contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around one request, from its arrival until Slack has its acknowledgement."""
        self._waiting += 1
        self._quiet = False
        if self._opening is not None:
            self._opening.cancel()
            self._opening = None
        try:
            yield
        finally:
            self._waiting -= 1
            if self._waiting == 0:
                # The requests of a burst arrive a little apart: answering starts once none
                # has come for a moment, not in the first gap.
                loop = asyncio.get_running_loop()
                self._opening = loop.call_later(self.settle, self._settled)

    def _settled(self) -> None:
        self._quiet = True
        self._turnstile.nudge()

    async def turn(self) -> None:
        await self._turnstile.wait()


class Handlers:
    """The listeners registered on the Bolt app, and the work they leave running."""

    def __init__(self, router: Router, web: SlackWeb, people: People, home: HomeTab) -> None:
        self.router = router
        self.web = web
        self.people = people
        self.home = home
        # Work still running after its acknowledgement; a clean stop lets it finish.
        self.running: set[asyncio.Task] = set()
        self._dms: dict[str, str] = {}
        self.acks = AckFirst()

    def register(self, bolt: AsyncApp) -> None:
        for group in sorted({c.group for c in self.router.commands}):
            bolt.command(f"/{group}")(self.command)
        bolt.action(_ANY)(self.action)
        bolt.view_submission(_ANY)(self.view_submission)
        bolt.event("app_home_opened")(self.home_opened)
        bolt.event("message")(self.message)

    async def command(self, ack: Any, body: dict[str, Any]) -> None:
        """`/mentor <subcommand> …`; `/mentor` alone is help."""
        await ack()
        async with self._work():
            group = body["command"].lstrip("/")
            name, _, args = (body.get("text") or "").strip().partition(" ")
            if not name:
                group, name = self._help_group(group), HELP
            caller = await self.people.caller(
                body.get("team_id", ""), body["user_id"], body.get("user_name", "")
            )
            command = self.router.find(group, name.lower())
            where = Where(
                caller.user_id,
                response_url=body.get("response_url"),
                channel=await self._bot_dm(body),
                trigger_id=body.get("trigger_id"),
                private=command.private if command else True,
            )
            reply = self._replier(where)
            if _needs_a_file(command, caller) and await reply.form(command_form(command, args)):
                return
            await self.router.command(caller, group, name, args.strip(), reply)
            await self.home.publish(caller)

    async def action(self, ack: Any, body: dict[str, Any]) -> None:
        """A button or a select in a message or in the home tab."""
        await ack()
        async with self._work():
            picked = (body.get("actions") or [{}])[0]
            act = action_of(picked.get("action_id", ""))
            if act == LINK:
                return
            value = picked.get("value") or (picked.get("selected_option") or {}).get("value", "")
            origin = _origin(body.get("container") or {})
            caller = await self._caller(body)
            where = Where(
                caller.user_id,
                response_url=body.get("response_url"),
                channel=_dm_channel(origin),
                origin=origin,
                trigger_id=body.get("trigger_id"),
            )
            await self.router.action(
                caller, Action(act, value, origin=origin), self._replier(where)
            )
            await self.home.publish(caller)

    async def view_submission(self, ack: Any, body: dict[str, Any]) -> None:
        """A submitted form; its answer goes where the command that opened it was answered."""
        await ack()
        async with self._work():
            view = body["view"]
            sent_from = _metadata(view.get("private_metadata"))
            fields: dict[str, str] = {}
            attachments: list[Attachment] = []
            for block_id, inputs in ((view.get("state") or {}).get("values") or {}).items():
                for state in inputs.values():
                    if state.get("type") == "file_input":
                        attachments += [self.attachment(f) for f in state.get("files") or []]
                    else:
                        fields[block_id] = state.get("value") or ""
            caller = await self._caller(body)
            where = Where(
                caller.user_id, response_url=sent_from.get("r"), channel=sent_from.get("c")
            )
            reply = self._replier(where)
            value = sent_from.get("v", "")
            if view.get("callback_id") == COMMAND_FORM:
                # A command's parameters, asked for because the command takes a file.
                group, _, name = value.partition(" ")
                command = self.router.find(group, name)
                params = command.params if command else ()
                # Joined back into the line a text platform would have typed, in params order.
                args = " ".join(fields[p.name].strip() for p in params if fields.get(p.name))
                await self.router.command(caller, group, name, args, reply, tuple(attachments))
            else:
                action = Action(view.get("callback_id", ""), value, fields, tuple(attachments))
                await self.router.action(caller, action, reply)
            await self.home.publish(caller)

    async def home_opened(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab") != "home":
            return
        async with self._work():
            await self.home.publish(
                await self.people.caller(body.get("team_id", ""), event["user"])
            )

    async def message(self, event: dict[str, Any], body: dict[str, Any]) -> None:
        """A message in the bot's DM: a question for the mentor, or a file for a command."""
        if (
            event.get("channel_type") != "im"
            or event.get("bot_id")
            or event.get("subtype") not in (None, "file_share")
        ):
            return
        async with self._work():
            caller = await self.people.caller(body.get("team_id", ""), event["user"])
            reply = self._replier(Where(caller.user_id, channel=event["channel"]))
            text = (event.get("text") or "").strip()
            if event.get("files"):
                await self._files(caller, text, tuple(map(self.attachment, event["files"])), reply)
            elif text:
                await self.router.command(caller, MENTOR, ASK, text, reply)

    async def _files(
        self, caller: Caller, text: str, attachments: tuple[Attachment, ...], reply: SlackReplier
    ) -> None:
        """Files shared with a command line as their message (`mentor-admin publish`)."""
        group, _, rest = text.lstrip("/").partition(" ")
        name, _, args = rest.strip().partition(" ")
        if self.router.find(group, name.lower()) is None:
            await reply.send(file_needs_a_command(self.router.commands))
            return
        await self.router.command(caller, group, name, args.strip(), reply, attachments)

    def attachment(self, file: dict[str, Any]) -> Attachment:
        return Attachment(
            name=file.get("name") or file.get("title") or file.get("id", "file"),
            size=int(file.get("size") or 0),
            content_type=file.get("mimetype") or "application/octet-stream",
            read=partial(self._download, file),
        )

    async def _download(self, file: dict[str, Any]) -> bytes:
        url = file.get("url_private_download") or file.get("url_private")
        if not url:
            info = await self.web.client.files_info(file=file["id"])
            url = info["file"]["url_private_download"]
        return await self.web.download(url)

    async def _caller(self, body: dict[str, Any]) -> Caller:
        user = body.get("user") or {}
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        return await self.people.caller(team, user["id"], user.get("username", ""))

    async def _bot_dm(self, body: dict[str, Any]) -> str | None:
        """The command's channel when it is the member's DM with the bot, where answers can be
        real messages; None elsewhere (a channel, a DM between people)."""
        channel = body.get("channel_id")
        if body.get("channel_name") != "directmessage" or not channel:
            return None
        user = body["user_id"]
        if user not in self._dms:
            opened = await self.web.client.conversations_open(users=user)
            if len(self._dms) >= DMS_KEPT:
                self._dms.clear()
            self._dms[user] = opened["channel"]["id"]
        return channel if self._dms[user] == channel else None

    def _help_group(self, group: str) -> str:
        helps = [c.group for c in self.router.commands if c.name == HELP]
        return group if group in helps else (helps[0] if helps else group)

    def _replier(self, where: Where) -> SlackReplier:
        return SlackReplier(self.web, where)

    @contextlib.asynccontextmanager
    async def _work(self) -> AsyncIterator[None]:
        """Runs after the acknowledgement: tracked for a clean stop, failures logged."""
        task = asyncio.current_task()
        if task is not None:
            self.running.add(task)
        try:
            await self.acks.turn()
            yield
        except Exception:
            log.exception("a Slack request failed after it was acknowledged")
        finally:
            self.running.discard(task)


def _needs_a_file(command: Command | None, caller: Caller) -> bool:
    """A command a slash command cannot carry: it takes a file (a moderator's publish)."""
    if command is None or (command.moderator and not caller.is_moderator):
        return False
    return any(p.kind == Kind.ATTACHMENT and p.required for p in command.params)


def _origin(container: dict[str, Any]) -> MessageRef | None:
    if container.get("type") != "message" or not container.get("message_ts"):
        return None
    extra = {EPHEMERAL: "1"} if container.get("is_ephemeral") else {}
    return MessageRef(PLATFORM, container.get("channel_id", ""), container["message_ts"], extra)


def _dm_channel(origin: MessageRef | None) -> str | None:
    """A clicked message the bot posted in a DM: answers to the click go there too."""
    if origin is None or origin.extra.get(EPHEMERAL) or not origin.channel_id.startswith("D"):
        return None
    return origin.channel_id


def _metadata(text: str | None) -> dict[str, Any]:
    try:
        found = json.loads(text or "{}")
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
