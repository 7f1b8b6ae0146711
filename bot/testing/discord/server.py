"""A local stand-in for Discord on 127.0.0.1: the REST API discord.py calls and the gateway.

The real bot, through discord.py itself, talks to it when DISCORD_API_BASE_URL and
DISCORD_GATEWAY_URL point here. It keeps messages, DM channels and interactions the way Discord
does (an interaction answered twice, or after three seconds, is refused), records every request
and every gateway frame it receives, and lets a test act as members: slash commands, clicks on
the buttons of messages it holds, form submissions and autocomplete, dispatched on the gateway
as INTERACTION_CREATE. JSON goes out as exactly `application/json`, which is what discord.py
parses.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.testing.discord.gateway import Gateway
from bot.testing.discord.payloads import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    LOADING,
    MANAGE_GUILD,
    MEMBER_PERMISSIONS,
    MODERATOR_ROLE,
    TOKEN,
    User,
    message_payload,
    now,
    text_channel,
)
from bot.testing.discord.rest import MESSAGE_CALLBACKS, Received, Rest


@dataclass
class Interaction:
    """One interaction dispatched to the bot, and everything the bot answered to it."""

    id: int
    token: str
    payload: dict[str, Any]
    dispatched_at: float
    message_id: int | None = None
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    acked_at: float | None = None
    original_id: int | None = None
    followups: list[int] = field(default_factory=list)
    edits: list[dict[str, Any]] = field(default_factory=list)

    @property
    def callback_type(self) -> int | None:
        return self.callbacks[0]["type"] if self.callbacks else None


class FakeDiscord:
    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.interactions: dict[str, Interaction] = {}
        self.dm_channels: dict[int, int] = {}
        self.closed_dms: set[int] = set()
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.files: dict[int, bytes] = {}
        # Seconds the login (GET /users/@me) takes to answer.
        self.login_delay = 0.0
        # (path prefix, retry_after): the next requests under the prefix get a 429.
        self.rate_limits: deque[tuple[str, float]] = deque()
        self.gateway = Gateway(self)
        self.rest = Rest(self)
        self._ids = itertools.count(1_300_000_000_000_000_000)
        self._runner: web.AppRunner | None = None
        self.base = ""
        self.api_base_url = ""
        self.gateway_url = ""

    # Setting up ---------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/v10/{tail:.*}", self.rest.handle)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_get("/attachments/{id}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"127.0.0.1:{port}"
        self.api_base_url = f"http://{self.base}/api/v10"
        self.gateway_url = f"ws://{self.base}/gateway"
        return self

    async def close(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def env(self) -> dict[str, str]:
        """The settings that point a bot here."""
        return {
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE_URL": self.api_base_url,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "DISCORD_MODERATOR_ROLE_ID": str(MODERATOR_ROLE),
        }

    def new_id(self) -> int:
        return next(self._ids)

    def upload(self, filename: str, data: bytes, content_type: str = "") -> dict[str, Any]:
        """A file a member attaches to a command, as Discord describes it; its URL serves it."""
        file_id = self.new_id()
        self.files[file_id] = data
        url = f"http://{self.base}/attachments/{file_id}/{filename}"
        return {
            "id": str(file_id),
            "filename": filename,
            "size": len(data),
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
        }

    async def earlier_message(self, buttons: dict[str, str], dm: User | None = None) -> int:
        """A message the bot sent in an earlier run, in the server channel or a member's DM,
        with buttons (label: custom id); only Discord remembers it."""
        channel = await self.rest.dm_channel(dm.id) if dm else CHANNEL_ID
        row = [
            {"type": 2, "style": 1, "label": label, "custom_id": custom_id}
            for label, custom_id in buttons.items()
        ]
        return int(self.rest.store(channel, {"components": [{"type": 1, "components": row}]})["id"])

    async def _download(self, request: web.Request) -> web.Response:
        return web.Response(body=self.files[int(request.match_info["id"])])

    # Acting as members --------------------------------------------------------------------

    async def slash(
        self, user: User, group: str, name: str, *, dm: bool = False, **options: Any
    ) -> Interaction:
        data: dict[str, Any] = {
            "id": str(APP_ID + 1),
            "name": group,
            "type": 1,
            "options": [{"type": 1, "name": name, "options": _options(options)}],
        }
        files = {v["id"]: v for v in options.values() if isinstance(v, dict)}
        if files:
            data["resolved"] = {"attachments": files}
        return await self._interact(user, 2, data, dm=dm)

    async def autocomplete(
        self, user: User, group: str, name: str, option: str, typed: str
    ) -> Interaction:
        focused = {"type": 3, "name": option, "value": typed, "focused": True}
        data = {
            "id": str(APP_ID + 1),
            "name": group,
            "type": 1,
            "options": [{"type": 1, "name": name, "options": [focused]}],
        }
        return await self._interact(user, 4, data)

    async def click(self, user: User, message_id: int, label: str) -> Interaction:
        """Click the button labelled `label` on a message the bot sent."""
        message = self.messages[message_id]
        component = _find(message.get("components", []), label)
        if component is None:
            raise AssertionError(f"no button {label!r} on message {message_id}: {message}")
        data = {"custom_id": component["custom_id"], "component_type": component["type"]}
        if component["type"] == 3:
            data["values"] = [label]
        dm = message["channel_id"] != str(CHANNEL_ID)
        return await self._interact(user, 3, data, dm=dm, message=message)

    async def submit(
        self, user: User, custom_id: str, fields: dict[str, str], message_id: int | None = None
    ) -> Interaction:
        rows = [
            {"type": 18, "component": {"type": 4, "custom_id": key, "value": value}}
            for key, value in fields.items()
        ]
        data = {"custom_id": custom_id, "components": rows}
        message = self.messages.get(message_id) if message_id else None
        dm = message is not None and message["channel_id"] != str(CHANNEL_ID)
        return await self._interact(user, 5, data, dm=dm, message=message)

    async def direct_message(self, user: User, content: str) -> int:
        """The member writes a plain message in their DM with the bot; returns its channel."""
        channel = await self.rest.dm_channel(user.id)
        payload = message_payload(self.new_id(), channel, user.payload(), content=content)
        await self.gateway.dispatch("MESSAGE_CREATE", payload)
        return channel

    async def _interact(
        self,
        user: User,
        kind: int,
        data: dict[str, Any],
        *,
        dm: bool = False,
        message: dict[str, Any] | None = None,
    ) -> Interaction:
        interaction_id = self.new_id()
        token = f"token{interaction_id}"
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(APP_ID),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "locale": "en-GB",
            "app_permissions": str(MEMBER_PERMISSIONS),
            "entitlements": [],
            "attachment_size_limit": 25 * 1024 * 1024,
        }
        if dm:
            channel = await self.rest.dm_channel(user.id)
            payload.update(channel_id=str(channel), user=user.payload(), context=1)
            payload["channel"] = {"id": str(channel), "type": 1, "recipients": [user.payload()]}
            payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
        else:
            permissions = MEMBER_PERMISSIONS | (MANAGE_GUILD if user.manage_guild else 0)
            payload.update(guild_id=str(GUILD_ID), channel_id=str(CHANNEL_ID), context=0)
            payload["channel"] = text_channel()
            payload["guild"] = {"id": str(GUILD_ID), "locale": "en-GB", "features": []}
            payload["authorizing_integration_owners"] = {"0": str(GUILD_ID)}
            payload["member"] = {
                "user": user.payload(),
                "roles": [str(r) for r in user.roles],
                "permissions": str(permissions),
                "joined_at": now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        if message is not None:
            payload["message"] = message
        record = Interaction(interaction_id, token, payload, time.perf_counter())
        record.message_id = int(message["id"]) if message else None
        self.interactions[token] = record
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return record

    # Waiting and reading ------------------------------------------------------------------

    async def wait_for(self, condition, what: str = "", seconds: float = 10.0) -> Any:
        """Poll `condition` until it returns something true."""
        deadline = time.monotonic() + seconds
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or condition}")
            await asyncio.sleep(0.01)

    async def answered(self, interaction: Interaction) -> Interaction:
        await self.wait_for(lambda: interaction.callbacks, f"an answer to {interaction.payload}")
        return interaction

    async def answer(self, interaction: Interaction) -> dict[str, Any]:
        """The interaction's answer as the member ends up seeing it: after a deferral, once
        the "thinking…" placeholder has been filled in."""
        await self.answered(interaction)

        def filled() -> dict[str, Any] | None:
            message = self.original(interaction)
            return None if message.get("flags", 0) & LOADING else message

        return await self.wait_for(filled, f"the answer to {interaction.payload['data']}")

    def original(self, interaction: Interaction) -> dict[str, Any]:
        assert interaction.original_id is not None, interaction.callbacks
        return self.messages[interaction.original_id]

    def dms(self, user: User) -> list[dict[str, Any]]:
        channel = self.dm_channels.get(user.id)
        return [m for m in self.messages.values() if m["channel_id"] == str(channel)]

    def message_payloads(self) -> list[dict[str, Any]]:
        """Every body the bot sent that carries a message: responses, follow-ups, edits, DMs."""
        bodies: list[dict[str, Any]] = []
        for request in self.requests:
            body = request.body if isinstance(request.body, dict) else None
            if body is None:
                continue
            if request.path.endswith("/callback"):
                if body.get("type") in MESSAGE_CALLBACKS:
                    bodies.append(body["data"])
            elif request.method in ("POST", "PATCH") and (
                request.path.startswith("/webhooks/") or "/messages" in request.path
            ):
                bodies.append(body)
        return bodies


def _options(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Keyword arguments as command options; an uploaded file (a dict) is an attachment."""
    kinds = {str: 3, int: 4, bool: 5, dict: 11}
    return [
        {
            "type": kinds[type(value)],
            "name": name.replace("_", "-"),
            "value": value["id"] if isinstance(value, dict) else value,
        }
        for name, value in values.items()
    ]


def _find(rows: list[dict[str, Any]], label: str) -> dict[str, Any] | None:
    for row in rows:
        for component in row.get("components", []):
            if component.get("label") == label:
                return component
            options = component.get("options") or []
            if any(option.get("value") == label for option in options):
                return component
    return None


def labels(message: dict[str, Any]) -> list[str]:
    """The labels of a message's buttons (and the values of its select options)."""
    found = []
    for row in message.get("components", []):
        for component in row["components"]:
            found.append(component.get("label", ""))
            found.extend(o["value"] for o in component.get("options", []))
    return found


def text(message: dict[str, Any]) -> str:
    """A message's embed titles and descriptions, as a member reads them."""
    return "\n".join(
        f"{e.get('title', '')}\n{e.get('description', '')}" for e in message.get("embeds", [])
    )
