"""Errors a member, moderator or operator can cause: the message says what to do instead."""


class UserError(Exception):
    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage


class SetupError(Exception):
    """Something the operator must fix before the bot can run (a refused token, an unreachable
    platform): the bot stops with this one message instead of a traceback."""
