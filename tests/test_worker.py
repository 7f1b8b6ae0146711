"""`mentorbot worker` on PostgreSQL: DMs over Discord's REST API with no gateway, and beside a
running `mentorbot run` every due lesson goes out exactly once."""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from bot.core.db import create_engine, upgrade
from bot.core.models import Enrollment, Member
from bot.testing.discord.payloads import User
from bot.testing.discord.process import BotProcess, bot_env
from bot.testing.discord.server import FakeDiscord

FIRST_USER = 4_000_000_000_000_000


async def _seed(url: str, start: int, count: int) -> list[User]:
    """`count` Discord members on the AI path whose first lesson fell due a minute ago."""
    now = datetime.now(UTC)
    users = [User(FIRST_USER + n, f"member{n}") for n in range(start, start + count)]
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(
                insert(Member.__table__),
                [
                    {
                        "platform": "discord",
                        "workspace_id": "app",
                        "user_id": str(user.id),
                        "display_name": user.name,
                        "timezone": "UTC",
                        "delivery_time": "09:00",
                        "delivery_days": "mon,tue,wed,thu,fri,sat,sun",
                        "status": "active",
                        "created_at": now,
                        "updated_at": now,
                        "next_due_at": now - timedelta(minutes=1),
                    }
                    for user in users
                ],
            )
            ids = (
                await conn.execute(
                    select(Member.__table__.c.id).where(
                        Member.__table__.c.user_id.in_([str(u.id) for u in users])
                    )
                )
            ).scalars()
            await conn.execute(
                insert(Enrollment.__table__),
                [
                    {
                        "member_id": member_id,
                        "path_id": "ai-engineer",
                        "current_item_id": "ai-role",
                        "status": "active",
                        "started_at": now,
                    }
                    for member_id in ids
                ],
            )
    finally:
        await engine.dispose()
    return users


async def _start_worker(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "worker",
        env=env,
        cwd=env["MENTORBOT_DATA_DIR"],
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=log.open("a"),
    )


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
        worker = await _start_worker(env, tmp_path / "worker.log")
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
            if worker.returncode is None:
                worker.terminate()
            async with asyncio.timeout(30):
                await worker.wait()
    sent = _lessons_to(fake, first + second)
    assert set(sent.values()) == {1}, "no member got a second copy"
    assert code == 0, bot_log
    assert worker.returncode == 0, (tmp_path / "worker.log").read_text()
    assert "Traceback" not in (tmp_path / "worker.log").read_text()
