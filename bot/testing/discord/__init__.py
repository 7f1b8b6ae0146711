"""A local stand-in for Discord: the REST API discord.py calls and the gateway websocket, and
`mentorbot` run as a separate process pointed at it (tests and `mentorbot bench discord`)."""

from bot.testing.discord.payloads import APP_ID, CHANNEL_ID, GUILD_ID, MODERATOR_ROLE, User
from bot.testing.discord.server import FakeDiscord, Interaction, labels, text

__all__ = [
    "APP_ID",
    "CHANNEL_ID",
    "GUILD_ID",
    "MODERATOR_ROLE",
    "FakeDiscord",
    "Interaction",
    "User",
    "labels",
    "text",
]
