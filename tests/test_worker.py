"""`mentorbot worker` on PostgreSQL: DMs over Discord's REST API with no gateway, and beside a
running `mentorbot run` every due lesson goes out exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from bot.testing.discord.payloads import User
from bot.testing.discord.process import BotProcess, bot_env
from bot.testing.discord.server import FakeDiscord
from tests.seeding import seed_due_members

FIRST_USER = 4_000_000_000_000_000
WORKER = ["-m", "bot", "worker"]


async def _seed(url: str, start: int, count: int) -> list[User]:
    """`count` Discord members whose first lesson fell due a minute ago."""
    users = [User(FIRST_USER + n, f"member{n}") for n in range(start, start + count)]
    await seed_due_members(url, "discord", [str(user.id) for user in users])
    return users


def _lessons_to(fake: FakeDiscord, users: list[User]) -> Counter:
    return Counter(user.id for user in users for message in fake.dms(user) if message.get("embeds"))


async def test_a_worker_beside_the_bot_sends_each_lesson_once(postgres_url: str, tmp_path: Path):
    """Alone, the worker sends due lessons over REST without touching the gateway; beside
    `mentorbot run` on the same database every member gets their lesson exactly once; both
    stop on SIGTERM with exit 0."""
    async with FakeDiscord() as fake:
        env = bot_env(
            fake,
            tmp_path / "unused.db",
            DATABASE_URL=postgres_url,
            MENTORBOT_DELIVERY_TICK_SECONDS="1",
        )
        first = await _seed(postgres_url, 0, 20)
        worker = await BotProcess(env, tmp_path / "worker.log", WORKER).spawn()
        try:
            await fake.wait_for(
                lambda: len(_lessons_to(fake, first)) == len(first), "the worker's DMs", 60
            )
            assert fake.gateway.identified == [], "the worker opened no gateway connection"
            bot = await BotProcess(env, tmp_path / "bot.log").start(fake)
            second = await _seed(postgres_url, 20, 60)
            await fake.wait_for(
                lambda: len(_lessons_to(fake, second)) == len(second), "everyone's DMs", 60
            )
            await asyncio.sleep(2)  # a second copy, if any, would arrive by now
            code, bot_log = await bot.stop()
        finally:
            worker_code, worker_log = await worker.stop()
    sent = _lessons_to(fake, first + second)
    assert set(sent.values()) == {1}, "no member got a second copy"
    assert code == 0, bot_log
    assert worker_code == 0, worker_log
    assert "Traceback" not in worker_log
