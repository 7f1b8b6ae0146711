"""What command handlers need, wired once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.clock import Clock
from bot.core.content import ContentSet
from bot.core.db import SessionFactory
from bot.core.ports import Mentor


class ContentStore:
    """Holds the content set in use; publishing swaps it in one step."""

    def __init__(self, content: ContentSet, directory: Path) -> None:
        self.current = content
        self.directory = directory

    def replace(self, content: ContentSet) -> None:
        self.current = content


@dataclass
class Services:
    db: SessionFactory
    content: ContentStore
    clock: Clock
    default_timezone: str = "UTC"
    mentor: Mentor | None = None
