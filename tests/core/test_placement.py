"""Placement: clear-cut answers pick a path with reasons; mixed answers pick explorer."""

from __future__ import annotations

from bot.core.content import ContentSet
from bot.core.placement import place


def _answers(content: ContentSet, pattern: list[int]) -> dict[str, int]:
    questions = content.quiz.questions
    return {q.id: pattern[i % len(pattern)] for i, q in enumerate(questions)}


def test_ai_leaning_answers_place_on_ai_engineer(content: ContentSet):
    """Every first (AI-leaning) option places on ai-engineer with two or three reasons."""
    placement = place(content.quiz, _answers(content, [0]))
    assert placement.path_id == "ai-engineer" and placement.decided
    assert 2 <= len(placement.reasons) <= 3


def test_ml_leaning_answers_place_on_ml_engineer(content: ContentSet):
    """Every second (ML-leaning) option places on ml-engineer."""
    placement = place(content.quiz, _answers(content, [1]))
    assert placement.path_id == "ml-engineer" and placement.decided
    assert 2 <= len(placement.reasons) <= 3


def test_mixed_answers_place_on_explorer(content: ContentSet):
    """Alternating answers are a near tie, which goes to explorer."""
    for pattern in ([0, 1], [1, 0]):
        placement = place(content.quiz, _answers(content, pattern))
        assert placement.path_id == "explorer"
        assert not placement.decided


def test_reasons_come_from_the_chosen_answers(content: ContentSet):
    """The reasons shown are the reason texts of options the member picked."""
    answers = _answers(content, [0])
    placement = place(content.quiz, answers)
    picked = {q.options[answers[q.id]].reason for q in content.quiz.questions}
    assert set(placement.reasons) <= picked
