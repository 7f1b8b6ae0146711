from bot.platforms.console.adapter import ConsoleAdapter, ConsoleReplier, parse_duration

__all__ = ["ConsoleAdapter", "ConsoleReplier", "parse_duration"]
