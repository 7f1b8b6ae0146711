"""A local stand-in for Slack on 127.0.0.1: the Web API, response_urls, file downloads and the
Socket Mode websocket, as bolt-python's own tests do it.

The bot reaches it through SLACK_API_URL with the real slack-sdk; it records every call and
answers like Slack (ok/error bodies, 429 with Retry-After, DM channels, message metadata in
conversations.history). Tests send the bot signed requests as Slack would (`signed`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
SIGNING_SECRET = "test-signing-secret"
TEAM = "T0TEST"
BOT_USER = "UBOT"


def user(
    user_id: str,
    name: str,
    tz: str = "Europe/Berlin",
    *,
    admin: bool = False,
    owner: bool = False,
) -> dict[str, Any]:
    return {
        "id": user_id,
        "team_id": TEAM,
        "name": name.lower(),
        "real_name": name,
        "tz": tz,
        "is_admin": admin,
        "is_owner": owner,
        "profile": {"display_name": name, "real_name": name},
    }


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    token: str | None
    at: float


@dataclass
class FakeSlack:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # response_url id -> the bodies posted to it
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    # Files the bot uploaded: file id -> (name, bytes); shared once completed.
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    # method -> Retry-After seconds of each 429 still to answer
    limited: dict[str, list[int]] = field(default_factory=dict)
    # user id -> the error chat.postMessage answers for their DM
    refusals: dict[str, str] = field(default_factory=dict)
    socket_replies: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ts = itertools.count(1)
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._sockets: list[web.WebSocketResponse] = []
        self.base_url = ""
        self.changed = asyncio.Event()

    async def __aenter__(self) -> FakeSlack:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_get("/files/{id}", self._file)
        app.router.add_post("/upload/{id}", self._upload)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.root = f"http://127.0.0.1:{port}"
        self.base_url = f"{self.root}/api/"
        return self

    async def __aexit__(self, *exc: object) -> None:
        for ws in self._sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests look at --------------------------------------------------------------

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def response_url(self, name: str | None = None) -> str:
        name = name or f"r{next(self._ids)}"
        self.responses.setdefault(name, [])
        return f"{self.root}/respond/{name}"

    def posted(self, response_url: str) -> list[dict[str, Any]]:
        return self.responses[response_url.rsplit("/", 1)[1]]

    def dm(self, user_id: str) -> str:
        return "D" + user_id[1:]

    def rate_limit(self, method: str, *retry_after: int) -> None:
        self.limited.setdefault(method, []).extend(retry_after)

    def add_file(self, name: str, data: bytes) -> dict[str, Any]:
        file_id = f"F{next(self._ids)}"
        self.files[file_id] = data
        return {
            "id": file_id,
            "name": name,
            "size": len(data),
            "mimetype": "application/zip",
            "url_private_download": f"{self.root}/files/{file_id}",
        }

    async def wait_for(self, found: Callable[[], Any], within: float = 10.0) -> Any:
        """Until `found()` is truthy (the bot works after its acknowledgement)."""
        deadline = asyncio.get_running_loop().time() + within
        while not (result := found()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise AssertionError(f"timed out; calls so far: {[c.method for c in self.calls]}")
            self.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), min(remaining, 0.2))
        return result

    async def socket_send(self, envelope: dict[str, Any]) -> None:
        """Send an envelope down the Socket Mode connection the bot opened."""
        await self.wait_for(lambda: self._sockets)
        await self._sockets[-1].send_str(json.dumps(envelope))

    # -- the Web API -----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(await request.post())
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        self.calls.append(Call(method, args, token, time.monotonic()))
        self.changed.set()
        if self.limited.get(method):
            retry_after = self.limited[method].pop(0)
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(retry_after)},
            )
        expected = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        if token != expected:
            return _error("invalid_auth")
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": True})
        return answer(args)

    def _auth_test(self, args: dict[str, Any]) -> web.Response:
        return _ok(user_id=BOT_USER, user="mentorbot", team_id=TEAM, team="Test team")

    def _apps_connections_open(self, args: dict[str, Any]) -> web.Response:
        return _ok(url=self.root.replace("http", "ws") + "/link")

    def _users_info(self, args: dict[str, Any]) -> web.Response:
        found = self.users.get(args.get("user", ""))
        return _ok(user=found) if found else _error("user_not_found")

    def _conversations_open(self, args: dict[str, Any]) -> web.Response:
        user_id = args.get("users", "")
        if user_id not in self.users:
            return _error("user_not_found")
        return _ok(channel={"id": self.dm(user_id)})

    def _chat_postMessage(self, args: dict[str, Any]) -> web.Response:
        channel = args["channel"]
        if channel.startswith("U"):
            if channel in self.refusals:
                return _error(self.refusals[channel])
            channel = self.dm(channel)
        message = {"type": "message", "user": BOT_USER, "ts": self._next_ts(), **args}
        message["channel"] = channel
        self.history.setdefault(channel, []).append(message)
        return _ok(channel=channel, ts=message["ts"], message=message)

    def _chat_update(self, args: dict[str, Any]) -> web.Response:
        for message in self.history.get(args["channel"], []):
            if message["ts"] == args["ts"]:
                message.update(text=args.get("text"), blocks=args.get("blocks"))
                return _ok(channel=args["channel"], ts=args["ts"])
        return _error("message_not_found")

    def _conversations_history(self, args: dict[str, Any]) -> web.Response:
        limit = int(args.get("limit", 100))
        with_metadata = str(args.get("include_all_metadata")) in ("1", "true", "True")
        messages = list(reversed(self.history.get(args["channel"], [])))[:limit]
        shown = [{k: v for k, v in m.items() if with_metadata or k != "metadata"} for m in messages]
        return _ok(messages=shown, has_more=False)

    def _views_open(self, args: dict[str, Any]) -> web.Response:
        return _ok(view={"id": f"V{next(self._ids)}", **args["view"]})

    def _views_publish(self, args: dict[str, Any]) -> web.Response:
        return _ok(view={"id": f"V{next(self._ids)}", **args["view"]})

    def _files_getUploadURLExternal(self, args: dict[str, Any]) -> web.Response:
        file_id = f"F{next(self._ids)}"
        self.uploads[file_id] = (args["filename"], b"")
        return _ok(upload_url=f"{self.root}/upload/{file_id}", file_id=file_id)

    def _files_completeUploadExternal(self, args: dict[str, Any]) -> web.Response:
        files = json.loads(args["files"]) if isinstance(args["files"], str) else args["files"]
        return _ok(files=[{"id": f["id"], "title": f.get("title")} for f in files])

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    # -- response_url, files, Socket Mode ------------------------------------------------

    async def _respond(self, request: web.Request) -> web.Response:
        name = request.match_info["id"]
        if name not in self.responses:
            return web.Response(status=404, text="expired_url")
        self.responses[name].append(await request.json())
        self.changed.set()
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["id"]
        name, _ = self.uploads[file_id]
        self.uploads[file_id] = (name, await request.read())
        self.changed.set()
        return web.Response(text="OK - 200")

    async def _file(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.Response(status=403)
        return web.Response(body=self.files[request.match_info["id"]])

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1}))
        self.changed.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                self.socket_replies.append(json.loads(message.data))
                self.changed.set()
        return ws


def _ok(**fields: Any) -> web.Response:
    return web.json_response({"ok": True, **fields})


def _error(code: str) -> web.Response:
    return web.json_response({"ok": False, "error": code})


def signed(body: str, secret: str = SIGNING_SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: a v0 HMAC-SHA256 of timestamp and body."""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": "v0=" + digest.hexdigest()}


def command_fields(
    user_id: str, command: str, text: str, response_url: str, **extra: str
) -> dict[str, str]:
    """A slash command's fields as Slack sends them (a form over HTTP, JSON over the socket)."""
    return {
        "team_id": TEAM,
        "user_id": user_id,
        "user_name": user_id.lower(),
        "command": command,
        "text": text,
        "channel_id": "C0GENERAL",
        "channel_name": "general",
        "response_url": response_url,
        "trigger_id": f"trigger.{user_id}",
        **extra,
    }


def command_body(user_id: str, command: str, text: str, response_url: str, **extra: str) -> str:
    return urlencode(command_fields(user_id, command, text, response_url, **extra))


def interaction_body(payload: dict[str, Any]) -> str:
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any]) -> str:
    return json.dumps(
        {"type": "event_callback", "team_id": TEAM, "api_app_id": "A0TEST", "event": event}
    )
