"""The stand-in Discord's REST API: login, application info, command sync, DM channels and
messages, interaction callbacks and their webhook follow-ups and edits, and scripted 429s."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.testing.discord.payloads import (
    ACK_DEADLINE,
    APP_ID,
    BOT,
    EPHEMERAL,
    LOADING,
    TOKEN,
    User,
    application,
    message_payload,
    now,
)

if TYPE_CHECKING:
    from bot.testing.discord.server import FakeDiscord

MESSAGE_CALLBACKS = {4, 7}


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    at: float


class Rest:
    def __init__(self, discord: FakeDiscord) -> None:
        self.discord = discord
        self._nonces: dict[str, int] = {}

    async def handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body = await _body(request)
        self.discord.requests.append(
            Received(request.method, path, dict(request.query), body, time.perf_counter())
        )
        if request.headers.get("Authorization") not in (f"Bot {TOKEN}", None):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        limited = self._rate_limited(path)
        if limited is not None:
            return limited
        return await self._route(request.method, path, body)

    def _rate_limited(self, path: str) -> web.Response | None:
        if not self.discord.rate_limits or not path.startswith(self.discord.rate_limits[0][0]):
            return None
        _, retry_after = self.discord.rate_limits.popleft()
        # discord.py takes a 429 without a Via header for a Cloudflare ban.
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(retry_after),
            "X-RateLimit-Scope": "user",
        }
        body = {
            "message": "You are being rate limited.",
            "retry_after": retry_after,
            "global": False,
        }
        return _json(body, 429, headers)

    async def _route(self, method: str, path: str, body: Any) -> web.Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me" and method == "GET":
            await asyncio.sleep(self.discord.login_delay)
            return _json(BOT)
        if path == "/oauth2/applications/@me":
            return _json(application())
        if path in ("/gateway", "/gateway/bot"):
            return _json({"url": self.discord.gateway_url, "shards": 1})
        if parts[0] == "applications" and method == "PUT":
            return self._sync(parts, body)
        if path == "/users/@me/channels" and method == "POST":
            channel = await self.dm_channel(int(body["recipient_id"]))
            user = User(int(body["recipient_id"]), "member").payload()
            return _json({"id": str(channel), "type": 1, "recipients": [user]})
        if parts[0] == "channels" and parts[2:] == ["messages"] and method == "POST":
            return self._channel_message(int(parts[1]), body)
        if parts[0] == "channels" and parts[2:3] == ["messages"] and method == "PATCH":
            message = self.discord.messages.get(int(parts[3]))
            if message is None:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            _update(message, body)
            return _json(message)
        if parts[0] == "interactions" and parts[-1] == "callback":
            return self._callback(parts[2], body)
        if parts[0] == "webhooks":
            return self._webhook(method, parts[2], parts[3:], body)
        return _json({"message": f"404: Not Found ({method} {path})", "code": 0}, 404)

    def _sync(self, parts: list[str], body: list[dict[str, Any]]) -> web.Response:
        scope = parts[3] if len(parts) > 3 and parts[2] == "guilds" else "global"
        self.discord.commands[scope] = body
        answered = [
            {
                **command,
                "id": str(self.discord.new_id()),
                "application_id": str(APP_ID),
                "version": "1",
            }
            for command in body
        ]
        if scope != "global":
            for command in answered:
                command["guild_id"] = scope
        return _json(answered)

    async def dm_channel(self, user_id: int) -> int:
        if user_id not in self.discord.dm_channels:
            self.discord.dm_channels[user_id] = self.discord.new_id()
        return self.discord.dm_channels[user_id]

    def _channel_message(self, channel_id: int, body: dict[str, Any]) -> web.Response:
        recipient = next((u for u, c in self.discord.dm_channels.items() if c == channel_id), None)
        if recipient in self.discord.closed_dms:
            refused = {"message": "Cannot send messages to this user", "code": 50007}
            return _json(refused, 403)
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce") and nonce in self._nonces:
            # Discord answers a repeated nonce with the message it created the first time.
            return _json(self.discord.messages[self._nonces[nonce]])
        message = self.store(channel_id, body)
        if nonce is not None:
            self._nonces[nonce] = int(message["id"])
        return _json(message)

    def _callback(self, token: str, body: dict[str, Any]) -> web.Response:
        interaction = self.discord.interactions.get(token)
        if interaction is None:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        at = time.perf_counter()
        if interaction.callbacks:
            refused = {"message": "Interaction has already been acknowledged.", "code": 40060}
            return _json(refused, 400)
        if at - interaction.dispatched_at > ACK_DEADLINE:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        interaction.callbacks.append(body)
        interaction.acked_at = at
        kind, data = body["type"], body.get("data") or {}
        channel = int(interaction.payload["channel_id"])
        message = None
        if kind == 4:
            message = self.store(channel, data, interaction=True)
        elif kind == 5:
            flags = LOADING | (data.get("flags", 0) & EPHEMERAL)
            message = self.store(channel, {"flags": flags}, interaction=True)
        elif kind in (6, 7) and interaction.message_id is not None:
            message = self.discord.messages[interaction.message_id]
            if kind == 7:
                _update(message, data)
        if message is not None:
            interaction.original_id = int(message["id"])
        answer: dict[str, Any] = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "response_message_id": message["id"] if message else None,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": bool((message or {}).get("flags", 0) & EPHEMERAL),
            },
            "resource": {"type": kind, **({"message": message} if message else {})},
        }
        return _json(answer)

    def _webhook(self, method: str, token: str, rest: list[str], body: Any) -> web.Response:
        interaction = self.discord.interactions.get(token)
        if interaction is None or not interaction.callbacks:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        channel = int(interaction.payload["channel_id"])
        if method == "POST" and not rest:
            message = self.store(channel, body, interaction=True)
            interaction.followups.append(int(message["id"]))
            return _json(message)
        if method == "PATCH" and rest[:1] == ["messages"]:
            target = interaction.original_id if rest[1] == "@original" else int(rest[1])
            if target not in self.discord.messages:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            interaction.edits.append(body)
            message = self.discord.messages[target]
            _update(message, body)
            message["flags"] = message.get("flags", 0) & ~LOADING
            return _json(message)
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def store(
        self, channel_id: int, body: dict[str, Any], *, interaction: bool = False
    ) -> dict[str, Any]:
        message_id = self.discord.new_id()
        message = message_payload(
            message_id,
            channel_id,
            BOT,
            content=body.get("content") or "",
            embeds=body.get("embeds", []),
            components=body.get("components", []),
            type=20 if interaction else 0,
            flags=body.get("flags", 0),
            nonce=body.get("nonce"),
        )
        if interaction:
            message["webhook_id"] = str(APP_ID)
            message["application_id"] = str(APP_ID)
        self.discord.messages[message_id] = message
        return message


def _update(message: dict[str, Any], body: dict[str, Any]) -> None:
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] if body[key] is not None else []
    message["edited_timestamp"] = now()


async def _body(request: web.Request) -> Any:
    if not request.can_read_body:
        return None
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        return json.loads(str(form.get("payload_json", "{}")))
    try:
        return await request.json()
    except json.JSONDecodeError:
        return await request.text()


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # Exactly `application/json`: discord.py reads any other content type as text.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
