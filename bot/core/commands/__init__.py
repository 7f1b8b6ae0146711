"""The command surface, the same on every platform; adapters map their UI onto it."""

from bot.core.commands.base import Command, Context, Handler, Kind, Param, Suggest
from bot.core.commands.registry import build_actions, build_commands
from bot.core.commands.router import Router

__all__ = [
    "Command",
    "Context",
    "Handler",
    "Kind",
    "Param",
    "Router",
    "Suggest",
    "build_actions",
    "build_commands",
]
