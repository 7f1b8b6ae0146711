"""Placement: quiz answers -> a path, the scores, and the answers that decided it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.content import Quiz
from bot.core.content.schema import QuizOption

MAX_REASONS = 3


@dataclass(frozen=True)
class Placement:
    path_id: str
    scores: dict[str, int]
    reasons: tuple[str, ...]
    # False when the answers were mixed and the member goes to the fallback (explorer) path.
    decided: bool


def chosen_options(quiz: Quiz, answers: Mapping[str, int]) -> list[QuizOption]:
    return [q.options[answers[q.id]] for q in quiz.questions if q.id in answers]


def place(quiz: Quiz, answers: Mapping[str, int]) -> Placement:
    options = chosen_options(quiz, answers)
    candidates = sorted({path for q in quiz.questions for o in q.options for path in o.weights})
    scores = {path: sum(o.weights.get(path, 0) for o in options) for path in candidates}
    ranked = sorted(scores, key=lambda path: scores[path], reverse=True)
    if not ranked:
        return Placement(quiz.fallback_path, scores, (), decided=False)
    leader = ranked[0]
    runner_up = scores[ranked[1]] if len(ranked) > 1 else 0
    if scores[leader] - runner_up < quiz.explorer_margin:
        reasons = [r for path in ranked[:2] if (r := _strongest_reasons(options, path, 1))]
        return Placement(quiz.fallback_path, scores, tuple(r[0] for r in reasons), decided=False)
    return Placement(leader, scores, tuple(_strongest_reasons(options, leader, MAX_REASONS)), True)


def pull(option: QuizOption, path: str) -> int:
    """How far an answer moves a member towards `path`, ahead of any other path it names."""
    others = [w for p, w in option.weights.items() if p != path]
    return option.weights.get(path, 0) - max(others, default=0)


def _strongest_reasons(options: list[QuizOption], path: str, limit: int) -> list[str]:
    ranked = sorted(
        (o for o in options if pull(o, path) > 0), key=lambda o: pull(o, path), reverse=True
    )
    return [o.reason for o in ranked[:limit]]
