"""Full-text search over every lesson and project prompt of a content set.

The index is SQLite's FTS5 in an in-memory database (the standard library's sqlite3): BM25 ranking
with per-column weights and the Porter stemmer, in C, with no extra dependency and nothing to
keep on disk. Lessons are split into passages by section and, within long sections, by
paragraph, so the prompt carries the part of a lesson that answers the question. Quoted answers
go one step further and quote the sentences that answer, from lessons relevant enough to quote
(`LessonIndex.quotes`, `sentence_index.py`).
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import NamedTuple

from bot.core.content import ContentSet, Item, LearningPath
from bot.mentor.fts import TOKENIZER, any_of
from bot.mentor.sentence_index import SentenceIndex

# A passage is a whole section: on the eval questions, sections ranked lessons better than
# paragraphs did (87 % against 77 % in the top 3). Only a longer section is cut between paragraphs.
PASSAGE_CHARS = 3000
# Column weights for bm25(). Tags and objectives repeat the body's words, so they count half.
TITLE_WEIGHT, KEYWORD_WEIGHT, BODY_WEIGHT = 1.0, 0.5, 1.0
# Questions ask how or why, which lessons explain; a project prompt that matches as well says
# what to build. Ranking projects a little lower found the right lesson for one more question.
PROJECT_PRIOR = 0.75
MAX_QUERY_TERMS = 40
FOLLOW_UP_WEIGHT = 2
# Quoted answers: the lessons quoted at most, and how relevant (Hit.relevance) a lesson's best
# section must be to be quoted at all, next to the best lesson's, and to a follow-up's own words.
# The floors were calibrated on the eval questions and on questions the lessons do not answer
# (docs/mentor.md says how).
QUOTED_LESSONS = 3
RELEVANCE_FLOOR = 0.35
RELATIVE_FLOOR = 0.6
FOLLOW_UP_FLOOR = 0.3
# A lesson's quote comes from whichever of its two best explaining sections answers best.
SECTIONS = 2
COMMON_WORDS = 200
MAX_REMEMBERED_WORDS = 50_000
EXERCISES = frozenset({"Try it", "Check yourself", "Further reading"})
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9+#]*")
# Words that match nearly every passage only cost time; BM25 would rank them near zero anyway.
_STOPWORDS = """
    a about after again all also am an and any are aren as at be because been before being
    between both but by can could couldn did didn do does doesn doing don done each even ever
    every few for from had has hasn have haven having he her here hers him his how i if im in
    into is isn it its ive just ll me might more most much must my no nor not now of off on once
    one only or other our out over own please re really should shouldn so some still such than
    that the their them then there these they this those though to too under until up us ve
    very was wasn we were what whats when where which while who whom why will with without won
    would wouldn yes yet you your yours"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass(frozen=True)
class Passage:
    item_id: str
    path_id: str
    path_title: str
    day: int
    lesson_title: str
    is_project: bool
    heading: str
    text: str

    @property
    def label(self) -> str:
        """How a member finds it again: the lesson's title, path and day."""
        return f"{self.lesson_title} ({self.path_title}, day {self.day})"


def split_item(item: Item, path: LearningPath) -> list[Passage]:
    """The item's passages: one per section, a very long section cut between paragraphs."""
    passages: list[Passage] = []
    for heading, paragraphs in _sections(item):
        for text in _pack(paragraphs):
            passages.append(
                Passage(
                    item_id=item.id,
                    path_id=path.id,
                    path_title=path.title,
                    day=item.day,
                    lesson_title=item.title,
                    is_project=item.is_project,
                    heading=heading,
                    text=text,
                )
            )
    return passages


def _sections(item: Item) -> Iterator[tuple[str, list[str]]]:
    heading = "Overview"
    paragraphs: list[str] = []
    for block in _blocks(item.body):
        if block.startswith("## "):
            if paragraphs:
                yield heading, paragraphs
            heading, _, rest = block[3:].partition("\n")
            paragraphs = [rest.strip()] if rest.strip() else []
        else:
            paragraphs.append(block)
    if paragraphs:
        yield heading, paragraphs


def _blocks(body: str) -> Iterator[str]:
    """Paragraphs split on blank lines, keeping fenced code blocks whole."""
    current: list[str] = []
    fenced = False
    for line in body.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
        if not line.strip() and not fenced:
            if current:
                yield "\n".join(current).strip()
                current = []
            continue
        if line.startswith("## ") and not fenced and current:
            yield "\n".join(current).strip()
            current = []
        current.append(line)
    if current:
        yield "\n".join(current).strip()


