"""Discord: how soon interactions are acknowledged under load, and how soon the bot is READY.

`mentorbot bench discord` (part of `make bench`) runs `mentorbot run` as its own process against
the stand-in Discord the tests use (`bot.testing.discord`).

- Start-up: from spawning `mentorbot run` to READY going out on the gateway (the bot can take
  commands from then on), for several fresh processes on a migrated SQLite file.
- Acknowledgement: 50 members each send one interaction at the same moment (a mix of /mentor
  today, progress, help, ask and a button click), for several rounds. Inside the bot process a
  probe notes when discord.py receives each INTERACTION_CREATE frame and when it starts the
  interaction's callback request; the difference is the bot's own time to acknowledge, which
  Discord allows three seconds. The probe only wraps two discord.py methods; the bot is
  `mentorbot run` as users start it.

Prints one JSON line; times in milliseconds.
"""

from __future__ import annotations

import asyncio
import atexit
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

STARTS = 5
MEMBERS = 50
ROUNDS = 20
KINDS = ("today", "progress", "help", "ask", "click")


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


async def _settled_cpu(pid: int) -> float:
    """The process's CPU time once it has stopped using any for a fifth of a second."""
    used = _cpu_seconds(pid)
    for _ in range(150):
        await asyncio.sleep(0.2)
        now = _cpu_seconds(pid)
        if now - used < 0.01:
            return now
        used = now
    return used


def probe(out: Path) -> None:
    """In the bot's process: note frame receipts and callback starts, write them at exit."""
    from discord.gateway import DiscordWebSocket
    from discord.webhook.async_ import AsyncWebhookAdapter

    frames: list[tuple[float, str]] = []
    callbacks: list[tuple[float, int]] = []
    receive = DiscordWebSocket.received_message
    respond = AsyncWebhookAdapter.create_interaction_response

    async def received_message(self, msg, /):
        if isinstance(msg, str) and '"INTERACTION_CREATE"' in msg:
            frames.append((time.perf_counter(), msg))
        return await receive(self, msg)

    def create_interaction_response(self, interaction_id, token, **kwargs):
        callbacks.append((time.perf_counter(), int(interaction_id)))
        return respond(self, interaction_id, token, **kwargs)

    def write() -> None:
        received = {int(json.loads(m)["d"]["id"]): at for at, m in frames}
        first = {}
        for at, interaction in callbacks:
            first.setdefault(interaction, at)
        out.write_text(json.dumps({str(i): (first[i] - received[i]) * 1000 for i in first}))

    DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]
    AsyncWebhookAdapter.create_interaction_response = create_interaction_response  # type: ignore[method-assign]
    atexit.register(write)


async def _round(fake, members, button: int, kinds: list[str]) -> list[tuple[str, int]]:
    async def one(member, kind: str):
        if kind == "click":
            return await fake.click(member, button, "Read today's lesson")
        if kind == "ask":
            return await fake.slash(member, "mentor", "ask", question="how do embeddings work?")
        return await fake.slash(member, "mentor", kind)

    sent = await asyncio.gather(*(one(m, k) for m, k in zip(members, kinds, strict=True)))
    await asyncio.gather(*(fake.answered(i) for i in sent))
    return [(k, i.id) for k, i in zip(kinds, sent, strict=True)]


async def _measure(folder: Path) -> dict[str, object]:
    from bot.testing.discord.payloads import User
    from bot.testing.discord.process import BotProcess, bot_env
    from bot.testing.discord.server import FakeDiscord

    trace = folder / "acks.json"
    async with FakeDiscord() as fake:
        env = bot_env(fake, folder / "bench.db", MENTORBOT_LOG_LEVEL="WARNING")
        log = folder / "bot.log"
        starts = []
        for _ in range(STARTS):
            spawned = time.perf_counter()
            await (await BotProcess(env, log).start(fake)).stop()
            starts.append((fake.gateway.ready_at[-1] - spawned) * 1000)
        probed = BotProcess(env, log, ["-m", "bot.bench.discord", "--probe", str(trace)])
        bot = await probed.start(fake)
        try:
            members = [User(5000 + n, f"member {n}") for n in range(MEMBERS)]
            joins = [await fake.slash(m, "mentor", "join", path="ai-engineer") for m in members]
            await asyncio.gather(*(fake.answered(i) for i in joins))
            button = await fake.earlier_message({"Read today's lesson": "mb:today:"})
            kinds = [KINDS[n % len(KINDS)] for n in range(MEMBERS)]
            await _round(fake, members, button, kinds)  # warm-up
            sent: list[tuple[str, int]] = []
            cpu_before = _cpu_seconds(bot.process.pid)
            for _ in range(ROUNDS):
                sent += await _round(fake, members, button, kinds)
                kinds = kinds[1:] + kinds[:1]
            # The answers behind the acknowledgements finish later: count until the bot idles.
            cpu = await _settled_cpu(bot.process.pid) - cpu_before
        finally:
            code, logged = await bot.stop()
        if code != 0:
            raise RuntimeError(f"mentorbot run exited {code}:\n{logged}")
    acks = json.loads(trace.read_text())
    samples = [(kind, acks[str(interaction)]) for kind, interaction in sent]
    every = [ms for _, ms in samples]
    result: dict[str, object] = {
        "bench": "discord",
        "startup_to_ready_median_ms": round(statistics.median(starts), 1),
        "startup_to_ready_max_ms": round(max(starts), 1),
        "concurrent": MEMBERS,
        "interactions": len(every),
        "ack_p50_ms": round(_percentile(every, 0.50), 1),
        "ack_p99_ms": round(_percentile(every, 0.99), 1),
        "ack_max_ms": round(max(every), 1),
        # The bot's CPU for everything an interaction costs: acknowledging, the command's
        # database work and its reply.
        "cpu_ms_per_interaction": round(cpu * 1000 / len(every), 2),
    }
    for kind in KINDS:
        mine = [ms for k, ms in samples if k == kind]
        result[f"ack_{kind}_p99_ms"] = round(_percentile(mine, 0.99), 1)
    return result


def main(argv: list[str]) -> int:
    if argv[:1] == ["--probe"]:
        probe(Path(argv[1]))
        from bot.cli import main as mentorbot

        return mentorbot(["run"])
    try:
        import bot.testing.discord.server  # noqa: F401
    except ImportError:
        print(
            "bench discord uses the test suite's stand-in Discord: run it from the repository "
            "root, `python -m bot.bench.discord`",
            file=sys.stderr,
        )
        return 2
    with tempfile.TemporaryDirectory() as folder:
        print(json.dumps(asyncio.run(_measure(Path(folder)))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
