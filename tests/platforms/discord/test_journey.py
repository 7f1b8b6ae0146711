"""The whole journey through `mentorbot run` as a separate process, against the stand-in Discord:
sync, the quiz by buttons, today, schedule, the lesson DM at its time with its nonce, done from
the DM, ask answered into a deferred reply, moderators, closed DMs and a restart."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.db import create_engine
from bot.core.models import Member
from bot.testing.discord.payloads import APP_ID, GUILD_ID, MODERATOR_ROLE, User
from bot.testing.discord.process import BotProcess, bot_env, mentorbot
from bot.testing.discord.server import FakeDiscord, Interaction, labels, text
from tests.platforms.discord.limits_check import problems

ADA = User(1001, "Ada")
CY = User(1003, "Cy")
MODERATOR = User(1004, "Mo", roles=(MODERATOR_ROLE,))
EPHEMERAL = 1 << 6
NO_MENTIONS = {"parse": []}


async def due_now(engine: AsyncEngine, user: User) -> datetime:
    """Let the member's next lesson fall due a moment from now, as time passing would."""
    due = datetime.now(UTC) + timedelta(milliseconds=300)
    async with engine.begin() as conn:
        await conn.execute(
            update(Member).where(Member.user_id == str(user.id)).values(next_due_at=due)
        )
    return due


async def until_told(engine: AsyncEngine, user: User) -> None:
    """Wait until the bot has noted that the member was told about refused DMs."""
    query = select(Member.unreachable_told).where(Member.user_id == str(user.id))
    async with asyncio.timeout(10):
        while True:
            async with engine.connect() as conn:
                if (await conn.execute(query)).scalar():
                    return
            await asyncio.sleep(0.01)


def posts_to(fake: FakeDiscord, user: User) -> list[Any]:
    channel = fake.dm_channels.get(user.id)
    path = f"/channels/{channel}/messages"
    return [r for r in fake.requests if r.method == "POST" and r.path == path]


async def answer(fake: FakeDiscord, interaction: Interaction) -> dict[str, Any]:
    return await fake.answer(interaction)


async def test_sync_registers_the_surface_within_discords_limits(clean_env, fake, tmp_path):
    """`mentorbot discord sync --guild` copies both groups to the server; every name,
    description, option and the size of each command are within Discord's limits."""
    env = bot_env(fake, tmp_path / "bot.db")
    code, out, err = await mentorbot(env, "discord", "sync", "--guild", str(GUILD_ID))
    assert code == 0, err
    assert f"in server {GUILD_ID}" in out
    registered = fake.commands[str(GUILD_ID)]
    assert [c["name"] for c in registered] == ["mentor", "mentor-admin"]
    assert problems(registered) == []
    mentor, admin = registered
    assert {o["name"] for o in mentor["options"]} >= {"start", "today", "schedule", "ask"}
    assert mentor["default_member_permissions"] is None
    assert int(admin["default_member_permissions"]) == 1 << 5  # Manage Server
    assert admin["contexts"] == [0]
    assert "global" not in fake.commands


async def test_a_member_and_a_moderator_on_discord(clean_env, fake, tmp_path):
    """The journey, every interaction answered within 3 s and every payload with mentions off."""
    log = tmp_path / "bot.log"
    # Without an Anthropic key the mentor quotes the lessons: the same deferral and edits,
    # without the SDK's seconds of start-up (test_interactions streams Claude's answers).
    env = bot_env(fake, tmp_path / "bot.db", MENTORBOT_DELIVERY_TICK_SECONDS="0.2")
    bot = await BotProcess(env, log).start(fake)
    engine = create_engine(env["DATABASE_URL"])
    try:
        (identify,) = fake.gateway.identified
        # Servers and DMs; none of the privileged members, presences or message content.
        assert identify["intents"] == (1 << 0) | (1 << 12)
        dm = await _member_journey(fake, engine)
        await _ask(fake)
        await _moderators(fake)
        await _closed_dms(fake, engine)
    finally:
        await engine.dispose()
        code, logged = await bot.stop()
    assert code == 0, logged
    assert "Traceback" not in logged, logged

    # A week-old DM's button, after a restart.
    bot = await BotProcess(env, log).start(fake)
    try:
        snooze = await fake.click(ADA, int(dm["id"]), "Snooze a day")
        assert "Snoozed" in text(await answer(fake, snooze))
    finally:
        code, logged = await bot.stop()
    assert code == 0, logged

    assert not any(r.path.startswith("/applications") for r in fake.requests)  # never synced
    for interaction in fake.interactions.values():
        assert interaction.acked_at is not None, interaction.payload["data"]
        assert interaction.acked_at - interaction.dispatched_at < 3
    for payload in fake.message_payloads():
        assert payload.get("allowed_mentions") == NO_MENTIONS, payload


