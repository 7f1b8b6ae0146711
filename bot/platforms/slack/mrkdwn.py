"""CommonMark as Slack's mrkdwn, and moments as Slack date tokens.

Slack parses `<…>` in mrkdwn as links, mentions and broadcasts, so every `&`, `<` and `>` in
text is escaped; the only `<…>` sequences in the output are the links and date tokens built
here, which is what keeps a lesson or an answer from ever reaching `<!channel>`.
"""

from __future__ import annotations

import re

from bot.core.markup import checkboxes, local_time, plain_moments, replace_moments
from bot.core.messages import Moment
from bot.core.safety import neutralise_mentions

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"\n]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_SAFE_URL = re.compile(r"^(?:https?://|mailto:)[^\s]+$", re.IGNORECASE)
_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?\s*$", re.M)
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$", re.M)
_BULLET = re.compile(r"^(\s*)[-*+]\s+", re.M)
_QUOTE = re.compile(r"^(\s*)>\s?", re.M)
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*\\])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
# Private-use characters stand in for pieces that must not be touched on the way through.
_HOLD = re.compile("\ue000(\\d+)\ue001")
_BOLD_MARK = "\ue002"
_QUOTE_MARK = "\ue003"
RULE = "──────────"


def escape(text: str) -> str:
    """`&`, `<` and `>` as Slack wants them in any text it parses."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_date(moment: Moment) -> str:
    """A date token: Slack shows it in the reader's own zone; the fallback names the member's."""
    stamp = int(moment.at.timestamp())
    fallback = escape(local_time(moment)).replace("|", "/")
    return f"<!date^{stamp}^{{date_short_pretty}} at {{time}}|{fallback}>"


def plain(text: str) -> str:
    """Text for Slack's plain_text objects (headers, buttons, labels): no mentions, local times."""
    return plain_moments(neutralise_mentions(text)).replace("**", "")


def to_mrkdwn(markdown: str) -> str:
    """CommonMark (headings, bold, italics, links, code, lists, checklists, quotes) as mrkdwn,
    with mentions neutralised and moment tokens as date tokens."""
    parts: list[str] = []
    prose: list[str] = []
    code: list[str] | None = None
    for line in neutralise_mentions(markdown).split("\n"):
        if _FENCE.match(line):
            if code is None:
                parts.append(_prose("\n".join(prose)))
                prose, code = [], []
            else:
                # Slack shows a language name after the fence as code, so it is left out.
                parts.append("```\n" + escape("\n".join(code)) + "\n```")
                code = None
        elif code is not None:
            code.append(line)
        else:
            prose.append(line)
    if code is not None:
        parts.append("```\n" + escape("\n".join(code)) + "\n```")
    parts.append(_prose("\n".join(prose)))
    text = "\n".join(part for part in parts if part).strip("\n")
    return replace_moments(text, slack_date)


def _prose(text: str) -> str:
    if not text.strip():
        return text.strip("\n")
    held: list[str] = []

    def hold(piece: str) -> str:
        held.append(piece)
        return f"\ue000{len(held) - 1}\ue001"

    text = _INLINE_CODE.sub(lambda m: hold(f"`{escape(m.group(2).strip())}`"), text)
    text = _LINK.sub(lambda m: hold(_link(m.group(3), m.group(2))), text)
    text = _AUTOLINK.sub(lambda m: hold(_link(m.group(1), m.group(1))), text)
    text = _RULE.sub(RULE, text)
    text = _QUOTE.sub(lambda m: m.group(1) + _QUOTE_MARK, text)
    text = escape(text).replace(_QUOTE_MARK, "> ")
    text = _HEADING.sub(lambda m: f"{_BOLD_MARK}{m.group(1).replace('**', '')}{_BOLD_MARK}", text)
    text = checkboxes(text)
    text = _BULLET.sub(lambda m: f"{m.group(1)}• ", text)
    text = _BOLD.sub(lambda m: f"{_BOLD_MARK}{m.group(1)}{_BOLD_MARK}", text)
    text = _ITALIC.sub(lambda m: f"_{m.group(1)}_", text)
    text = _STRIKE.sub(lambda m: f"~{m.group(1)}~", text)
    text = text.replace(_BOLD_MARK, "*")
    return _HOLD.sub(lambda m: held[int(m.group(1))], text)


def _link(url: str, label: str) -> str:
    label = escape(label.replace("**", "").replace("`", "").replace("|", "/")).strip()
    if not _SAFE_URL.match(url):
        # Only web and mail links become links; anything else (`!here`, `javascript:`) is text.
        return escape(f"{label} ({url})" if label and label != url else url)
    target = escape(url).replace("|", "%7C")
    return f"<{target}|{label}>" if label else f"<{target}>"
