"""The sentences of every passage in an FTS5 table, for quoting what answers a question."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from bot.mentor.fts import TOKENIZER, any_of
from bot.mentor.sentences import Sentence, join, sentences, widen

# A quote: the best sentence, widened to read as a whole point, and up to two more scoring at
# least half as well, within about QUOTE_CHARS. Measured on the eval's key terms: longer quotes
# hold more of them, but past 450 characters the gain was under one question in a hundred.
QUOTE_SENTENCES = 3
NEXT_SENTENCE_SHARE = 0.5
QUOTE_CHARS = 450
SHORT_QUOTE_CHARS = 160
# A sentence answers only if it holds a word worth at least this share of the most valuable
# question word found in the passage.
STRONG_SHARE = 0.5


class SentenceIndex:
    """The sentences of passages 0..n-1, on the lesson index's own connection."""

    def __init__(self, db: sqlite3.Connection, texts: Iterable[str]) -> None:
        self._db = db
        self._sentences: list[Sentence] = []
        # Each passage's sentences are rows first..end-1 of the table.
        self._spans: list[tuple[int, int]] = []
        db.execute(f"CREATE VIRTUAL TABLE sentence USING fts5(body, tokenize = {TOKENIZER})")
        for text in texts:
            first = len(self._sentences)
            self._sentences.extend(sentences(text))
            self._spans.append((first, len(self._sentences)))
        db.executemany(
            "INSERT INTO sentence (rowid, body) VALUES (?, ?)",
            ((number, sentence.text) for number, sentence in enumerate(self._sentences)),
        )
        db.execute("INSERT INTO sentence(sentence) VALUES ('optimize')")
        db.commit()

    def best(
        self, passage: int, weights: dict[str, int], value: dict[str, float]
    ) -> tuple[float, str]:
        """The sentences of a passage that answer best, in their order, and the best one's score.

        `weights` are the question's words as searched, `value` what each is worth (its weight
        times its IDF). Only sentences holding a strong word count: "work" in "how do embeddings
        work?" helps rank a passage but does not make a sentence about work an answer. Of those,
        the best one by BM25 over sentences, widened, then the next best while they score at
        least half as well and the quote stays short. A passage that matched on its title or
        tags alone is quoted from its start.
        """
        first, end = self._spans[passage]
        pieces = self._sentences[first:end]
        if not pieces or not weights:
            return 0.0, ""
        answering = self._answering(weights, value, first, end)
        scores: dict[int, float] = {
            number - first: score
            for number, score in self._db.execute(
                "SELECT rowid, -bm25(sentence) FROM sentence "
                "WHERE sentence MATCH ? AND rowid >= ? AND rowid < ?",
                (any_of(weights), first, end),
            )
            if number in answering
        }
        ranked = sorted(scores, key=lambda n: -scores[n]) or [0]
        best = scores.get(ranked[0], 0.0)
        chosen = widen(pieces, ranked[0], SHORT_QUOTE_CHARS, QUOTE_CHARS)
        size = sum(len(pieces[n].text) for n in chosen)
        for number in [n for n in ranked[1:] if n not in chosen][: QUOTE_SENTENCES - 1]:
            length = len(pieces[number].text)
            if scores[number] >= best * NEXT_SENTENCE_SHARE and size + length <= QUOTE_CHARS:
                chosen.append(number)
                size += length
        chosen.sort()
        return best, join([pieces[n] for n in chosen], chosen)

    def _answering(
        self, weights: dict[str, int], value: dict[str, float], first: int, end: int
    ) -> set[int]:
        """The sentences among first..end-1 holding a strong word of the question."""
        holding: dict[str, set[int]] = {}
        for term in weights:
            rows = self._db.execute(
                "SELECT rowid FROM sentence WHERE sentence MATCH ? AND rowid >= ? AND rowid < ?",
                (f'"{term}"', first, end),
            ).fetchall()
            if rows:
                holding[term] = {row for (row,) in rows}
        top = max((value[term] for term in holding), default=0.0)
        return {
            n for term, rows in holding.items() if value[term] >= top * STRONG_SHARE for n in rows
        }
