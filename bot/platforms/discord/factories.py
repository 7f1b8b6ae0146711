"""What the composition root asks of the Discord package: an adapter or a REST-only messenger.

discord.py is imported only when one of these is called, so a bot without a Discord token never
loads it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.app import App
    from bot.core.ports import Adapter, Messenger
    from bot.settings import Settings


def create_adapter(app: App, settings: Settings) -> Adapter:
    """The full connection: the gateway for commands and clicks, REST for replies and DMs."""
    from bot.platforms.discord.adapter import DiscordAdapter
    from bot.platforms.discord.client import MentorClient, point_at
    from bot.platforms.discord.interactions import Interactions

    point_at(settings)
    interactions = Interactions(app.router, app.services, settings.discord_moderator_role_id)
    client = MentorClient(app.router.commands, interactions)
    return DiscordAdapter(client, _token(settings), settings.discord_api_base_url)


def create_messenger(settings: Settings) -> Messenger:
    """Lesson DMs over REST only, for `mentorbot worker`: no gateway connection."""
    from bot.platforms.discord.client import point_at
    from bot.platforms.discord.messenger import DiscordMessenger, RestLogin

    point_at(settings)
    login = RestLogin(_token(settings), settings.discord_api_base_url)
    return DiscordMessenger(login, close=login.close)


def _token(settings: Settings) -> str:
    if settings.discord_token is None:
        raise ValueError("DISCORD_TOKEN is not set")
    return settings.discord_token.get_secret_value()
