"""The learner questions of `mentorbot eval retrieval`, and the floors they must keep."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.core.content import ContentSet
from bot.mentor.evaluation import Result, evaluate, load_eval


@pytest.fixture(scope="module")
def result(content: ContentSet) -> Result:
    return evaluate(content, load_eval())


def test_eval_set_has_over_a_hundred_questions_with_follow_ups(content: ContentSet):
    """100+ questions, follow-ups among them, each naming a question asked before it in the set,
    and every key term is in the text of the lesson it names."""
    questions = load_eval()
    cases = questions.cases
    assert len(cases) >= 100
    follow_ups = [case for case in cases if case.follows]
    assert len(follow_ups) >= 10
    asked = {case.question for case in cases}
    assert all(case.follows in asked for case in follow_ups)
    for case in cases:
        item = content.item(case.lesson)
        assert item is not None, case.lesson
        assert all(term in item.body.lower() for term in case.key_terms), case.question
    assert len(questions.off_topic) >= 10


def test_nine_in_ten_questions_find_their_lesson_in_the_top_three(result: Result):
    """The shipped learner questions find their lesson in the top 3 at least 90 % of the time."""
    assert not result.unknown, [c.lesson for c in result.unknown]
    assert result.share >= 0.9, [m.case.question for m in result.misses]


def test_quoted_answers_quote_the_lesson_and_hold_the_key_terms(result: Result):
    """Without a key, nine in ten answers quote the lesson that answers, and three in four
    quotes hold every key term of the answer."""
    assert result.quoted_share >= 0.9
    assert result.with_terms >= 100
    assert result.terms_share >= 0.75, [m.case.question for m in result.quote_misses]


def test_questions_the_lessons_do_not_answer_are_told_so(result: Result):
    """At least half the off-topic questions get "nothing fits" rather than a weak quote."""
    assert result.refused_share >= 0.5, result.answered_off_topic


def test_eval_command_prints_the_shares(capsys: pytest.CaptureFixture[str], clean_env: None):
    """`mentorbot eval retrieval` prints the top-3 share, the quote shares and the off-topic
    share."""
    assert main(["eval", "retrieval"]) == 0
    out = capsys.readouterr().out
    assert "found their lesson in the top 3" in out
    assert "hold the key terms" in out and "were told nothing fits" in out
