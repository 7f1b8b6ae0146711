"""The Slack adapter running in this process against the local Slack, reached over real HTTP
with signed requests; and helpers to read what the bot posted."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import App, build_app, create_adapter
from bot.core.clock import FixedClock
from bot.core.commands import Handler, Router, build_actions, build_commands
from bot.platforms.slack.adapter import SlackAdapter
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from bot.testing.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    TEAM,
    FakeSlack,
    command_body,
    event_body,
    interaction_body,
    signed,
    user,
)
from tests.conftest import START

ADA, BOB, MOD, OWNER = "UADA", "UBOB", "UMOD", "UOWNER"
FORM = "application/x-www-form-urlencoded"
# Where a private answer to a slash command sits, as a click on it reports.
EPHEMERAL = {
    "type": "message",
    "message_ts": "1700000000.000000",
    "channel_id": "C0GENERAL",
    "is_ephemeral": True,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def slack_settings(tmp_path: Path, fake: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'slack.db'}",
        "MENTORBOT_CONTENT_DIR": DEFAULT_CONTENT_DIR,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": fake.base_url,
        "SLACK_MODERATOR_IDS": MOD,
        "MENTORBOT_SLACK_HOST": "127.0.0.1",
        "MENTORBOT_SLACK_PORT": free_port(),
        "MENTORBOT_ASK_EDIT_INTERVAL": 0,
        **extra,
    }
    return Settings(_env_file=None, **values)


def workspace(fake: FakeSlack) -> None:
    fake.users.update(
        {
            ADA: user(ADA, "Ada", "America/New_York"),
            BOB: user(BOB, "Bob", "Asia/Tokyo"),
            MOD: user(MOD, "Mo", "UTC"),
            OWNER: user(OWNER, "Olu", "Africa/Lagos", owner=True),
        }
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        workspace(server)
        yield server


@dataclass
class Slack:
    """Sends the running bot what Slack would, and reads what it posted back."""

    fake: FakeSlack
    app: App
    adapter: SlackAdapter
    url: str
    http: aiohttp.ClientSession

    async def post(
        self, body: str, content_type: str = FORM, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = {"Content-Type": content_type, **(headers or signed(body))}
        async with self.http.post(self.url, data=body.encode(), headers=headers) as response:
            return response.status, await response.text()

    async def command(self, user_id: str, text: str = "", command: str = "/mentor", **extra) -> str:
        """Run a slash command; returns its response_url."""
        url = self.fake.response_url()
        status, _ = await self.post(command_body(user_id, command, text, url, **extra))
        assert status == 200
        return url

    async def reply(self, user_id: str, text: str = "", command: str = "/mentor") -> dict[str, Any]:
        """Run a slash command and wait for its first private answer."""
        url = await self.command(user_id, text, command)
        return (await self.fake.wait_for(lambda: self.fake.posted(url)))[0]

    async def click(
        self,
        user_id: str,
        button: dict[str, Any],
        *,
        container: dict[str, Any] | None = None,
        response_url: str | None = None,
    ) -> str:
        """Click a button the bot rendered; returns the click's response_url (a click in the
        home tab, `container` of type view, has none)."""
        container = container or EPHEMERAL
        if container["type"] == "message":
            response_url = response_url or self.fake.response_url()
        payload = {
            "type": "block_actions",
            "team": {"id": TEAM},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM},
            "trigger_id": f"trigger.click.{user_id}",
            "response_url": response_url,
            "container": container,
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b",
                    "value": button.get("value", ""),
                    "action_ts": "1",
                }
            ],
        }
        if response_url is None:
            del payload["response_url"]
        status, _ = await self.post(interaction_body(payload))
        assert status == 200
        return response_url or ""

    async def submit(self, user_id: str, view: dict[str, Any], values: dict[str, str]) -> None:
        """Fill in and submit a modal the bot opened."""
        state = {
            block["block_id"]: {
                block["element"]["action_id"]: {
                    "type": block["element"]["type"],
                    "value": values.get(block["block_id"], ""),
                }
            }
            for block in view["blocks"]
            if block["type"] == "input"
        }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": user_id, "username": user_id.lower(), "team_id": TEAM},
            "view": {**view, "id": "V1", "state": {"values": state}},
        }
        status, _ = await self.post(interaction_body(payload))
        assert status == 200

    async def event(self, event: dict[str, Any]) -> None:
        body = event_body(event)
        status, _ = await self.post(body, "application/json")
        assert status == 200


@contextlib.asynccontextmanager
async def running_slack(
    tmp_path: Path, fake: FakeSlack, actions: dict[str, Handler] | None = None, **settings: Any
) -> AsyncIterator[Slack]:
    """The whole app with its Slack adapter in HTTP mode, listening on a free local port;
    `actions` adds handlers for ids no command has yet."""
    config = slack_settings(tmp_path, fake, **settings)
    app = await build_app(config, FixedClock(START))
    if actions:
        app.router = Router(app.services, build_commands(), {**build_actions(), **actions})
    adapter = create_adapter("slack", app, config)
    app.dispatcher.add_messenger(adapter.messenger)
    stop = asyncio.Event()
    running = asyncio.create_task(adapter.run(stop))
    for _ in range(200):
        if adapter.connected() or running.done():
            break
        await asyncio.sleep(0.02)
    url = f"http://127.0.0.1:{config.slack_port}/slack/events"
    try:
        async with aiohttp.ClientSession() as http:
            yield Slack(fake, app, adapter, url, http)
    finally:
        stop.set()
        await running
        await app.close()


@pytest.fixture
async def slack(clean_env: None, tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Slack]:
    async with running_slack(tmp_path, fake) as running:
        yield running


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def text_of(blocks: list[dict[str, Any]] | str) -> str:
    """Every text in a list of blocks, for asserting on what the member reads."""
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    return json.dumps(blocks, ensure_ascii=False)
