"""How often retrieval finds the lesson that answers a learner's question (`mentorbot eval`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.content import ContentSet
from bot.mentor.retrieval import LessonIndex

QUESTIONS_FILE = Path(__file__).with_name("eval_questions.yaml")


@dataclass(frozen=True)
class Case:
    question: str
    lesson: str


@dataclass(frozen=True)
class Miss:
    case: Case
    found: list[str]


@dataclass(frozen=True)
class Result:
    total: int
    hits: int
    misses: list[Miss]
    unknown: list[Case]

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 0.0


def load_cases(file: Path = QUESTIONS_FILE) -> list[Case]:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    return [Case(str(q["question"]), str(q["lesson"])) for q in data["questions"]]


def evaluate(content: ContentSet, cases: list[Case], top: int = 3) -> Result:
    """Each case is a hit when its lesson is among the `top` lessons retrieved for it.

    A case naming a lesson the content does not have counts as a miss, so renaming a lesson
    shows up here instead of quietly shrinking the set.
    """
    index = LessonIndex.build(content)
    misses: list[Miss] = []
    unknown = [case for case in cases if content.item(case.lesson) is None]
    for case in cases:
        found = index.lessons(case.question, top)
        if case.lesson not in found:
            misses.append(Miss(case, found))
    index.close()
    return Result(len(cases), len(cases) - len(misses), misses, unknown)


def describe(result: Result, top: int = 3) -> str:
    lines = []
    for miss in result.misses:
        lines.append(f"miss: {miss.case.question}")
        lines.append(f"      wanted {miss.case.lesson}; got {', '.join(miss.found) or 'nothing'}")
    for case in result.unknown:
        lines.append(f"unknown lesson id '{case.lesson}' (question: {case.question})")
    lines.append(
        f"retrieval: {result.hits} of {result.total} questions found their lesson in the "
        f"top {top} ({result.share:.1%})"
    )
    return "\n".join(lines)
