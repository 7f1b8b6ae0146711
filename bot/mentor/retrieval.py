"""Full-text search over every lesson and project prompt of a content set.

The index is SQLite's FTS5 in an in-memory database (the standard library's sqlite3): BM25 ranking
with per-column weights and the Porter stemmer, in C, with no extra dependency and nothing to
keep on disk. Lessons are split into passages by section and, within long sections, by
paragraph, so the prompt carries the part of a lesson that answers the question.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bot.core.content import ContentSet, Item, LearningPath

# A passage is a whole section: on the eval questions, sections ranked lessons better than
# paragraphs did (87 % against 77 % in the top 3). Only a longer section is cut between paragraphs.
PASSAGE_CHARS = 3000
# Column weights for bm25(). Tags and objectives repeat the body's words, so they count half.
TITLE_WEIGHT, KEYWORD_WEIGHT, BODY_WEIGHT = 1.0, 0.5, 1.0
# Questions ask how or why, which lessons explain; a project prompt that matches as well says
# what to build. Ranking projects a little lower found the right lesson for one more question.
PROJECT_PRIOR = 0.75
MAX_QUERY_TERMS = 40
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


class LessonIndex:
    """Every lesson and project prompt of a content set, searchable by a member's question."""

    def __init__(self, items: Iterable[tuple[Item, LearningPath]]) -> None:
        self.passages: list[Passage] = []
        # One connection per index, used only from the event loop's thread; the check is off so a
        # benchmark or the eval may build it in one thread and query it in another.
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute(
            "CREATE VIRTUAL TABLE passage USING fts5(lesson UNINDEXED, project UNINDEXED, "
            "title, keywords, body, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
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

    def ranked(self, question: str, limit: int = 60) -> list[Passage]:
        """Passages matching any of the question's informative words, best first."""
        terms = [t for t in query_terms(question) if self._informative(t)]
        if not terms or limit <= 0:
            return []
        rows = self._db.execute(
            "SELECT rowid, bm25(passage, 0, 0, "
            f"{TITLE_WEIGHT}, {KEYWORD_WEIGHT}, {BODY_WEIGHT}) AS score "
            "FROM passage WHERE passage MATCH ? ORDER BY score LIMIT ?",
            (" OR ".join(f'"{term}"' for term in terms), limit),
        ).fetchall()
        # bm25() is negative, better when lower: scaling a project's score towards zero ranks it
        # below a lesson that matches as well. (Done here: in SQL it cost more than the search.)
        passages = self.passages
        rows.sort(key=lambda row: row[1] * (PROJECT_PRIOR if passages[row[0]].is_project else 1))
        return [passages[row[0]] for row in rows]

    def _informative(self, term: str) -> bool:
        """False for a word in over half the passages: BM25 gives it no weight (FTS5 floors its
        IDF), yet matching it would make SQLite score most of the index."""
        return self._passages_with(term) * 2 <= len(self.passages)

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

    def lessons(self, question: str, limit: int = 3) -> list[str]:
        """Ids of the lessons holding the best passages, best first, each once."""
        return list(_by_lesson(self.ranked(question), limit))

    def search(self, question: str, lessons: int = 3, first_lesson: int = 2) -> list[Passage]:
        """The best passages of the best lessons (one each, two of the very best), best first.

        Exercises, self-checks and reading lists help rank a lesson (they are phrased like
        questions), but explain little: a lesson's explanation is quoted whenever one matches.
        """
        grouped = _by_lesson(self.ranked(question), lessons)
        chosen: list[Passage] = []
        for position, passages in enumerate(grouped.values()):
            explaining = [p for p in passages if p.heading not in EXERCISES] or passages
            chosen.extend(explaining[: first_lesson if position == 0 else 1])
        return chosen

    def close(self) -> None:
        self._db.close()


def _by_lesson(passages: list[Passage], limit: int) -> dict[str, list[Passage]]:
    grouped: dict[str, list[Passage]] = {}
    for passage in passages:
        if passage.item_id not in grouped and len(grouped) == limit:
            continue
        grouped.setdefault(passage.item_id, []).append(passage)
    return grouped
