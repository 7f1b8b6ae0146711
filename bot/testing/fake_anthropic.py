"""A local stand-in for the Anthropic Messages API, streaming included, on 127.0.0.1.

Tests and the benchmark point the real SDK at it with ANTHROPIC_BASE_URL, so everything from the
SDK's HTTP stack down to our streaming code runs for real. It records every request it receives
and can be scripted, one reply per request: an HTTP error (429, 529…), an error event in the
middle of the stream, a long silence, or an answer with given text and token counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

DEFAULT_TEXT = (
    "Retrieval puts the right passages in the prompt [1]. If nothing relevant is found, "
    "say you don't know [1]."
)
ERROR_MESSAGES = {
    400: "invalid_request_error",
    401: "authentication_error",
    429: "rate_limit_error",
    500: "api_error",
    529: "overloaded_error",
}


@dataclass
class Reply:
    """What the server does with one request."""

    text: str = DEFAULT_TEXT
    # An HTTP error status instead of a stream (429, 529, 500, 401…).
    status: int = 200
    # Send `event: error` of this type after `fail_after` text deltas.
    fail_after: int | None = None
    error_type: str = "overloaded_error"
    # Seconds of silence before the response starts, and between events.
    hang: float = 0.0
    delay: float = 0.0
    chunk_chars: int = 12
    input_tokens: int = 1200
    output_tokens: int = 40
    cache_read_tokens: int = 0
    cache_write_tokens: int = 900
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    headers: dict[str, str]
    body: dict[str, Any]


class FakeAnthropic:
    def __init__(self, default: Reply | None = None) -> None:
        self.default = default or Reply()
        self.requests: list[Received] = []
        self._queue: deque[Reply] = deque()
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.base_url = ""

    def then(self, *replies: Reply) -> FakeAnthropic:
        """Answer the next requests with these, in order; then with the default again."""
        self._queue.extend(replies)
        return self

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/v1/messages", self._messages)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeAnthropic:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(Received(dict(request.headers), body))
        reply = self._queue.popleft() if self._queue else self.default
        if reply.hang:
            await self._pause(reply.hang)
        if reply.status != 200:
            return web.json_response(
                _error(ERROR_MESSAGES.get(reply.status, "api_error")),
                status=reply.status,
                headers=reply.headers,
            )
        response = web.StreamResponse(
            headers={"content-type": "text/event-stream", "request-id": "req_fake", **reply.headers}
        )
        try:
            await response.prepare(request)
        except ConnectionError:
            # The client gave up waiting (its timeout): nobody is left to answer.
            return response
        for name, data in _events(body.get("model", "claude"), reply):
            if reply.delay:
                await self._pause(reply.delay)
            if self._closing.is_set():
                break
            payload = f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
            try:
                await response.write(payload)
            except ConnectionError:
                break
        return response

    async def _pause(self, seconds: float) -> None:
        # A long silence ends early when the server closes, so tests never wait on it.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), seconds)


def _error(kind: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": kind.replace("_", " ")}}


def _events(model: str, reply: Reply) -> list[tuple[str, dict[str, Any]]]:
    usage = {
        "input_tokens": reply.input_tokens,
        "output_tokens": 1,
        "cache_read_input_tokens": reply.cache_read_tokens,
        "cache_creation_input_tokens": reply.cache_write_tokens,
    }
    message = {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "content": [],
        "model": model,
        "stop_reason": None,
        "stop_sequence": None,
        "usage": usage,
    }
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": message}),
        (
            "content_block_start",
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "text", "text": ""},
            },
        ),
        ("ping", {"type": "ping"}),
    ]
    step = max(1, reply.chunk_chars)
    chunks = [reply.text[i : i + step] for i in range(0, len(reply.text), step)]
    for sent, chunk in enumerate(chunks):
        if reply.fail_after is not None and sent == reply.fail_after:
            events.append(("error", _error(reply.error_type)))
            return events
        delta = {"type": "text_delta", "text": chunk}
        events.append(
            ("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})
        )
    events += [
        ("content_block_stop", {"type": "content_block_stop", "index": 0}),
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {**usage, "output_tokens": reply.output_tokens},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return events