async def _member_journey(fake: FakeDiscord, engine: AsyncEngine) -> dict[str, Any]:
    start = await fake.slash(ADA, "mentor", "start")
    quiz = await answer(fake, start)
    assert quiz["flags"] & EPHEMERAL
    assert "question 1 of" in text(quiz)
    steps = 0
    while "question" in text(fake.messages[int(quiz["id"])]):
        click = await fake.click(ADA, int(quiz["id"]), labels(fake.messages[int(quiz["id"])])[0])
        await fake.answered(click)
        assert click.callback_type == 7  # the same message, updated
        steps += 1
    placed = fake.messages[int(quiz["id"])]
    assert steps >= 5
    assert "You're on the AI engineer path" in text(placed) and "Placed because" in text(placed)
    assert labels(placed) == ["Read today's lesson", "See all paths"]

    today = await answer(fake, await fake.slash(ADA, "mentor", "today"))
    assert "Day 1 · Lesson:" in text(today)

    schedule = await fake.slash(ADA, "mentor", "schedule", time="07:30", timezone="Europe/Berlin")
    saved = await answer(fake, schedule)
    assert "Schedule saved" in text(saved)
    assert re.search(r"<t:\d+:t> \(<t:\d+:R>\)", text(saved))

    due = await due_now(engine, ADA)
    (dm,) = await fake.wait_for(lambda: fake.dms(ADA), "the lesson DM", 10)
    sent = next(r for r in fake.requests if r.path.endswith("/messages") and r.method == "POST")
    assert datetime.fromisoformat(dm["timestamp"]) >= due
    assert "Day 1 · Lesson:" in text(dm)
    assert labels(dm) == ["Mark done", "Ask about this", "Snooze a day"]
    assert 1 <= len(sent.body["nonce"]) <= 25 and sent.body["enforce_nonce"] is True

    done = await fake.click(ADA, int(dm["id"]), "Mark done")
    await fake.answered(done)
    assert done.callback_type == 4
    reply = fake.original(done)
    assert "Marked" in text(reply) and not reply["flags"] & EPHEMERAL  # a DM keeps it
    return dm


async def _ask(fake: FakeDiscord) -> None:
    ask = await fake.slash(ADA, "mentor", "ask", question="how do embeddings work?")
    await fake.answered(ask)
    assert ask.callback_type == 5  # deferred at once
    assert ask.callbacks[0]["data"]["flags"] & EPHEMERAL
    await fake.wait_for(lambda: "👍 Helpful" in labels(fake.original(ask)), "the answer", 10)
    assert len(ask.edits) >= 2  # the placeholder, then the answer with its buttons
    assert "Here is what your lessons say" in text(fake.original(ask))


async def _moderators(fake: FakeDiscord) -> None:
    refused = await answer(fake, await fake.slash(ADA, "mentor-admin", "stats"))
    assert "for moderators only" in text(refused) and refused["flags"] & EPHEMERAL
    allowed = await answer(fake, await fake.slash(MODERATOR, "mentor-admin", "stats"))
    assert "Community stats" in text(allowed)


async def _closed_dms(fake: FakeDiscord, engine: AsyncEngine) -> None:
    fake.closed_dms.add(CY.id)
    await answer(fake, await fake.slash(CY, "mentor", "join", path="ml-engineer"))
    await due_now(engine, CY)
    await fake.wait_for(lambda: posts_to(fake, CY), "the refused DM")
    assert not fake.dms(CY)
    first = await fake.slash(CY, "mentor", "progress")
    await fake.wait_for(lambda: first.followups, "the notice")
    notice = fake.messages[first.followups[0]]
    assert "I could not send you your lessons" in text(notice)
    assert "does not accept DMs" in text(notice) and notice["flags"] & EPHEMERAL
    await until_told(engine, CY)
    second = await fake.slash(CY, "mentor", "progress")
    await fake.answered(second)
    assert not second.followups
    assert fake.interactions[second.token].payload["application_id"] == str(APP_ID)
