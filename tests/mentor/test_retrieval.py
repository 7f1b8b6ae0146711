"""Retrieval over the shipped lessons, and the evaluation that `mentorbot eval` prints."""

from __future__ import annotations

import pytest

from bot.core.content import ContentSet
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


def test_quote_is_the_answering_sentences_not_the_objective(index: LessonIndex):
    """The quote for "how do embeddings work?" is the embeddings lesson's defining sentence,
    short, without its objective line or code."""
    quotes = index.quotes("how do embeddings work?")
    first = quotes[0]
    assert first.item_id == "ai-embeddings"
    assert "An **embedding** is a list of numbers (a vector)" in first.text
    assert "Objective" not in first.text and "```" not in first.text
    section = next(p for p in index.passages if p.item_id == "ai-embeddings")
    assert len(first.text) < len(section.text) / 3


def test_quotes_leave_out_code_blocks(index: LessonIndex):
    """A question about code is answered with prose: a few lines cut from a sample read badly."""
    for quote in index.quotes("How do I write my first Python script that sends a message?"):
        assert "```" not in quote.text and "import " not in quote.text


def test_lessons_far_below_the_best_are_not_quoted(index: LessonIndex):
    """Lessons that share only a word or two with the question are searched but not quoted."""
    question = "What is an invariance test for a model?"
    assert len({p.item_id for p in index.search(question)}) == 3
    assert [q.item_id for q in index.quotes(question)] == ["ml-testing-models"]


def test_question_the_lessons_do_not_answer_gets_no_quotes(index: LessonIndex):
    """A passage that matches a word or two falls below the relevance floor: nothing is quoted."""
    assert index.search("How do I bake sourdough bread?")
    assert index.quotes("How do I bake sourdough bread?") == []
    assert index.quotes("How do I knit a scarf?") == []


def test_follow_up_is_searched_with_the_previous_question(index: LessonIndex):
    """ "what about keeping them small?" means Docker images only after a question on Docker."""
    follow_up = "what about keeping them small?"
    assert index.lessons(follow_up)[0] != "ml-docker"
    previous = "How do I put my trained model in a Docker container?"
    assert [q.item_id for q in index.quotes(follow_up, previous)] == ["ml-docker"]
    assert "slim" in index.quotes(follow_up, previous)[0].text


def test_a_new_topic_in_the_same_thread_finds_its_own_lesson(index: LessonIndex):
    """The follow-up's own words count twice the previous question's, so a change of subject
    still finds the new subject's lesson first, and only lessons holding its own words are
    quoted."""
    assert index.lessons("What is LoRA?", previous="how do embeddings work?")[0] == (
        "ai-fine-tuning-how"
    )
    previous = "How do I keep my Docker images small?"
    assert "ml-docker" in index.lessons("What is LoRA?", previous=previous)
    quoted = [q.item_id for q in index.quotes("What is LoRA?", previous)]
    assert quoted[0] == "ai-fine-tuning-how" and "ml-docker" not in quoted


def test_an_off_topic_follow_up_is_not_answered_from_the_previous_subject(index: LessonIndex):
    """An unrelated question after a Docker question quotes nothing, though the Docker lesson
    matches the two together; a follow-up of only common words still leans on the previous."""
    previous = "How do I keep my Docker images small?"
    assert "ml-docker" in index.lessons("How do I bake sourdough bread?", previous=previous)
    assert index.quotes("How do I bake sourdough bread?", previous) == []
    assert index.quotes("and why?", previous)[0].item_id == "ml-docker"
