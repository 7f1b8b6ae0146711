"""Discord: slash commands, buttons, forms and lesson DMs through discord.py (docs/discord.md)."""

from bot.platforms.discord.factories import create_adapter, create_messenger

__all__ = ["create_adapter", "create_messenger"]
