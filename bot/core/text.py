"""Text from members and platforms, made safe to store, to echo back and to answer."""

from __future__ import annotations

import re
import unicodedata

# PostgreSQL refuses NUL in text, and no database can encode a lone UTF-16 surrogate (a JSON
# payload may carry one as "\ud800"); both would fail the save after the work was done.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Categories a reader cannot see: controls, format characters (zero-width space, joiners,
# the byte order mark), separators, combining marks with nothing to sit on, unassigned points.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp", "Mn", "Me"}
# Letters and symbols that render as blank space: Hangul fillers and the blank Braille cell.
_BLANK_GLYPHS = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800"}
# How much of a bad argument a reply quotes back: enough to recognise, never a flood.
ECHO_LIMIT = 100


def storable(text: str) -> str:
    """The text without the characters a database refuses."""
    return _UNSTORABLE.sub("", text)


def has_visible(text: str) -> bool:
    """Whether any character of the text shows on screen."""
    return any(
        ch not in _BLANK_GLYPHS and unicodedata.category(ch) not in _INVISIBLE_CATEGORIES
        for ch in text
    )


def shown(text: str, limit: int = ECHO_LIMIT) -> str:
    """The text as a reply may quote it: one line, at most `limit` characters."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
