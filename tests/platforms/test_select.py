"""Which platforms `mentorbot run` starts, from the settings."""

from __future__ import annotations

from bot.platforms import select
from bot.settings import Settings


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_tokens_starts_the_console(clean_env):
    """Without tokens the console starts and the operator is told why."""
    platforms, notes = select(_settings(), None)
    assert platforms == ["console"]
    assert any("no DISCORD_TOKEN" in n and "starting the console" in n for n in notes)


def test_tokens_pick_their_platforms(clean_env):
    """A Discord token picks Discord; a Slack bot token with either mode's secret picks Slack;
    both platforms at once is allowed."""
    both = _settings(DISCORD_TOKEN="d", SLACK_BOT_TOKEN="xoxb", SLACK_APP_TOKEN="xapp")
    assert select(both, None)[0] == ["discord", "slack"]
    assert select(_settings(DISCORD_TOKEN="d"), None)[0] == ["discord"]
    http = _settings(SLACK_BOT_TOKEN="xoxb", SLACK_SIGNING_SECRET="s")
    assert select(http, None)[0] == ["slack"]


def test_half_configured_slack_is_explained(clean_env):
    """A Slack bot token with neither the app token nor the signing secret names both."""
    platforms, notes = select(_settings(SLACK_BOT_TOKEN="xoxb"), None)
    assert platforms == ["console"]
    assert any("SLACK_APP_TOKEN" in n and "SLACK_SIGNING_SECRET" in n for n in notes)


def test_explicit_platform_wins(clean_env):
    """--platform console starts the console even with tokens set."""
    assert select(_settings(DISCORD_TOKEN="d"), "console")[0] == ["console"]
