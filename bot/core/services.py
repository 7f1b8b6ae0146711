"""What command handlers need, wired once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.clock import Clock
from bot.core.content import ContentSet
from bot.core.db import SessionFactory
from bot.core.members import Caller
from bot.core.messages import Message

if TYPE_CHECKING:
    from bot.core.commands.base import Replier


class ContentStore:
    """Holds the content set in use; publishing swaps it in one step."""

    def __init__(self, content: ContentSet, directory: Path) -> None:
        self.current = content
        self.directory = directory

    def replace(self, content: ContentSet) -> None:
        self.current = content


class Mentor(Protocol):
    """The AI mentor as the core sees it; `bot.mentor` implements it, the app wires it in."""

    async def ask(self, caller: Caller, question: str, reply: Replier) -> None:
        """Answer the caller's question, streaming the answer into `reply`."""
        ...

    async def feedback(self, caller: Caller, value: str, reply: Replier) -> None:
        """Store a 👍/👎 picked on an answer (`value` comes from the answer's choices)."""
        ...

    async def report(self) -> Message:
        """Usage, feedback and coverage gaps, for moderators."""
        ...


@dataclass
class Services:
    db: SessionFactory
    content: ContentStore
    clock: Clock
    default_timezone: str = "UTC"
    mentor: Mentor | None = None
