"""A passage's prose cut into the pieces a quote is made of: sentences, and list items whole.

Code blocks are left out: a few lines cut from a sample read badly in a chat quote, and the words
in code match questions by accident. So is a lesson's objective line, which says what the lesson
is about rather than answering anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OBJECTIVE = "**Objective:**"
SHORT_SENTENCE = 40
# A sentence ends at . ! or ? after a word and before a capital, a quote, a bracket or markup.
# A bold lead-in such as "**Three steps.** Retrieve..." stays with the sentence after it, since
# the space follows the closing "**", and "1. **Retrieve:**" is no end either: a digit precedes.
_SENTENCE_END = re.compile(
    r"(?<=[A-Za-z)\]\"'`][.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)"
    r"\s+(?=[A-Z\"'(\[`*])"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
# A paragraph that is only a bold label ("**Common failure modes.**") introduces what follows.
_LABEL = re.compile(r"^\*\*[^*]+\*\*:?$")


@dataclass(frozen=True)
class Sentence:
    text: str
    # Sentences of one paragraph follow each other; a list item stands on its own line.
    paragraph: int
    is_item: bool


def sentences(text: str) -> list[Sentence]:
    """The quotable pieces of a passage, in order."""
    found: list[Sentence] = []
    for number, paragraph in enumerate(_paragraphs(text)):
        lines = paragraph.splitlines()
        first_item = next((n for n, line in enumerate(lines) if _LIST_ITEM.match(line)), len(lines))
        flat = " ".join(" ".join(lines[:first_item]).split())
        if flat and not flat.startswith(OBJECTIVE) and not _LABEL.match(flat):
            found.extend(Sentence(s, number, is_item=False) for s in _split(flat))
        found.extend(Sentence(item, number, is_item=True) for item in _items(lines[first_item:]))
    return found


def _split(paragraph: str) -> list[str]:
    """The paragraph's sentences; a very short one ("Give it an hour.") joins its neighbour,
    since alone it says little yet BM25 ranks its one matching word high."""
    merged: list[str] = []
    for sentence in _SENTENCE_END.split(paragraph):
        if merged and (len(merged[-1]) < SHORT_SENTENCE or len(sentence) < SHORT_SENTENCE):
            merged[-1] += f" {sentence}"
        elif sentence:
            merged.append(sentence)
    return merged


def _items(lines: list[str]) -> list[str]:
    """List items, each with its wrapped lines joined."""
    items: list[list[str]] = []
    for line in lines:
        if _LIST_ITEM.match(line):
            items.append([_LIST_ITEM.sub("", line, count=1)])
        elif items:
            items[-1].append(line.strip())
    return [" ".join(" ".join(item).split()) for item in items]


def _paragraphs(text: str) -> list[str]:
    """Paragraphs outside code blocks."""
    paragraphs: list[str] = []
    current: list[str] = []
    fenced = False
    for line in text.splitlines():
        if line.strip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if line.strip():
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def widen(pieces: list[Sentence], number: int, least: int, limit: int) -> list[int]:
    """The sentence with the ones after it in its paragraph while it is shorter than `least`
    characters, and with the whole list it introduces if it ends with a colon (the list is the
    point), without passing `limit`."""
    introduces = pieces[number].text.endswith(":")
    run = [number]
    size = len(pieces[number].text)
    following = number + 1
    while (
        following < len(pieces)
        and pieces[following].paragraph == pieces[number].paragraph
        and (size < least or (introduces and pieces[following].is_item))
        and size + len(pieces[following].text) <= limit
    ):
        run.append(following)
        size += len(pieces[following].text)
        following += 1
    return run


def join(pieces: list[Sentence], numbers: list[int]) -> str:
    """Sentences that follow each other in a paragraph share a line, a gap between them is marked
    with an ellipsis, and each list item gets a line of its own."""
    lines: list[str] = []
    for position, piece in enumerate(pieces):
        follows = position > 0 and numbers[position] == numbers[position - 1] + 1
        if piece.is_item:
            lines.append(f"- {piece.text}")
        elif position > 0 and not pieces[position - 1].is_item:
            lines[-1] += f" {piece.text}" if follows else f" … {piece.text}"
        else:
            lines.append(piece.text)
    return "\n".join(lines)
