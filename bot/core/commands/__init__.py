"""The command surface, the same on every platform; adapters map their UI onto it."""

from bot.core.commands.base import Command, Context, Handler, Replier
from bot.core.commands.registry import build_actions, build_commands
from bot.core.commands.router import Router

__all__ = ["Command", "Context", "Handler", "Replier", "Router", "build_actions", "build_commands"]
