"""`mentorbot run` with Slack settings, started as a user would: HTTP mode with Bolt's signature
check, Socket Mode over the websocket apps.connections.open hands out, and clear refusals."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlmodel import select

from bot.core.db import create_engine, session_factory
from bot.core.models import Member
from bot.settings import ACTIVATING_VARIABLES
from bot.testing.fake_slack import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    command_body,
    command_fields,
    event_body,
    interaction_body,
    signed,
)
from tests.platforms.slack.conftest import (
    ADA,
    EPHEMERAL,
    FORM,
    MOD,
    buttons,
    free_port,
    text_of,
)


class Bot:
    """A `mentorbot run` process and the address Slack would send its requests to."""

    def __init__(self, process: asyncio.subprocess.Process, port: int, database: str) -> None:
        self.process = process
        self.url = f"http://127.0.0.1:{port}/slack/events"
        self.port = port
        self.database = database

    async def listening(self) -> None:
        for _ in range(300):
            if self.process.returncode is not None:
                raise AssertionError((await self.process.stderr.read()).decode())
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
            except OSError:
                await asyncio.sleep(0.1)
                continue
            writer.close()
            return
        raise AssertionError("the bot did not start listening")

    async def stop(self) -> tuple[int, str]:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await self.finished()

    async def finished(self) -> tuple[int, str]:
        _, stderr = await asyncio.wait_for(self.process.communicate(), 60)
        return self.process.returncode, stderr.decode()


async def start(tmp_path: Path, fake: FakeSlack, **env: str) -> Bot:
    port = free_port()
    database = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    environment = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    environment.update(
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_API_URL": fake.base_url,
            "SLACK_MODERATOR_IDS": MOD,
            "DATABASE_URL": database,
            "MENTORBOT_SLACK_HOST": "127.0.0.1",
            "MENTORBOT_SLACK_PORT": str(port),
            "MENTORBOT_DELIVERY_TICK_SECONDS": "1",
            **env,
        }
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=environment,
        cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    return Bot(process, port, database)


@pytest.fixture
async def http_bot(tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Bot]:
    bot = await start(tmp_path, fake, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    try:
        await bot.listening()
        yield bot
    finally:
        await bot.stop()


async def send(url: str, body: str, headers: dict[str, str] | None = None, kind: str = FORM):
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=body, headers={"Content-Type": kind, **(headers or signed(body))}) as r,
    ):
        return r.status


async def answer(bot: Bot, fake: FakeSlack, text: str, command: str = "/mentor") -> dict[str, Any]:
    url = fake.response_url()
    assert await send(bot.url, command_body(ADA, command, text, url)) == 200
    return (await fake.wait_for(lambda: fake.posted(url)))[-1]


async def click(bot: Bot, fake: FakeSlack, button: dict[str, Any]) -> dict[str, Any]:
    url = fake.response_url()
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": ADA, "username": "ada", "team_id": TEAM},
        "response_url": url,
        "trigger_id": "t",
        "container": EPHEMERAL,
        "actions": [{"type": "button", "action_id": button["action_id"], **button}],
    }
    assert await send(bot.url, interaction_body(payload)) == 200
    return (await fake.wait_for(lambda: fake.posted(url)))[-1]


async def make_due(database: str, user_id: str) -> None:
    """Time passes: the member's next lesson falls due now."""
    engine = create_engine(database)
    try:
        async with session_factory(engine)() as session, session.begin():
            member = (await session.exec(select(Member).where(Member.user_id == user_id))).one()
            member.next_due_at = datetime.now(UTC) - timedelta(minutes=1)
            session.add(member)
    finally:
        await engine.dispose()


async def test_a_whole_journey_over_http_mode(http_bot: Bot, fake: FakeSlack):
    """Forged and stale requests are refused with 401; a member then takes the quiz by buttons,
    reads, finishes and checks a lesson, sees the home tab, is refused a moderator command, and
    gets the next lesson by DM with its delivery in the metadata; SIGTERM stops the bot."""
    body = command_body(ADA, "/mentor", "help", fake.response_url())
    assert await send(http_bot.url, body, signed(body, secret="forged")) == 401
    assert await send(http_bot.url, body, signed(body, timestamp=int(time.time()) - 600)) == 401

    question = await answer(http_bot, fake, "start")
    while "Placement quiz" in question["text"]:
        question = await click(http_bot, fake, buttons(question["blocks"])[0])
        assert question["replace_original"] is True
    assert "You're on the" in question["text"]
    lesson = await answer(http_bot, fake, "today")
    assert lesson["text"].startswith("Day 1 · ")
    assert "Marked" in text_of((await answer(http_bot, fake, "done"))["blocks"])
    assert "1/" in text_of((await answer(http_bot, fake, "progress"))["blocks"])

    home = event_body({"type": "app_home_opened", "user": ADA, "tab": "home"})
    assert await send(http_bot.url, home, kind="application/json") == 200
    await fake.wait_for(
        lambda: any("path" in text_of(c.args["view"]) for c in fake.called("views.publish"))
    )
    refused = await answer(http_bot, fake, "stats", command="/mentor-admin")
    assert "for moderators only" in refused["text"] + text_of(refused["blocks"])

    await make_due(http_bot.database, ADA)
    (dm,) = await fake.wait_for(
        lambda: [c for c in fake.called("chat.postMessage") if c.args.get("metadata")], within=20
    )
    assert dm.args["channel"] == ADA and dm.args["text"].startswith("Day 2 · ")
    assert dm.args["metadata"]["event_payload"]["key"].startswith("mentorbot-delivery-")

    code, stderr = await http_bot.stop()
    assert code == 0, stderr
    assert "Traceback" not in stderr and BOT_TOKEN not in stderr


async def test_socket_mode_takes_requests_over_the_websocket(tmp_path: Path, fake: FakeSlack):
    """With SLACK_APP_TOKEN the bot asks apps.connections.open for its websocket, acknowledges
    each envelope on it and answers through the response_url."""
    bot = await start(tmp_path, fake, SLACK_APP_TOKEN=APP_TOKEN)
    try:
        await fake.wait_for(lambda: fake.called("apps.connections.open"), within=30)
        (opened,) = fake.called("apps.connections.open")
        assert opened.token == APP_TOKEN
        url = fake.response_url()
        payload = command_fields(ADA, "/mentor", "", url)
        await fake.socket_send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        await fake.wait_for(lambda: fake.socket_replies)
        assert fake.socket_replies[0]["envelope_id"] == "env-1"
        (help_,) = await fake.wait_for(lambda: fake.posted(url))
        assert "/mentor start" in text_of(help_["blocks"])
    finally:
        code, stderr = await bot.stop()
    assert code == 0, stderr


async def test_a_refused_bot_token_stops_the_start_with_one_clear_line(
    tmp_path: Path, fake: FakeSlack
):
    """invalid_auth at start: exit 2, a line naming the setting, no traceback, no token."""
    bot = await start(
        tmp_path, fake, SLACK_BOT_TOKEN="xoxb-wrong-secret", SLACK_SIGNING_SECRET=SIGNING_SECRET
    )
    code, stderr = await bot.finished()
    assert code == 2
    assert "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in stderr
    assert "Traceback" not in stderr and "xoxb-wrong-secret" not in stderr
