"""What command handlers need, wired once by the composition root."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.clock import Clock
from bot.core.content import ContentSet
from bot.core.db import SessionFactory
from bot.core.metrics import NoMetrics
from bot.core.ports import Mentor, Metrics
from bot.core.publishing.pending import PendingUploads

log = logging.getLogger(__name__)


class ContentStore:
    """Holds the content set in use and its revision; publishing swaps it in one step, and
    whatever depends on it (the mentor's search index) is told."""

    def __init__(self, content: ContentSet, directory: Path, version: int | None = None) -> None:
        self.current = content
        self.directory = directory
        self.version = version
        self._listeners: list[Callable[[ContentSet], None]] = []

    def on_replace(self, listener: Callable[[ContentSet], None]) -> None:
        self._listeners.append(listener)

    def replace(self, content: ContentSet, version: int | None = None) -> None:
        self.current = content
        self.version = version
        for listener in self._listeners:
            try:
                listener(content)
            except Exception:
                # The new content is in use either way; what failed catches up on its next use.
                log.exception("updating %r after new content failed", listener)


@dataclass
class Services:
    db: SessionFactory
    content: ContentStore
    clock: Clock
    default_timezone: str = "UTC"
    mentor: Mentor | None = None
    metrics: Metrics = field(default_factory=NoMetrics)
    # Valid uploads waiting for the moderator's Publish click.
    uploads: PendingUploads = field(default_factory=PendingUploads)
