"""The loaded, validated content set: what the rest of the bot reads."""

from __future__ import annotations

from dataclasses import dataclass
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

    @property
    def lessons(self) -> int:
        return sum(1 for item in self.items if not item.is_project)

    @property
    def projects(self) -> int:
        return sum(1 for item in self.items if item.is_project)

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)


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
    except ValueError:
        return str(path)
