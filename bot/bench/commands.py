"""Command handling latency inside the bot: from a command's receipt by the Router to the first
reply handed to the adapter, for a mix of members' commands.

Two loads: closed (`concurrency` commands always in flight, the next arriving the moment one
finishes: a worst-case burst, whose latency is mostly waiting behind the others) and, with
`rate`, open (commands arriving at `rate` a second at random, at most `concurrency` in flight:
how a community's traffic arrives). No platform is involved: the replier only notes the time,
so what is measured is the core (the Router, the handlers, the database). Prints one JSON line
with p50/p95/p99/max in milliseconds, overall and per command.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from pathlib import Path

from bot.app import build_app
from bot.bench.fanout import ensure_database
from bot.core.clock import SystemClock
from bot.core.messages import Form, Message, MessageRef
from bot.core.ports import Caller
from bot.settings import DEFAULT_CONTENT_DIR, Settings

# What members do most, roughly in proportion.
MIX = (
    "/mentor today",
    "/mentor progress",
    "/mentor done",
    "/mentor today",
    "/mentor schedule 07:30 Europe/Berlin mon-fri",
    "/mentor help",
    "/mentor paths",
    "/mentor progress",
    "/mentor pause",
    "/mentor resume",
)
MEMBERS = 200


class _Stopwatch:
    """A replier that notes when the first reply reaches it."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.first: float | None = None

    async def send(self, message: Message) -> MessageRef:
        if self.first is None:
            self.first = time.perf_counter()
        return MessageRef("bench", "bench", "1")

    async def edit(self, ref: MessageRef, message: Message) -> None:
        return None

    async def form(self, form: Form) -> bool:
        return False


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 2),
        "p95": round(_percentile(values, 0.95), 2),
        "p99": round(_percentile(values, 0.99), 2),
        "max": round(max(values), 2),
    }


async def _run(database: str, concurrency: int, commands: int, rate: float | None) -> dict:
    settings = Settings(
        _env_file=None, DATABASE_URL=database, MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR
    )
    await ensure_database(database)
    app = await build_app(settings, SystemClock())
    # New members every run, so a reused database measures the same work each time.
    run = uuid.uuid4().hex[:8]
    callers = [
        Caller("bench", run, f"member-{n}", f"member {n}", conversation_id=f"{run}-{n}")
        for n in range(MEMBERS)
    ]
    try:
        for caller in callers:
            await app.router.text(caller, "/mentor join ai-engineer", _Stopwatch(0))
        timings: dict[str, list[float]] = defaultdict(list)
        # Each member runs the whole mix over time, one command at a time.
        work = [(callers[n % MEMBERS], MIX[(n // MEMBERS) % len(MIX)]) for n in range(commands)]
        gate = asyncio.Semaphore(concurrency)

        async def one(caller: Caller, line: str) -> None:
            async with gate:
                watch = _Stopwatch(time.perf_counter())
                await app.router.text(caller, line, watch)
                timings[line.split()[1]].append((watch.first - watch.started) * 1000)

        started = time.perf_counter()
        if rate is None:
            await asyncio.gather(*(one(caller, line) for caller, line in work))
        else:
            arrivals = random.Random(7)
            running = []
            for caller, line in work:
                running.append(asyncio.create_task(one(caller, line)))
                await asyncio.sleep(arrivals.expovariate(rate))
            await asyncio.gather(*running)
        elapsed = time.perf_counter() - started
    finally:
        await app.close()
    every = [t for values in timings.values() for t in values]
    return {
        "database": database.split("+")[0],
        "load": f"open, {rate:g}/s" if rate else "closed",
        "concurrency": concurrency,
        "commands": len(every),
        "commands_per_s": round(len(every) / elapsed),
        "latency_ms": _summary(every),
        "by_command_p99_ms": {name: _summary(v)["p99"] for name, v in sorted(timings.items())},
    }


def main(concurrency: int, database: str | None, commands: int, rate: float | None) -> int:
    with tempfile.TemporaryDirectory(prefix="mentorbot-bench-") as scratch:
        url = database or f"sqlite+aiosqlite:///{Path(scratch) / 'commands.db'}"
        result = asyncio.run(_run(url, concurrency, commands, rate))
    print(json.dumps(result))
    return 0
