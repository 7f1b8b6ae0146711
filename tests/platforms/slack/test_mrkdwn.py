"""Markdown as Slack mrkdwn: formatting converted, special characters escaped, times as tokens."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.core.markup import moment_token
from bot.core.messages import Moment
from bot.core.safety import ZWSP
from bot.platforms.slack.mrkdwn import RULE, plain, slack_date, to_mrkdwn


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("## Try it", "*Try it*"),
        ("# **Bold** heading #", "*Bold heading*"),
        ("**Objective:** read it", "*Objective:* read it"),
        ("an *aside* here", "an _aside_ here"),
        ("~~gone~~", "~gone~"),
        (
            "[the docs](https://docs.example.com/a?b=1&c=2)",
            "<https://docs.example.com/a?b=1&amp;c=2|the docs>",
        ),
        ("see <https://example.com>", "see <https://example.com|https://example.com>"),
        ("![chart](https://example.com/c.png)", "<https://example.com/c.png|chart>"),
        ("- one\n* two\n  + three", "• one\n• two\n  • three"),
        ("- [ ] to do\n- [x] done", "☐ to do\n☑ done"),
        ("> a quote", "> a quote"),
        ("---", RULE),
        ("1 * 2 * 3 and a_b_c", "1 * 2 * 3 and a_b_c"),
        ("`x < y && **not bold**`", "`x &lt; y &amp;&amp; **not bold**`"),
    ],
)
def test_markdown_is_converted(markdown: str, mrkdwn: str):
    """Headings, bold, italics, strikes, links, lists, checklists, quotes and code."""
    assert to_mrkdwn(markdown) == mrkdwn


def test_code_blocks_are_kept_escaped_and_lose_their_language():
    """A fenced block stays a block; its language name would show as code, so it goes."""
    converted = to_mrkdwn("Run:\n\n```python\nif a < b and c > d: **x**\n```\ndone")
    assert converted == "Run:\n\n```\nif a &lt; b and c &gt; d: **x**\n```\ndone"


def test_an_unclosed_code_block_is_closed():
    """A lesson cut off inside a fence still renders as code."""
    assert to_mrkdwn("```\nprint(1)") == "```\nprint(1)\n```"


def test_special_characters_are_escaped_so_nothing_becomes_a_control_sequence():
    """`&`, `<` and `>` are escaped; `<!channel>` and friends end up inert."""
    converted = to_mrkdwn("a & b <c> <!channel> <!here> <@U123> @everyone")
    assert "<" not in converted.replace("&lt;", "")
    assert "&amp;" in converted and "@" + ZWSP + "everyone" in converted


def test_only_web_and_mail_links_become_links():
    """A link to `!here` or `javascript:` stays text, so it cannot ping or run anything."""
    assert to_mrkdwn("[all](!here)") == "all (!here)"
    assert to_mrkdwn("[x](javascript:alert(1))").startswith("x (javascript:alert(1")
    assert to_mrkdwn("[mail](mailto:a@b.c)") == "<mailto:a@b.c|mail>"


def test_moments_become_slack_date_tokens_with_a_local_fallback():
    """Slack shows the token in the reader's zone; the fallback says the member's time."""
    moment = Moment(datetime(2026, 3, 3, 8, 0, tzinfo=UTC), "Europe/Berlin")
    token = slack_date(moment)
    assert token == (
        f"<!date^{int(moment.at.timestamp())}^{{date_short_pretty}} at {{time}}"
        "|Tue 03 Mar at 09:00 (Europe/Berlin)>"
    )
    assert to_mrkdwn(f"Next: {moment_token(moment)}.") == f"Next: {token}."
    assert plain(f"Next: {moment_token(moment)}") == "Next: Tue 03 Mar at 09:00 (Europe/Berlin)"
