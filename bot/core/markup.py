"""Text helpers every renderer shares: moments in text, checklists, splitting at paragraphs.

A time shown to a member is written into text as a token (`moment_token`); each renderer swaps
the tokens for its platform's own form (`replace_moments`): a Discord timestamp, a Slack date
token, or the member's local time in plain words for the console.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.core.messages import Moment

_MOMENT = re.compile(r"⟨t:(-?\d+):([A-Za-z0-9_+\-/]+)⟩")
_CHECKBOX = re.compile(r"^(\s*)[-*] \[( |x|X)\] ", re.M)


def moment_token(moment: Moment) -> str:
    return f"⟨t:{int(moment.at.timestamp())}:{moment.timezone}⟩"


def replace_moments(text: str, render: Callable[[Moment], str]) -> str:
    if "⟨t:" not in text:
        return text

    def swap(match: re.Match[str]) -> str:
        at = datetime.fromtimestamp(int(match.group(1)), UTC)
        return render(Moment(at, match.group(2)))

    return _MOMENT.sub(swap, text)


def local_time(moment: Moment) -> str:
    """`Tue 03 Mar at 09:00 (Europe/Berlin)`: the moment in its own zone, in words."""
    local = moment.at.astimezone(ZoneInfo(moment.timezone))
    return f"{local:%a %d %b} at {local:%H:%M} ({moment.timezone})"


def plain_moments(text: str) -> str:
    return replace_moments(text, local_time)


def checkboxes(text: str) -> str:
    """`- [ ] item` as `☐ item` (and `- [x]` as `☑`): chat apps show the brackets literally."""
    return _CHECKBOX.sub(lambda m: f"{m.group(1)}{'☐' if m.group(2) == ' ' else '☑'} ", text)


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at paragraph breaks where possible,
    then at line breaks, then anywhere; a fenced code block cut in two is closed and reopened."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_at(rest, limit)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip("\n")
        if head.count("```") % 2 == 1:
            # Keep code readable on both sides of the cut.
            head, rest = head + "\n```", "```\n" + rest
        pieces.append(head)
    if rest:
        pieces.append(rest)
    return pieces


def _cut_at(text: str, limit: int) -> int:
    # Room for a closing fence if the cut lands inside a code block.
    window = text[: limit - 4]
    for separator in ("\n\n", "\n"):
        at = window.rfind(separator)
        if at > limit // 3:
            return at
    return len(window)
