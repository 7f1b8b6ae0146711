"""Placement: clear-cut answers pick a path with reasons; mixed answers pick explorer."""

from __future__ import annotations

from bot.core.content import ContentSet, Quiz
from bot.core.placement import place, pull
from tests.conftest import leaning_answers, mixed_answers


def _by_id(quiz: Quiz, answers: list[int]) -> dict[str, int]:
    return {q.id: answer for q, answer in zip(quiz.questions, answers, strict=True)}


def _option(quiz: Quiz, question_id: str, words: str) -> int:
    question = quiz.question(question_id)
    return next(i for i, o in enumerate(question.options) if words in o.text.lower())


def test_ai_leaning_answers_place_on_ai_engineer(content: ContentSet):
    """The answers that lean most towards AI place on ai-engineer with two or three reasons."""
    placement = place(
        content.quiz, _by_id(content.quiz, leaning_answers(content.quiz, "ai-engineer"))
    )
    assert placement.path_id == "ai-engineer" and placement.decided
    assert 2 <= len(placement.reasons) <= 3


def test_ml_leaning_answers_place_on_ml_engineer(content: ContentSet):
    """The answers that lean most towards ML place on ml-engineer."""
    placement = place(
        content.quiz, _by_id(content.quiz, leaning_answers(content.quiz, "ml-engineer"))
    )
    assert placement.path_id == "ml-engineer" and placement.decided
    assert 2 <= len(placement.reasons) <= 3


def test_mixed_answers_place_on_explorer(content: ContentSet):
    """Alternating AI- and ML-leaning answers are a near tie, which goes to explorer."""
    for first, second in (("ai-engineer", "ml-engineer"), ("ml-engineer", "ai-engineer")):
        placement = place(
            content.quiz, _by_id(content.quiz, mixed_answers(content.quiz, first, second))
        )
        assert placement.path_id == "explorer"
        assert not placement.decided


def test_reasons_come_from_the_chosen_answers(content: ContentSet):
    """The reasons shown are the reason texts of options the member picked."""
    answers = _by_id(content.quiz, leaning_answers(content.quiz, "ai-engineer"))
    placement = place(content.quiz, answers)
    picked = {q.options[answers[q.id]].reason for q in content.quiz.questions}
    assert set(placement.reasons) <= picked


def test_a_software_engineer_background_moves_a_member_one_point_at_most(content: ContentSet):
    """Most members are software engineers and both roles build on it, so it barely tilts."""
    engineer = content.quiz.question("background").options[
        _option(content.quiz, "background", "software engineer")
    ]
    assert all(pull(engineer, path) <= 1 for path in ("ai-engineer", "ml-engineer"))


def test_never_having_studied_maths_leans_towards_ai_engineering(content: ContentSet):
    """'Never studied' maths counts towards AI engineering, which needs little of it."""
    never = _option(content.quiz, "maths", "never")
    scores = place(content.quiz, {"maths": never}).scores
    assert scores["ai-engineer"] > scores["ml-engineer"]


def test_time_options_run_from_least_to_most(content: ContentSet):
    """Hours per week are listed in ascending order, whatever path each answer leans to."""
    texts = [o.text for o in content.quiz.question("time").options]
    assert texts[0].startswith("Less than") and texts[-1].endswith("or more")
    middle = [int(t.split()[0]) for t in texts[1:-1]]
    assert middle == sorted(middle)
