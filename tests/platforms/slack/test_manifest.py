"""The shipped Slack app manifest matches the commands, events and path the bot serves."""

from __future__ import annotations

from pathlib import Path

import yaml

import bot
from bot.core.commands import build_commands
from bot.platforms.slack.adapter import EVENTS_PATH

MANIFEST = Path(bot.__file__).resolve().parent.parent / "slack-app-manifest.yaml"


def manifest(http_mode: bool = False) -> dict:
    text = MANIFEST.read_text(encoding="utf-8")
    if http_mode:
        text = text.replace("# url:", "url:").replace("# request_url:", "request_url:")
        text = text.replace("socket_mode_enabled: true", "socket_mode_enabled: false")
    return yaml.safe_load(text)


def test_every_command_group_is_a_slash_command_listing_its_subcommands():
    """/mentor and /mentor-admin exist, and each usage hint names every subcommand."""
    declared = {c["command"]: c["usage_hint"] for c in manifest()["features"]["slash_commands"]}
    commands = build_commands()
    assert set(declared) == {f"/{c.group}" for c in commands}
    for command in commands:
        assert command.name in declared[f"/{command.group}"]


def test_the_events_scopes_and_home_tab_the_bot_needs_are_asked_for():
    """The home tab, DM messages, interactivity and the scopes behind each call are on."""
    app = manifest()
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    assert set(app["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
    }
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert {"commands", "chat:write", "im:write", "im:history", "users:read"} <= set(
        app["oauth_config"]["scopes"]["bot"]
    )
    assert app["settings"]["socket_mode_enabled"] is True


def test_uncommented_for_http_mode_every_request_url_is_the_events_path():
    """HTTP mode: the three commented request URLs all point at /slack/events."""
    app = manifest(http_mode=True)
    urls = [c["url"] for c in app["features"]["slash_commands"]]
    urls += [
        app["settings"]["event_subscriptions"]["request_url"],
        app["settings"]["interactivity"]["request_url"],
    ]
    assert len(urls) == 4 and all(url.endswith(EVENTS_PATH) for url in urls)
    assert app["settings"]["socket_mode_enabled"] is False
