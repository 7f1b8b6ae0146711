"""Errors a member or moderator can cause: the message says what to do instead."""


class UserError(Exception):
    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
