"""What the model is told: who it is, where the member is, and what the lessons say.

The prompt is built stable part first, so the provider can cache it: the instructions (the same
for every member), the path's outline (the same for everyone on the path), the current lesson (the
same for everyone on that day). Then the conversation so far, and last the passages found for
this question with the question itself. Only the asking member's own turns are ever included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.core.content import Item, LearningPath
from bot.mentor.retrieval import Passage

UNSURE_MARKER = "[unsure"

INSTRUCTIONS = """\
You are the mentor of an online community where people learn to work as AI engineers or ML \
engineers. A member is asking you about their lessons, in a chat.

How to answer:
- Answer from the lessons below: the path outline, the member's current lesson, and the numbered \
passages given with the question. Cite what you used with its number in square brackets, like [2]; \
the current lesson is [0].
- If the lessons do not cover the question, or you are not sure, start your reply with \
"[unsure: TOPIC]", where TOPIC names the subject in one to three lowercase words, then say plainly \
that the lessons do not cover it and give your best brief pointer.
- Never invent links, URLs, books or courses. Mention only resources named in the lessons.
- Keep it short: at most about 150 words, plain sentences, a few lines of code only when they \
help. Encourage the member to try things themselves.
- You only know this member's path, lesson and questions. Never mention other members, and never \
address a group or a channel."""


@dataclass(frozen=True)
class Turn:
    """An earlier exchange in the same conversation, by the same member."""

    question: str
    answer: str


@dataclass(frozen=True)
class Prompt:
    # The stable prefix, in order; each block is worth caching on its own.
    instructions: str
    outline: str
    lesson: str
    history: tuple[Turn, ...]
    # The last user message: the passages for this question, then the question.
    question: str
    request: str
    passages: tuple[Passage, ...] = field(default=())
    current: Item | None = None
    path: LearningPath | None = None

    @property
    def stable_blocks(self) -> tuple[str, str, str]:
        return (self.instructions, self.outline, self.lesson)


def build_prompt(
    question: str,
    passages: list[Passage],
    history: list[Turn],
    path: LearningPath | None,
    current: Item | None,
    paths: list[LearningPath],
) -> Prompt:
    return Prompt(
        instructions=INSTRUCTIONS,
        outline=outline(path, paths),
        lesson=lesson_block(current, path),
        history=tuple(history),
        question=question,
        request=request(question, passages),
        passages=tuple(passages),
        current=current,
        path=path,
    )


def outline(path: LearningPath | None, paths: list[LearningPath]) -> str:
    if path is None:
        lines = ["The member has not joined a path yet. The paths they can join:"]
        lines += [f"- {p.title} (`/mentor join {p.id}`): {p.summary}" for p in paths]
        lines.append("`/mentor start` takes a short placement quiz that suggests one.")
        return "\n".join(lines)
    lines = [f"The member's path: {path.title}. {path.summary}", "", "Outline (day: title):"]
    for item in path.items:
        kind = " (project)" if item.is_project else ""
        lines.append(f"- Day {item.day}: {item.title}{kind}")
    return "\n".join(lines)


def lesson_block(current: Item | None, path: LearningPath | None) -> str:
    if current is None or path is None:
        if path is not None:
            return "The member has finished every item on this path."
        return "The member has no current lesson."
    kind = "project" if current.is_project else "lesson"
    return (
        f"The member's current {kind} [0] is day {current.day} of {len(path.items)}: "
        f'"{current.title}".\n\n{current.body}'
    )


def request(question: str, passages: list[Passage]) -> str:
    if passages:
        quoted = "\n\n".join(
            f'<passage id="{n}" lesson="{p.lesson_title}" path="{p.path_title}" day="{p.day}" '
            f'section="{p.heading}">\n{p.text}\n</passage>'
            for n, p in enumerate(passages, start=1)
        )
        found = f"Passages found in the lessons for this question:\n\n{quoted}"
    else:
        found = "No lesson passage matched this question."
    return f"{found}\n\n<question>\n{question}\n</question>"


_CITATION = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_UNSURE = re.compile(r"^\s*\[unsure(?::\s*([^\]\n]{0,80}))?\]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """A (possibly still growing) reply, with the unsure marker taken off for display."""

    text: str
    unsure: bool
    topic: str | None
    # True while the reply so far might still turn into the marker: show nothing yet.
    pending: bool


def read_reply(raw: str) -> Reading:
    match = _UNSURE.match(raw)
    if match:
        topic = (match.group(1) or "").strip().lower()[:64] or None
        return Reading(raw[match.end() :], True, topic, False)
    start = raw.lstrip()[: len(UNSURE_MARKER)].lower()
    if start and UNSURE_MARKER.startswith(start):
        return Reading("", False, None, True)
    if raw.lstrip().lower().startswith(UNSURE_MARKER) and "]" not in raw[:100]:
        return Reading("", False, None, True)
    return Reading(raw.lstrip(), False, None, False)


def cited_numbers(text: str) -> list[int]:
    """The passage numbers the reply cites, in first-cited order."""
    seen: dict[int, None] = {}
    for group in _CITATION.findall(text):
        for number in group.split(","):
            seen.setdefault(int(number), None)
    return list(seen)


def strip_citations(text: str) -> str:
    """The reply without its [n] markers: earlier turns' numbers mean nothing in a new prompt."""
    return _CITATION.sub("", text).replace(" .", ".").strip()
