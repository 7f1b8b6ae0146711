"""The platforms mentorbot serves, and which of them the settings switch on.

Each platform package offers `create_adapter(app, settings)` (the full connection: commands,
clicks, DMs) and `create_messenger(settings)` (DMs only, over the platform's REST API, for
`mentorbot worker`). Their SDKs are imported only when one is created.
"""

from __future__ import annotations

from bot.settings import Settings

CONSOLE, DISCORD, SLACK = "console", "discord", "slack"
# The platforms that connect to a server; the console is what runs when none is configured.
NETWORKED = (DISCORD, SLACK)


def configured(settings: Settings) -> tuple[list[str], list[str]]:
    """The networked platforms the settings switch on, and lines explaining any half-set one."""
    chosen: list[str] = []
    notes: list[str] = []
    if settings.discord_token is not None:
        chosen.append(DISCORD)
    if settings.slack_bot_token is not None:
        if settings.slack_app_token is None and settings.slack_signing_secret is None:
            notes.append(
                "SLACK_BOT_TOKEN is set, but Slack also needs SLACK_APP_TOKEN (Socket Mode) or "
                "SLACK_SIGNING_SECRET (HTTP mode); Slack is not started"
            )
        else:
            chosen.append(SLACK)
    elif settings.slack_app_token is not None or settings.slack_signing_secret is not None:
        notes.append("Slack needs SLACK_BOT_TOKEN too; Slack is not started")
    return chosen, notes


def select(settings: Settings, requested: str | None) -> tuple[list[str], list[str]]:
    """What `mentorbot run` starts, and the lines that explain the choice to the operator."""
    if requested:
        return [requested], []
    chosen, notes = configured(settings)
    if not chosen:
        notes.append(
            "no DISCORD_TOKEN or SLACK_BOT_TOKEN set: starting the console "
            "(`mentorbot run --platform console` skips this check)"
        )
        chosen.append(CONSOLE)
    return chosen, notes
