"""Platform selection at start-up."""

from __future__ import annotations

from bot.app import select_platforms
from bot.settings import Settings


def _settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_tokens_starts_the_console(clean_env):
    """Without tokens the console starts and the operator is told why."""
    platforms, notes = select_platforms(_settings(), None)
    assert platforms == ["console"]
    assert any("no DISCORD_TOKEN" in n and "starting the console" in n for n in notes)


def test_tokens_pick_their_platforms(clean_env):
    """A Discord token picks Discord; both Slack tokens pick Slack; both at once is allowed."""
    both = _settings(DISCORD_TOKEN="d", SLACK_BOT_TOKEN="xoxb", SLACK_APP_TOKEN="xapp")
    assert select_platforms(both, None)[0] == ["discord", "slack"]
    assert select_platforms(_settings(DISCORD_TOKEN="d"), None)[0] == ["discord"]


def test_half_configured_slack_is_explained(clean_env):
    """A Slack bot token without the app token names the missing variable."""
    platforms, notes = select_platforms(_settings(SLACK_BOT_TOKEN="xoxb"), None)
    assert platforms == ["console"]
    assert any("SLACK_APP_TOKEN is not set" in n for n in notes)


def test_explicit_platform_wins(clean_env):
    """--platform console starts the console even with tokens set."""
    assert select_platforms(_settings(DISCORD_TOKEN="d"), "console")[0] == ["console"]
