"""Retrieval over the shipped lessons, and the evaluation that `mentorbot eval` prints."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.core.content import ContentSet
from bot.mentor.evaluation import evaluate, load_cases
from bot.mentor.prompt import cited_numbers, read_reply, strip_citations
from bot.mentor.retrieval import LessonIndex


@pytest.fixture(scope="module")
def index(content: ContentSet) -> LessonIndex:
    return LessonIndex.build(content)


def test_every_lesson_and_project_is_indexed_by_section(index: LessonIndex, content: ContentSet):
    """Each item of every path gives passages, and each passage is one section of it."""
    items = {item.id for path in content.paths.values() for item in path.items}
    assert {p.item_id for p in index.passages} == items
    rag = [p for p in index.passages if p.item_id == "ai-rag"]
    assert {"Overview", "Try it", "Check yourself", "Further reading"} <= {p.heading for p in rag}


def test_search_returns_the_explaining_passage_of_the_best_lesson(index: LessonIndex):
    """A question about hallucinating bots finds the RAG lesson's text, not its exercise."""
    passages = index.search("How do I stop my document bot from making up answers?")
    assert passages and passages[0].item_id in {"ai-rag", "ai-project-rag-chatbot"}
    assert all(p.heading not in {"Try it", "Check yourself"} for p in passages[:1])


@pytest.mark.parametrize("question", ['"unbalanced', "NEAR(a b)", "a* OR -b", "col:x", "^"])
def test_search_syntax_in_a_question_is_harmless(index: LessonIndex, question: str):
    """Quotes, operators and column filters typed by a member are just words to search."""
    index.search(question)


def test_a_question_of_only_common_words_finds_nothing(index: LessonIndex):
    """Nothing worth searching for gives no passages rather than random ones."""
    assert index.search("what is it and how do I do that?") == []


def test_evaluation_finds_nine_in_ten_lessons_in_the_top_three(content: ContentSet):
    """The shipped learner questions find their lesson in the top 3 at least 90 % of the time."""
    cases = load_cases()
    assert len(cases) >= 20
    result = evaluate(content, cases)
    assert not result.unknown, [c.lesson for c in result.unknown]
    assert result.share >= 0.9, [m.case.question for m in result.misses]


def test_eval_command_prints_the_share(capsys: pytest.CaptureFixture[str], clean_env: None):
    """`mentorbot eval retrieval` prints the share of questions found in the top 3."""
    assert main(["eval", "retrieval"]) == 0
    assert "found their lesson in the top 3" in capsys.readouterr().out


def test_unsure_marker_is_held_back_until_it_is_complete():
    """While the reply might still be the marker nothing shows; then it is taken off."""
    assert read_reply("[uns").pending
    assert read_reply("[unsure: vector db").pending
    done = read_reply("[unsure: vector db] Not covered.")
    assert (done.text, done.unsure, done.topic) == ("Not covered.", True, "vector db")
    plain = read_reply("[1] says so.")
    assert not plain.pending and not plain.unsure and plain.text == "[1] says so."


def test_citations_are_read_and_can_be_taken_out():
    """[2], [1, 3] and [0] are read in order; the text reads well without them."""
    assert cited_numbers("A [2]. B [1, 3]. C [0] and [2].") == [2, 1, 3, 0]
    assert strip_citations("Use a schema [1]. Validate it [1, 2].") == "Use a schema. Validate it."
