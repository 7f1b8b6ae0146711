"""Slack acknowledgement latency: how long Slack waits for the bot's 200 under a burst.

    mentorbot bench slack [--requests N] [--concurrency C]
    python -m bot.bench.slack

`mentorbot run` is started as a process in HTTP mode, its Web API pointed at the local Slack
stand-in (`bot.testing.fake_slack`), which answers every call at once. The bench sends bursts
of signed slash commands, `--concurrency` members at the same moment (help, paths, today,
progress, schedule), and times each from sending the request to the bot's HTTP response. Each
command is also answered after its acknowledgement (users.info, the database, the
response_url, the home tab); the next burst starts when the last answer and home tab of this
one are posted. Slack gives up after 3 seconds; the target is p99 <= 50 ms at 50 concurrent
requests. Prints one JSON line.

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

from bot.settings import ACTIVATING_VARIABLES
from bot.testing.fake_slack import BOT_TOKEN, SIGNING_SECRET, TEAM, FakeSlack, signed, user

LINES = ("help", "paths", "today", "progress", "schedule 07:30 Europe/Berlin")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _start_bot(slack: FakeSlack, directory: Path, port: int, bare: bool):
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": slack.base_url,
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

    bolt = AsyncApp(signing_secret=SIGNING_SECRET, authorize=authorize)

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
    return body, {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}


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
    http: aiohttp.ClientSession, url: str, slack: FakeSlack, lines: list[str], answers: bool
) -> tuple[list[float], float]:
    """Requests from len(lines) members at once: each one's acknowledgement time, and the
    time until the last of their answers and home tabs was posted."""
    respond = slack.response_url("bench")
    requests = [_signed_command(respond, m, line) for m, line in enumerate(lines)]
    answered = len(slack.posted(respond)) + len(lines)
    published = len(slack.called("views.publish")) + len(lines)
    started = time.perf_counter()
    acks = await asyncio.gather(*(_acknowledged(http, url, r) for r in requests))
    if answers:
        await slack.wait_for(
            lambda: (
                len(slack.posted(respond)) >= answered
                and len(slack.called("views.publish")) >= published
            ),
            within=120,
        )
    return acks, (time.perf_counter() - started) * 1000


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def bench(requests: int, concurrency: int, bare: bool = False) -> dict[str, Any]:
    port = _free_port()
    async with FakeSlack() as slack:
        slack.users.update(
            {f"U{m:05d}": user(f"U{m:05d}", f"Member {m}") for m in range(concurrency)}
        )
        with tempfile.TemporaryDirectory(prefix="mentorbot-bench-slack-") as directory:
            process = await _start_bot(slack, Path(directory), port, bare)
            try:
                url = f"http://127.0.0.1:{port}/slack/events"
                connector = aiohttp.TCPConnector(limit=concurrency)
                async with aiohttp.ClientSession(connector=connector) as http:
                    # Warm-up: connections, the first auth.test, the members' rows.
                    await _burst(http, url, slack, ["help"] * concurrency, not bare)
                    samples: list[float] = []
                    answered: list[float] = []
                    while len(samples) < requests:
                        size = min(concurrency, requests - len(samples))
                        offset = len(samples)
                        lines = [LINES[(offset + m) % len(LINES)] for m in range(size)]
                        acks, all_answered = await _burst(http, url, slack, lines, not bare)
                        samples += acks
                        answered.append(all_answered)
            finally:
                process.send_signal(signal.SIGTERM)
                await process.communicate()
        calls = len(slack.calls)
    return {
        "app": "bare Bolt" if bare else "mentorbot",
        "requests": requests,
        "concurrency": concurrency,
        "ack_p50_ms": round(statistics.median(samples), 1),
        "ack_p95_ms": round(_percentile(samples, 0.95), 1),
        "ack_p99_ms": round(_percentile(samples, 0.99), 1),
        "ack_max_ms": round(max(samples), 1),
        "burst_answered_p50_ms": None if bare else round(statistics.median(answered), 1),
        "web_api_calls": calls,
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
