"""Slack through slack-bolt: `create_adapter` for `mentorbot run`, `create_messenger` for
`mentorbot worker`. The SDKs are imported only when one of them is called."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.checks import StartupProblem

if TYPE_CHECKING:
    from bot.app import App
    from bot.platforms.slack.adapter import SlackAdapter
    from bot.platforms.slack.messenger import SlackMessenger
    from bot.settings import Settings


def create_adapter(app: App, settings: Settings) -> SlackAdapter:
    from bot.platforms.slack.adapter import SlackAdapter

    adapter = SlackAdapter(app.router, app.services, settings)
    # Closed after the runtime's last delivery tick, which may still be sending through it.
    app.closers.append(adapter.messenger.aclose)
    return adapter


def create_messenger(settings: Settings) -> SlackMessenger:
    from bot.platforms.slack.messenger import SlackMessenger
    from bot.platforms.slack.web import SlackWeb

    if settings.slack_bot_token is None:
        raise StartupProblem("Slack needs SLACK_BOT_TOKEN (the bot token, xoxb-…)")
    token = settings.slack_bot_token.get_secret_value()
    return SlackMessenger(SlackWeb(token, settings.slack_api_url))
