"""The Discord connection: start, stay connected through a dropped gateway, stop, and refuse a
bad token with one clear line."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import build_app, create_adapter
from bot.core.clock import FixedClock
from bot.core.commands import Command, Context, build_commands
from bot.core.messages import Message
from bot.testing.discord.gateway import RESUME
from bot.testing.discord.payloads import CHANNEL_ID, User
from bot.testing.discord.process import bot_env, mentorbot
from bot.testing.discord.server import FakeDiscord, text
from tests.conftest import START
from tests.platforms.discord.conftest import Bot, discord_settings, running_bot

ADA = User(1001, "Ada")


async def test_connected_once_ready_and_commands_survive_a_dropped_gateway(bot: Bot, fake):
    """READY makes the adapter connected; when Discord drops the socket, discord.py resumes
    the session and commands keep working."""
    await fake.wait_for(bot.adapter.connected, "READY")
    await fake.gateway.close()
    await fake.wait_for(lambda: any(f.op == RESUME for f in fake.gateway.received), "RESUME")
    help_ = await fake.answered(await fake.slash(ADA, "mentor", "help"))
    assert "mentorbot commands" in text(fake.original(help_))


async def test_a_refused_token_stops_the_bot_with_one_clear_line(
    clean_env, fake: FakeDiscord, tmp_path: Path
):
    """`mentorbot run` with a token Discord refuses exits 2 and says what to do, no traceback."""
    env = bot_env(fake, tmp_path / "bot.db", DISCORD_TOKEN="not-the-token")
    code, _, err = await mentorbot(env, "run")
    assert code == 2
    assert "DISCORD_TOKEN: Discord refused the token" in err and "Reset Token" in err
    assert "Traceback" not in err
    assert fake.gateway.received == []


async def test_a_stop_lets_commands_being_handled_send_their_answers(
    clean_env, fake: FakeDiscord, tmp_path: Path
):
    """SIGTERM in the middle of a command: the command finishes and answers before the client
    closes."""

    async def slow(ctx: Context) -> None:
        await asyncio.sleep(0.5)
        await ctx.reply.send(Message(body="finished after the stop"))

    commands = [*build_commands(), Command("mentor", "slow", "a slow command", slow)]
    async with running_bot(fake, tmp_path, commands):
        pending = await fake.slash(ADA, "mentor", "slow")
        await asyncio.sleep(0.1)
    assert "finished after the stop" in text(fake.original(pending))


async def test_new_lessons_are_announced_in_a_channel_by_id_or_name(bot: Bot, fake):
    """MENTORBOT_ANNOUNCE_CHANNEL names a channel by id or by name; the post pings nobody."""
    news = Message(title="New lessons", body="Day 37 is out @everyone")
    await bot.adapter.announce("general", news)
    await bot.adapter.announce(str(CHANNEL_ID), news)
    posts = [r for r in fake.requests if r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert len(posts) == 2
    for post in posts:
        assert post.body["allowed_mentions"] == {"parse": []}
        assert "@everyone" not in post.body["embeds"][0]["description"]


async def test_a_stop_during_a_slow_login_returns_at_once(
    clean_env, fake: FakeDiscord, tmp_path: Path
):
    """SIGTERM while Discord has not answered the login yet: the adapter stops without it."""
    fake.login_delay = 30
    app = await build_app(discord_settings(fake, tmp_path), FixedClock(START))
    try:
        adapter = create_adapter("discord", app, discord_settings(fake, tmp_path))
        stop = asyncio.Event()
        running = asyncio.create_task(adapter.run(stop))
        await asyncio.sleep(0.2)
        stop.set()
        async with asyncio.timeout(5):
            await running
        assert not adapter.connected()
    finally:
        await app.close()
