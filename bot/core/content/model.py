"""The loaded, validated content set: what the rest of the bot reads."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.core.content.schema import QuizQuestion


@dataclass(frozen=True)
class Item:
    path_id: str
    id: str
    kind: str
    day: int
    title: str
    minutes: int
    objectives: tuple[str, ...]
    tags: tuple[str, ...]
    deliverable: str | None
    body: str
    source: Path
    # Ids of items on the same path, on earlier days, that this item builds on.
    requires: tuple[str, ...] = ()

    @property
    def is_project(self) -> bool:
        return self.kind == "project"


@dataclass(frozen=True)
class LearningPath:
    id: str
    title: str
    summary: str
    description: str
    items: tuple[Item, ...]
    # Items that left this path in a published revision, each with the item it came after
    # (None: it was first), so a member whose place was on one moves on from that place.
    retired: Mapping[str, str | None] = field(default_factory=dict, compare=False, hash=False)

    @property
    def lessons(self) -> int:
        return sum(1 for item in self.items if not item.is_project)

    @property
    def projects(self) -> int:
        return sum(1 for item in self.items if item.is_project)

    def item(self, item_id: str) -> Item | None:
        index = self._index.get(item_id)
        return self.items[index] if index is not None else None

    @cached_property
    def _index(self) -> dict[str, int]:
        return {item.id: i for i, item in enumerate(self.items)}

    def position(self, item_id: str | None) -> float | None:
        """Where `item_id` stands: its index, or for an item that has left the path, half a
        step after the item it followed (-0.5 if it was first). None if never on this path."""
        seen: set[str] = set()
        offset = 0.0
        while item_id is not None:
            index = self._index.get(item_id)
            if index is not None:
                return index + offset
            if item_id in seen or item_id not in self.retired:
                return None
            seen.add(item_id)
            item_id, offset = self.retired[item_id], 0.5
        return -0.5

    def at_or_after(self, item_id: str) -> Item | None:
        """The item itself, or for one that has left the path, the first item after its place."""
        position = self.position(item_id)
        if position is None:
            return None
        index = math.ceil(position)
        return self.items[index] if index < len(self.items) else None


@dataclass(frozen=True)
class Quiz:
    explorer_margin: int
    fallback_path: str
    questions: tuple[QuizQuestion, ...]

    def question(self, question_id: str) -> QuizQuestion | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class ContentSet:
    paths: dict[str, LearningPath]
    quiz: Quiz

    def path(self, path_id: str) -> LearningPath | None:
        return self.paths.get(path_id)

    def item(self, item_id: str) -> Item | None:
        for path in self.paths.values():
            if found := path.item(item_id):
                return found
        return None

    def summary(self) -> str:
        lines = [
            f"{len(self.paths)} paths, "
            f"{sum(p.lessons for p in self.paths.values())} lessons, "
            f"{sum(p.projects for p in self.paths.values())} projects, "
            f"{len(self.quiz.questions)} quiz questions"
        ]
        for path in self.paths.values():
            lines.append(f"  {path.id}: {path.lessons} lessons, {path.projects} projects")
        return "\n".join(lines)


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{_shown(self.file)}:{self.line}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except (ValueError, OSError, RuntimeError):
        # Outside the working directory, or a link that cannot be resolved (a loop).
        return str(path)
