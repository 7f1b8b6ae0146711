"""Slack acknowledgement latency: how long Slack waits for the bot's 200 under a burst.

    mentorbot bench slack [--requests N] [--concurrency C]
    python -m bot.bench.slack

`mentorbot run` is started as a process in HTTP mode, its Web API pointed at a stand-in on
127.0.0.1 that answers every call at once. The bench sends bursts of signed slash commands,
`--concurrency` members at the same moment (help, paths, today, progress, schedule), and times
each from sending the request to the bot's HTTP response. Each command is also answered after
its acknowledgement (users.info, the database, the response_url, the home tab); the next burst
starts when the last answer and home tab of this one are posted. Slack gives up after 3
seconds; the target is p99 <= 50 ms at 50 concurrent requests. Prints one JSON line.

`--bare` measures Bolt alone the same way (signature check, dispatch, a listener that only
acknowledges, nothing answered): the floor that slack-bolt and aiohttp set on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web
from slack_sdk.signature import SignatureVerifier

from bot.settings import ACTIVATING_VARIABLES

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEAM = "TBENCH"
LINES = ("help", "paths", "today", "progress", "schedule 07:30 Europe/Berlin")


class StandIn:
    """The Web API and response_urls, answering every call at once; counts what it gets."""

    def __init__(self) -> None:
        self.calls = 0
        self.responses = 0
        self.published = 0
        self._posted = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.root = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/respond", self._respond)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.root = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _api(self, request: web.Request) -> web.Response:
        self.calls += 1
        method = request.match_info["method"]
        if method == "views.publish":
            await request.read()
            async with self._posted:
                self.published += 1
                self._posted.notify_all()
        user_id = request.query.get("user", "U1")
        answers: dict[str, dict[str, Any]] = {
            "auth.test": {"user_id": "UBOT", "user": "mentorbot", "team_id": TEAM, "team": "b"},
            "users.info": {
                "user": {"id": user_id, "name": user_id, "tz": "Europe/Berlin", "profile": {}}
            },
            "chat.postMessage": {"channel": "D1", "ts": "1.1"},
            "conversations.open": {"channel": {"id": "D1"}},
        }
        return web.json_response({"ok": True, **answers.get(method, {})})

    async def _respond(self, request: web.Request) -> web.Response:
        await request.read()
        async with self._posted:
            self.responses += 1
            self._posted.notify_all()
        return web.Response(text="ok")

    async def answered(self, count: int) -> None:
        """Until `count` answers in all have been posted to the response_url, and as many home
        tabs published (the last thing the bot does for a command)."""
        async with self._posted:
            await self._posted.wait_for(lambda: self.responses >= count and self.published >= count)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _start_bot(stand_in: StandIn, directory: Path, port: int, bare: bool):
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.update(
        {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"{stand_in.root}/api/",
            "DATABASE_URL": f"sqlite+aiosqlite:///{directory / 'bench.db'}",
            "MENTORBOT_SLACK_HOST": "127.0.0.1",
            "MENTORBOT_SLACK_PORT": str(port),
            "MENTORBOT_LOG_LEVEL": "WARNING",
        }
    )
    command = ["-m", "bot.bench.slack", "--serve-bare", str(port)] if bare else ["-m", "bot", "run"]
    process = await asyncio.create_subprocess_exec(
        sys.executable, *command, env=env, cwd=directory, stderr=asyncio.subprocess.PIPE
    )
    for _ in range(600):
        if process.returncode is not None:
            raise RuntimeError((await process.stderr.read()).decode())
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        return process
    raise RuntimeError("the Slack app did not start listening")


async def _serve_bare(port: int) -> None:
    """Bolt alone, for comparison: the same signature check and dispatch, and a listener that
    only acknowledges; no answer, no mentorbot behind it."""
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.authorization import AuthorizeResult

    async def authorize(**_: Any) -> AuthorizeResult:
        return AuthorizeResult(enterprise_id=None, team_id=TEAM, bot_user_id="UBOT")

    bolt = AsyncApp(signing_secret=SECRET, authorize=authorize)

    async def command(ack: Any) -> None:
        await ack()

    bolt.command("/mentor")(command)
    runner = web.AppRunner(bolt.server(port=port, host="127.0.0.1").web_app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


def _signed_command(respond: str, member: int, line: str) -> tuple[str, dict[str, str]]:
    body = urlencode(
        {
            "team_id": TEAM,
            "user_id": f"U{member:05d}",
            "user_name": f"member{member}",
            "command": "/mentor",
            "text": line,
            "channel_id": "CBENCH",
            "channel_name": "general",
            "response_url": respond,
            "trigger_id": f"t{member}",
        }
    )
    stamp = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=stamp, body=body)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    return body, headers


async def _acknowledged(
    http: aiohttp.ClientSession, url: str, request: tuple[str, dict[str, str]]
) -> float:
    """Milliseconds from sending the request to the bot's HTTP response."""
    body, headers = request
    started = time.perf_counter()
    async with http.post(url, data=body, headers=headers) as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"the bot answered {response.status}")
    return (time.perf_counter() - started) * 1000


async def _burst(
    http: aiohttp.ClientSession, url: str, stand_in: StandIn, lines: list[str], answers: bool
) -> tuple[list[float], float]:
    """Requests from len(lines) members at once: each one's acknowledgement time, and the
    time until the last of their answers was posted."""
    respond = f"{stand_in.root}/respond"
    requests = [_signed_command(respond, m, line) for m, line in enumerate(lines)]
    answered = stand_in.responses + len(lines)
    started = time.perf_counter()
    acks = await asyncio.gather(*(_acknowledged(http, url, r) for r in requests))
    if answers:
        await stand_in.answered(answered)
    return acks, (time.perf_counter() - started) * 1000


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def bench(requests: int, concurrency: int, bare: bool = False) -> dict[str, Any]:
    stand_in = StandIn()
    await stand_in.start()
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-slack-") as directory:
        process = await _start_bot(stand_in, Path(directory), port, bare)
        try:
            url = f"http://127.0.0.1:{port}/slack/events"
            connector = aiohttp.TCPConnector(limit=concurrency)
            async with aiohttp.ClientSession(connector=connector) as http:
                # Warm-up: connections, the first auth.test, the members' rows.
                await _burst(http, url, stand_in, ["help"] * concurrency, not bare)
                samples: list[float] = []
                answered: list[float] = []
                while len(samples) < requests:
                    size = min(concurrency, requests - len(samples))
                    offset = len(samples)
                    lines = [LINES[(offset + m) % len(LINES)] for m in range(size)]
                    acks, all_answered = await _burst(http, url, stand_in, lines, not bare)
                    samples += acks
                    answered.append(all_answered)
        finally:
            process.send_signal(signal.SIGTERM)
            await process.communicate()
            await stand_in.close()
    return {
        "app": "bare Bolt" if bare else "mentorbot",
        "requests": requests,
        "concurrency": concurrency,
        "ack_p50_ms": round(statistics.median(samples), 1),
        "ack_p95_ms": round(_percentile(samples, 0.95), 1),
        "ack_p99_ms": round(_percentile(samples, 0.99), 1),
        "ack_max_ms": round(max(samples), 1),
        "burst_answered_p50_ms": None if bare else round(statistics.median(answered), 1),
        "web_api_calls": stand_in.calls,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.slack")
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--bare", action="store_true", help="measure Bolt alone, with no mentorbot behind it"
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_bare:
        asyncio.run(_serve_bare(args.serve_bare))
        return 0
    print(json.dumps(asyncio.run(bench(args.requests, args.concurrency, args.bare))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
