from bot.platforms.console.adapter import ConsoleAdapter, ConsoleReplier, parse_duration
from bot.platforms.console.messenger import ConsoleMessenger

__all__ = ["ConsoleAdapter", "ConsoleMessenger", "ConsoleReplier", "parse_duration"]
