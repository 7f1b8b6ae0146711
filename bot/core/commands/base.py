"""The pieces every command handler shares: its context and the command record."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.messages import Attachment, MessageRef
from bot.core.ports import Caller, Replier
from bot.core.services import Services


@dataclass
class Context:
    caller: Caller
    args: str
    services: Services
    reply: Replier
    # What a form submission filled in, and files sent with a command or a form.
    fields: Mapping[str, str] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()
    # The message whose button or select was used, where the platform says which.
    origin: MessageRef | None = None

    @property
    def argv(self) -> list[str]:
        return self.args.split()


Handler = Callable[[Context], Awaitable[None]]


class Kind(StrEnum):
    """What a command parameter holds; Discord turns each into a typed option."""

    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    ATTACHMENT = "attachment"


class Suggest(StrEnum):
    """Where a parameter's autocomplete suggestions come from (`bot.core.commands.suggest`)."""

    PATHS = "paths"
    TIMEZONES = "timezones"
    ITEMS = "items"


@dataclass(frozen=True)
class Param:
    """One command parameter. Text platforms parse the parameters from the words after the
    command, in order, the last taking the rest of the line; Discord asks for each as a typed
    option and joins the values back into that line."""

    name: str
    description: str
    kind: Kind = Kind.TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    suggest: Suggest | None = None

    @property
    def usage(self) -> str:
        return f"<{self.name}>" if self.required else f"[{self.name}]"


@dataclass(frozen=True)
class Command:
    group: str
    name: str
    summary: str
    handler: Handler
    params: tuple[Param, ...] = ()
    moderator: bool = False
    # Only the caller sees the answer: an adapter knows at acknowledgement time whether the
    # reply (or the "thinking…" placeholder) is ephemeral. Every answer on today's surface is
    # personal.
    private: bool = True
    # Slow commands (the mentor, publishing) are deferred at once on platforms with a deadline.
    slow: bool = False

    @property
    def usage(self) -> str:
        return " ".join(p.usage for p in self.params if p.kind != Kind.ATTACHMENT)

    @property
    def invocation(self) -> str:
        return f"/{self.group} {self.name}" + (f" {self.usage}" if self.usage else "")
