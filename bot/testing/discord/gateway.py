"""The stand-in Discord's gateway: HELLO, IDENTIFY, READY and GUILD_CREATE, heartbeats and
their ACKs, RESUME, and the dispatches a test injects. Frames are plain JSON text, which
discord.py reads whatever compression it asked for."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from bot.testing.discord.payloads import APP_ID, BOT, GUILD_ID, guild_payload

if TYPE_CHECKING:
    from bot.testing.discord.server import FakeDiscord

HEARTBEAT_INTERVAL_MS = 41250
DISPATCH, HEARTBEAT, IDENTIFY, RESUME, HELLO, HEARTBEAT_ACK = 0, 1, 2, 6, 10, 11


@dataclass
class Frame:
    op: int
    data: Any
    at: float


class Gateway:
    def __init__(self, discord: FakeDiscord) -> None:
        self.discord = discord
        self.received: list[Frame] = []
        self.sockets: list[web.WebSocketResponse] = []
        self.sequence = 0
        # When READY went out, per connection, for start-up timing.
        self.ready_at: list[float] = []
        self._connected = asyncio.Event()

    @property
    def identified(self) -> list[Any]:
        return [f.data for f in self.received if f.op == IDENTIFY]

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(max_msg_size=0)
        await socket.prepare(request)
        await socket.send_str(
            json.dumps({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
        )
        try:
            async for frame in socket:
                if frame.type is not WSMsgType.TEXT:
                    break
                message = json.loads(frame.data)
                self.received.append(Frame(message["op"], message.get("d"), time.perf_counter()))
                await self._answer(socket, message["op"])
        finally:
            if socket in self.sockets:
                self.sockets.remove(socket)
            if not self.sockets:
                self._connected.clear()
        return socket

    async def _answer(self, socket: web.WebSocketResponse, op: int) -> None:
        if op == HEARTBEAT:
            await socket.send_str(json.dumps({"op": HEARTBEAT_ACK}))
        elif op == IDENTIFY:
            self.sockets.append(socket)
            await self._send(socket, "READY", self._ready())
            self.ready_at.append(time.perf_counter())
            await self._send(socket, "GUILD_CREATE", guild_payload())
            self._connected.set()
        elif op == RESUME:
            self.sockets.append(socket)
            await self._send(socket, "RESUMED", {})
            self._connected.set()

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": BOT,
            "guilds": [{"id": str(GUILD_ID), "unavailable": True}],
            "session_id": "fake-session",
            "resume_gateway_url": self.discord.gateway_url,
            "application": {"id": str(APP_ID), "flags": 0},
        }

    async def connected(self) -> None:
        async with asyncio.timeout(15):
            await self._connected.wait()

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.connected()
        for socket in list(self.sockets):
            await self._send(socket, event, data)

    async def _send(self, socket: web.WebSocketResponse, event: str, data: Any) -> None:
        self.sequence += 1
        frame = {"op": DISPATCH, "t": event, "s": self.sequence, "d": data}
        await socket.send_str(json.dumps(frame))

    async def close(self) -> None:
        for socket in list(self.sockets):
            await socket.close()
