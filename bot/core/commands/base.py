"""The pieces every command handler shares: its context, the reply port, the command record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.core.members import Caller
from bot.core.messages import Message, MessageRef
from bot.core.services import Services


class Replier(Protocol):
    """Where a handler's answers go: the adapter knows the channel, thread or DM."""

    async def send(self, message: Message) -> MessageRef: ...

    async def edit(self, ref: MessageRef, message: Message) -> None: ...


@dataclass
class Context:
    caller: Caller
    args: str
    services: Services
    reply: Replier

    @property
    def argv(self) -> list[str]:
        return self.args.split()


Handler = Callable[[Context], Awaitable[None]]


@dataclass(frozen=True)
class Command:
    group: str
    name: str
    summary: str
    handler: Handler
    usage: str = ""
    moderator: bool = False

    @property
    def invocation(self) -> str:
        return f"/{self.group} {self.name}" + (f" {self.usage}" if self.usage else "")
