"""Answers without a model: the sentences of the lessons that answer, quoted with their titles.

Used when no ANTHROPIC_API_KEY is set (so `make run` answers with no keys at all), and when a
member's quota or the community's budget for the day is used up. The quotes come from
`LessonIndex.quotes`, which keeps only sections relevant enough to be worth reading; when none
is, the answer says so plainly instead of quoting something unrelated.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from bot.mentor.llm import Usage
from bot.mentor.prompt import Prompt
from bot.mentor.retrieval import Passage

KEY_LINE = "Full answers written by Claude need an ANTHROPIC_API_KEY in the bot's settings."
NOTHING_FITS = (
    "None of your lessons answers that, as far as I can tell. Try asking again with other "
    "words, naming the tool or idea you mean, or pick up your current lesson with "
    "`/mentor today`."
)
NOTHING_FITS_FOOTER = "Reply here to ask in other words"


class OfflineAnswers:
    model = None

    def __init__(self, lead: str | None = None, tail: str | None = KEY_LINE) -> None:
        self.lead = lead
        self.tail = tail

    async def stream(self, prompt: Prompt) -> AsyncIterator[str | Usage]:
        yield quoted_answer(list(prompt.passages), self.lead, self.tail)
        yield Usage()

    async def aclose(self) -> None:
        return None


def quoted_answer(quotes: list[Passage], lead: str | None, tail: str | None) -> str:
    """The quotes, each under its lesson's title, path, day and section; or, with none, that
    nothing in the lessons fits."""
    parts: list[str] = [lead] if lead else []
    if quotes:
        parts.append("Here is what your lessons say about it:")
        for quote in quotes:
            lines = "\n".join(f"> {line}" for line in quote.text.splitlines())
            parts.append(
                f"**{quote.lesson_title}** ({quote.path_title}, day {quote.day}), "
                f"*{quote.heading}*:\n{lines}"
            )
    else:
        parts.append(NOTHING_FITS)
    if tail:
        parts.append(tail)
    return "\n\n".join(parts)