def _pack(paragraphs: list[str]) -> Iterator[str]:
    chunk: list[str] = []
    size = 0
    for paragraph in paragraphs:
        if chunk and size + len(paragraph) > PASSAGE_CHARS:
            yield "\n\n".join(chunk)
            chunk, size = [], 0
        chunk.append(paragraph)
        size += len(paragraph) + 2
    if chunk:
        yield "\n\n".join(chunk)


def query_terms(text: str) -> list[str]:
    """The words of a question worth searching for, in order, without repeats."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if len(word) > 1 and word not in STOPWORDS:
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def weighted_terms(question: str, previous: str = "") -> dict[str, int]:
    """The words to search for, each with how much it counts.

    A follow-up ("and how do I store them?") means little alone, so the previous question's words
    are searched too, at half the weight of the follow-up's own: a new topic asked in the same
    thread still finds its own lesson.
    """
    own = query_terms(question)
    weights = dict.fromkeys(own, FOLLOW_UP_WEIGHT if previous else 1)
    for term in query_terms(previous):
        if len(weights) == MAX_QUERY_TERMS:
            break
        weights.setdefault(term, 1)
    return weights


class Hit(NamedTuple):
    # A tuple: up to 60 are made per search, and a frozen dataclass costs several times more.
    row: int
    passage: Passage
    # The passage's BM25 score over the BM25 of an average passage holding each of the question's
    # words once: about 1 when it covers the question, near 0 when it shares one common word.
    relevance: float


class LessonIndex:
    """Every lesson and project prompt of a content set, searchable by a member's question."""

    def __init__(self, items: Iterable[tuple[Item, LearningPath]]) -> None:
        self.passages: list[Passage] = []
        # Only quoted answers need sentences, so their table is built on the first one: a few
        # tens of milliseconds for the shipped lessons.
        self._sentences: SentenceIndex | None = None
        # One connection per index, used only from the event loop's thread; the check is off so a
        # benchmark or the eval may build it in one thread and query it in another.
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE passage USING fts5(lesson UNINDEXED, project UNINDEXED, "
            f"title, keywords, body, tokenize = {TOKENIZER})"
        )
        for item, path in items:
            keywords = " ".join((*item.tags, *item.objectives)).replace("-", " ")
            for passage in split_item(item, path):
                self._db.execute(
                    "INSERT INTO passage (rowid, lesson, project, title, keywords, body) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        len(self.passages),
                        item.id,
                        int(item.is_project),
                        f"{item.title} {passage.heading}",
                        keywords,
                        passage.text,
                    ),
                )
                self.passages.append(passage)
        self._db.execute("INSERT INTO passage(passage) VALUES ('optimize')")
        self._db.commit()
        # Counted once for the words most passages share, so the first questions are fast too.
        self._frequency: dict[str, int] = {}
        common: Counter[str] = Counter()
        for passage in self.passages:
            common.update(set(_WORD.findall(passage.text.lower())))
        for word, _ in common.most_common(COMMON_WORDS):
            self._passages_with(word)

    @classmethod
    def build(cls, content: ContentSet) -> LessonIndex:
        return cls((item, path) for path in content.paths.values() for item in path.items)

    def hits(self, question: str, previous: str = "", limit: int = 60) -> list[Hit]:
        """Passages matching any of the question's informative words, most relevant first."""
        weights = {
            t: w for t, w in weighted_terms(question, previous).items() if self._informative(t)
        }
        if not weights or limit <= 0:
            return []
        rows = self._db.execute(
            "SELECT rowid, bm25(passage, 0, 0, "
            f"{TITLE_WEIGHT}, {KEYWORD_WEIGHT}, {BODY_WEIGHT}) AS score "
            "FROM passage WHERE passage MATCH ? ORDER BY score LIMIT ?",
            (any_of(weights), limit),
        ).fetchall()
        # bm25() is negative, better when lower: scaling a project's score towards zero ranks it
        # below a lesson that matches as well. (Done here: in SQL it cost more than the search.)
        passages = self.passages
        scale = -sum(weight * self._idf(term) for term, weight in weights.items())
        hits = [
            Hit(
                row,
                passages[row],
                score * (PROJECT_PRIOR if passages[row].is_project else 1) / scale,
            )
            for row, score in rows
        ]
        hits.sort(key=lambda hit: -hit.relevance)
        return hits

    def _informative(self, term: str) -> bool:
        """False for a word in over half the passages: BM25 gives it no weight (FTS5 floors its
        IDF), yet matching it would make SQLite score most of the index."""
        return self._passages_with(term) * 2 <= len(self.passages)

    def _idf(self, term: str) -> float:
        """The word's inverse document frequency exactly as FTS5's bm25() computes it; a word
        no lesson holds counts as much as the rarest, since the lessons say nothing of it."""
        total, holding = len(self.passages), self._passages_with(term)
        return max(math.log((total - holding + 0.5) / (holding + 0.5)), 1e-6)

    def _passages_with(self, term: str) -> int:
        """How many passages hold the word, counted by FTS5 itself (so "models" counts "model")."""
        count = self._frequency.get(term)
        if count is None:
            count = self._db.execute(
                "SELECT count(*) FROM passage WHERE passage MATCH ?", (f'"{term}"',)
            ).fetchone()[0]
            if len(self._frequency) < MAX_REMEMBERED_WORDS:
                self._frequency[term] = count
        return count

    def lessons(self, question: str, limit: int = 3, previous: str = "") -> list[str]:
        """Ids of the lessons holding the best passages, best first, each once."""
        return list(_by_lesson(self.hits(question, previous), limit))

    def search(
        self, question: str, lessons: int = 3, first_lesson: int = 2, previous: str = ""
    ) -> list[Passage]:
        """The best passages of the best lessons (one each, two of the very best), best first.

        Exercises, self-checks and reading lists help rank a lesson (they are phrased like
        questions), but explain little: a lesson's explanation is quoted whenever one matches.
        """
        chosen: list[Passage] = []
        for position, hits in enumerate(
            _by_lesson(self.hits(question, previous), lessons).values()
        ):
            chosen.extend(
                h.passage for h in _explaining(hits)[: first_lesson if position == 0 else 1]
            )
        return chosen

    def quotes(self, question: str, previous: str = "") -> list[Passage]:
        """The sections that answer the question, each cut to its best sentences, best first.

        One section per lesson, from at most QUOTED_LESSONS lessons, and only those relevant
        enough to be worth reading (RELEVANCE_FLOOR, RELATIVE_FLOOR): an empty list means the
        lessons do not cover the question. A follow-up with words of its own must also make the
        lesson relevant by them alone (FOLLOW_UP_FLOOR): the previous question only fills in what
        "them" or "it" means, so a new subject in the same thread is not answered with the old.
        """
        grouped = _by_lesson(self.hits(question, previous), QUOTED_LESSONS)
        if not grouped:
            return []
        sentences = self._sentence_index()
        floor = max(RELEVANCE_FLOOR, RELATIVE_FLOOR * max(h[0].relevance for h in grouped.values()))
        alone = self._alone(question) if previous else None
        weights = {
            term: weight
            for term, weight in weighted_terms(question, previous).items()
            if self._informative(term)
        }
        value = {term: weight * self._idf(term) for term, weight in weights.items()}
        quotes: list[Passage] = []
        for lesson, hits in grouped.items():
            if hits[0].relevance < floor or (
                alone is not None and alone.get(lesson, 0.0) < FOLLOW_UP_FLOOR
            ):
                continue
            # The lesson's best sentences, from whichever of its best explaining sections holds
            # the best sentence.
            found = [
                (sentences.best(h.row, weights, value), h) for h in _explaining(hits)[:SECTIONS]
            ]
            (_, text), hit = max(found, key=lambda pair: pair[0][0])
            if text:
                quotes.append(replace(hit.passage, text=text))
        return quotes

    def _sentence_index(self) -> SentenceIndex:
        if self._sentences is None:
            self._sentences = SentenceIndex(self._db, (p.text for p in self.passages))
        return self._sentences

    def _alone(self, question: str) -> dict[str, float] | None:
        """Each lesson's relevance to the question's own words, or None when it has none worth
        searching for ("and why?")."""
        if not any(self._informative(term) for term in query_terms(question)):
            return None
        relevance: dict[str, float] = {}
        for hit in self.hits(question):
            relevance.setdefault(hit.passage.item_id, hit.relevance)
        return relevance

    def close(self) -> None:
        self._db.close()


def _explaining(hits: list[Hit]) -> list[Hit]:
    return [h for h in hits if h.passage.heading not in EXERCISES] or hits


def _by_lesson(hits: list[Hit], limit: int) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        if hit.passage.item_id not in grouped and len(grouped) == limit:
            continue
        grouped.setdefault(hit.passage.item_id, []).append(hit)
    return grouped
