"""Lesson DMs over REST, as `mentorbot worker` sends them: nonces, refusals and 429s."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

from bot.app import build_app
from bot.checks import StartupProblem
from bot.core.clock import SystemClock
from bot.core.messages import Choice, Message
from bot.core.models import Member
from bot.core.ports import Caller, Outcome, Recipient, SendResult
from bot.platforms.discord import create_messenger
from bot.platforms.discord.limits import UNREACHABLE
from bot.platforms.discord.messenger import DiscordMessenger, nonce
from bot.testing.discord.payloads import APP_ID, User
from bot.testing.discord.process import BotProcess, bot_env
from bot.testing.discord.server import FakeDiscord, labels, text
from tests.conftest import Replies
from tests.platforms.discord.conftest import discord_settings

ADA = Recipient("discord", str(APP_ID), "1001", "Ada", "Europe/Berlin")
MEMBER = User(1001, "Ada")
LESSON = Message(
    title="Day 1 · Lesson: What an AI engineer does",
    body="Read this.",
    choices=(Choice("Mark done", "done", "ai-1"),),
)
KEY = "mentorbot-delivery-7"


@pytest.fixture
async def messenger(
    clean_env, fake: FakeDiscord, tmp_path: Path
) -> AsyncIterator[DiscordMessenger]:
    sender = create_messenger(discord_settings(fake, tmp_path))
    assert isinstance(sender, DiscordMessenger)
    yield sender
    await sender.aclose()


def posts(fake: FakeDiscord) -> list:
    return [r for r in fake.requests if r.method == "POST" and r.path.endswith("/messages")]


async def test_the_worker_sends_over_rest_alone_and_a_resend_shows_once(messenger, fake):
    """No gateway connection; the DM carries the delivery's nonce with enforce_nonce, so
    sending the same delivery again leaves the member one message."""
    assert await messenger.send_dm(ADA, LESSON, KEY) == SendResult.sent()
    assert await messenger.send_dm(ADA, LESSON, KEY) == SendResult.sent()
    assert fake.gateway.received == []
    (dm,) = fake.dms(MEMBER)
    assert "Day 1 · Lesson" in text(dm) and labels(dm) == ["Mark done"]
    first, again = posts(fake)
    assert first.body["nonce"] == again.body["nonce"] == nonce(KEY, 0)
    assert first.body["enforce_nonce"] is True
    assert len(nonce(KEY, 0)) <= 25 and nonce(KEY, 0) != nonce("mentorbot-delivery-8", 0)
    assert first.body["allowed_mentions"] == {"parse": []}


async def test_a_dm_too_long_for_one_message_goes_in_parts_each_with_its_nonce(messenger, fake):
    """Parts go in order; only the last has the buttons."""
    long = Message(body="\n\n".join(["A paragraph. " * 300] * 6), choices=LESSON.choices)
    assert (await messenger.send_dm(ADA, long, KEY)).outcome == Outcome.SENT
    sent = posts(fake)
    assert len(sent) > 1
    assert [r.body["nonce"] for r in sent] == [nonce(KEY, n) for n in range(len(sent))]
    assert [bool(r.body.get("components")) for r in sent] == [False] * (len(sent) - 1) + [True]


async def test_closed_dms_make_the_member_unreachable_with_the_reason(messenger, fake):
    """50007: unreachable at once, with the reason the member and moderators will read."""
    fake.closed_dms.add(int(ADA.user_id))
    assert await messenger.send_dm(ADA, LESSON, KEY) == SendResult.unreachable(UNREACHABLE[50007])


async def test_a_short_rate_limit_is_waited_out_and_the_dm_sent_once(messenger, fake):
    """A 429 of a few milliseconds: discord.py waits and retries; one DM arrives."""
    fake.rate_limits.append(("/channels/", 0.05))
    assert await messenger.send_dm(ADA, LESSON, KEY) == SendResult.sent()
    assert len(posts(fake)) == 2 and len(fake.dms(MEMBER)) == 1


async def test_a_long_rate_limit_goes_back_to_the_queue_with_its_retry_after(messenger, fake):
    """A 429 longer than discord.py waits out: the delivery is retried after Retry-After."""
    fake.rate_limits.append(("/channels/", 90.0))
    result = await messenger.send_dm(ADA, LESSON, KEY)
    assert (result.outcome, result.retry_after) == (Outcome.RETRY_LATER, 90.0)
    assert fake.dms(MEMBER) == []


async def test_a_refused_token_stops_the_worker_at_start(clean_env, fake, tmp_path: Path):
    """The worker logs in before it serves: a wrong token is one clear error."""
    sender = create_messenger(discord_settings(fake, tmp_path, DISCORD_TOKEN="wrong"))
    try:
        with pytest.raises(StartupProblem, match="DISCORD_TOKEN: Discord refused the token"):
            await sender.open()  # type: ignore[attr-defined]
    finally:
        await sender.aclose()  # type: ignore[attr-defined]


async def test_mentorbot_worker_sends_due_lessons_without_a_gateway(
    clean_env, fake: FakeDiscord, postgres_url: str, tmp_path: Path
):
    """`mentorbot worker` on PostgreSQL: logs in over REST, DMs the member who is due, never
    opens the gateway, and stops cleanly on SIGTERM."""
    settings = discord_settings(fake, tmp_path, DATABASE_URL=postgres_url)
    app = await build_app(settings, SystemClock())
    try:
        caller = Caller("discord", str(APP_ID), ADA.user_id, "Ada")
        await app.router.command(caller, "mentor", "join", "ai-engineer", Replies())
        async with app.engine.begin() as conn:
            await conn.execute(update(Member).values(next_due_at=datetime.now(UTC)))
    finally:
        await app.close()
    env = bot_env(fake, tmp_path / "unused.db", DATABASE_URL=postgres_url)
    worker = await BotProcess(env, tmp_path / "worker.log", ["-m", "bot", "worker"]).spawn()
    try:
        (dm,) = await fake.wait_for(lambda: fake.dms(MEMBER), "the lesson DM", 20)
    finally:
        code, logged = await worker.stop()
    assert code == 0, logged
    assert "Day 1 · Lesson" in text(dm)
    assert fake.gateway.received == []
