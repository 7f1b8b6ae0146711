"""Answers without a model: the most relevant lesson passages, quoted briefly with their titles.

Used when no ANTHROPIC_API_KEY is set (so `make run` answers with no keys at all), and when a
member's quota or the community's budget for the day is used up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.mentor.llm import Usage
from bot.mentor.prompt import Prompt
from bot.mentor.retrieval import Passage, query_terms

KEY_LINE = "Full answers written by Claude need an ANTHROPIC_API_KEY in the bot's settings."
QUOTES = 3
QUOTE_CHARS = 320


class OfflineAnswers:
    model = None

    def __init__(self, lead: str | None = None, tail: str | None = KEY_LINE) -> None:
        self.lead = lead
        self.tail = tail

    async def stream(self, prompt: Prompt) -> AsyncIterator[str | Usage]:
        yield quoted_answer(prompt.question, list(prompt.passages), self.lead, self.tail)
        yield Usage()

    async def aclose(self) -> None:
        return None


def quoted_answer(
    question: str, passages: list[Passage], lead: str | None, tail: str | None
) -> str:
    parts: list[str] = [lead] if lead else []
    chosen = _one_per_lesson(passages)[:QUOTES]
    if chosen:
        parts.append("Here is what your lessons say about it:")
        for passage in chosen:
            parts.append(
                f"**{passage.lesson_title}** ({passage.path_title}, day {passage.day}), "
                f"*{passage.heading}*:\n> {excerpt(passage.text, question)}"
            )
    else:
        parts.append(
            "I could not find anything about that in the lessons. Try other words, or ask in the "
            "community."
        )
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)


def _one_per_lesson(passages: list[Passage]) -> list[Passage]:
    seen: set[str] = set()
    chosen: list[Passage] = []
    for passage in passages:
        if passage.item_id not in seen:
            seen.add(passage.item_id)
            chosen.append(passage)
    return chosen


def excerpt(text: str, question: str, limit: int = QUOTE_CHARS) -> str:
    """The paragraph sharing most words with the question, cut to about `limit` characters."""
    stems = {term[:5] for term in query_terms(question)}
    paragraphs = [p.strip() for p in _prose(text) if p.strip()]
    if not paragraphs:
        return ""

    def shared(paragraph: str) -> int:
        words = {w[:5] for w in query_terms(paragraph)}
        return len(stems & words)

    best = max(paragraphs, key=shared)  # the first one wins a tie: lessons lead with the point
    flat = " ".join(best.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    sentence_end = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence_end > limit // 2:
        return cut[: sentence_end + 1]
    return cut[: cut.rfind(" ")] + "…"


def _prose(text: str) -> list[str]:
    """Paragraphs outside code blocks; code does not quote well in a line or two."""
    paragraphs: list[str] = []
    fenced = False
    current: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if not line.strip():
            paragraphs.append("\n".join(current))
            current = []
        else:
            current.append(line)
    paragraphs.append("\n".join(current))
    return paragraphs
