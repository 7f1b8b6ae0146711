"""Choosing the sentences of a passage that answer a question."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest

from bot.mentor.sentence_index import SentenceIndex

PASSAGES = [
    "Teams work in short cycles and review their work every week with the whole group. "
    "An embedding is a list of numbers that places similar texts close together. "
    "The weather was fine all week long, and nobody wanted to stay inside.",
    "Embeddings also power recommendations and clustering of reviews into themes. "
    "Nothing else in this passage is worth quoting for anyone today.",
    "This section opens with the point it makes, in one plain sentence here. "
    "A second sentence follows and adds a detail worth reading as well.",
]


@pytest.fixture
def index() -> Iterator[SentenceIndex]:
    db = sqlite3.connect(":memory:")
    yield SentenceIndex(db, PASSAGES)
    db.close()


def test_only_sentences_holding_a_strong_word_are_quoted(index: SentenceIndex):
    """For "how do embeddings work?", the sentence about embeddings is quoted and the one that
    only says "work" twice is not."""
    weights = {"embeddings": 1, "work": 1}
    score, text = index.best(0, weights, {"embeddings": 3.0, "work": 1.0})
    assert score > 0
    assert text.startswith("An embedding is a list of numbers")
    assert "Teams work" not in text


def test_a_passage_with_no_matching_sentence_is_quoted_from_its_start(index: SentenceIndex):
    """A section found by its title or tags alone is quoted from its first sentences."""
    score, text = index.best(2, {"vectors": 1}, {"vectors": 2.0})
    assert score == 0.0
    assert text.startswith("This section opens with the point it makes")
