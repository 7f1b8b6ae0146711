"""Neutral messages as Discord embeds and components, checked on what discord.py would send."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from bot.core.markup import moment_token
from bot.core.messages import Choice, Field, Markup, Message, Moment, Option, Select, Style
from bot.platforms.discord.render import Page, render, render_one

PARAGRAPH = "A paragraph about embeddings and vectors, long enough to matter. " * 12


def embeds(page: Page) -> list[dict]:
    return [e.to_dict() for e in page.embeds]


def components(page: Page) -> list[dict]:
    return [c for row in page.view.to_components() for c in row["components"]] if page.view else []


async def test_a_long_lesson_is_cut_at_paragraphs_within_discords_limits():
    """30 paragraphs: every description at most 4,096, at most 10 embeds and 6,000 characters
    per message, no paragraph cut in two, the title first, footer and buttons last."""
    body = "\n\n".join(f"{n} {PARAGRAPH.strip()}" for n in range(30))
    message = Message(
        body=body,
        title="Day 3 · Lesson",
        footer="AI engineer path",
        choices=(Choice("Mark done", "done", "x"),),
    )
    pages = render(message)
    assert len(pages) > 1
    for page in pages:
        sizes = [len(e) for e in page.embeds]
        assert len(sizes) <= 10 and sum(sizes) <= 6000
        assert all(len(e.description or "") <= 4096 for e in page.embeds)
    described = [e["description"] for p in pages for e in embeds(p)]
    assert "\n\n".join(described) == body
    assert embeds(pages[0])[0]["title"] == "Day 3 · Lesson"
    assert embeds(pages[-1])[-1]["footer"]["text"] == "AI engineer path"
    assert [p.view is not None for p in pages] == [False] * (len(pages) - 1) + [True]


async def test_times_are_discord_timestamps_in_text_and_words_where_markdown_is_not_shown():
    """A moment in the body or a field is `<t:…:t> (<t:…:R>)`; in the title and footer, where
    Discord shows text literally, it is the member's local time in words."""
    moment = Moment(datetime(2026, 3, 3, 8, tzinfo=UTC), "Europe/Berlin")
    token = moment_token(moment)
    message = Message(
        body=f"Next: {token}",
        title=f"**Due** {token}",
        footer=f"`/mentor done` by {token}",
        fields=(Field("When", token),),
    )
    (embed,) = embeds(render(message)[0])
    stamp = int(moment.at.timestamp())
    assert embed["description"] == f"Next: <t:{stamp}:t> (<t:{stamp}:R>)"
    assert embed["fields"][0]["value"] == f"<t:{stamp}:t> (<t:{stamp}:R>)"
    assert embed["title"] == "Due Tue 03 Mar at 09:00 (Europe/Berlin)"
    assert embed["footer"]["text"] == "/mentor done by Tue 03 Mar at 09:00 (Europe/Berlin)"


async def test_buttons_carry_action_and_value_in_their_custom_ids():
    """Styles map to Discord's, links open without calling back, equal choices stay apart."""
    message = Message(
        body="Pick",
        choices=(
            Choice("Join", "join", "ai-engineer", Style.PRIMARY),
            Choice("Delete", "forget", "confirm", Style.DANGER),
            Choice("Again", "join", "ai-engineer"),
            Choice("Docs", url="https://example.org/docs"),
        ),
    )
    buttons = components(render(message)[0])
    assert [b.get("custom_id") for b in buttons] == [
        "mb:join:ai-engineer",
        "mb:forget:confirm",
        "mb1:join:ai-engineer",
        None,
    ]
    assert [b["style"] for b in buttons] == [1, 4, 2, 5]
    assert buttons[3]["url"] == "https://example.org/docs"


async def test_choices_too_long_for_a_button_are_listed_and_numbered():
    """A label over 80 characters moves into the text; the buttons carry numbers."""
    long = "An answer option that runs on and on well past the eighty characters a button takes"
    message = Message(
        body="Question?", choices=(Choice(long, "quiz", "1:q:0"), Choice("Short", "quiz", "1:q:1"))
    )
    page = render(message)[0]
    assert f"**1.** {long}" in embeds(page)[0]["description"]
    assert [b["label"] for b in components(page)] == ["1", "2"]


async def test_a_select_offers_its_options_on_a_row_of_its_own():
    """The select's custom id names the action; each option's value comes back when picked."""
    select = Select("join", (Option("AI engineer", "ai-engineer", "build on models"),))
    page = render(Message(body="Paths", choices=(Choice("Help", "paths"),), select=select))[0]
    rows = page.view.to_components()
    assert [len(r["components"]) for r in rows] == [1, 1]
    menu = rows[1]["components"][0]
    assert menu["custom_id"] == "ms:join"
    assert menu["options"][0]["value"] == "ai-engineer"


async def test_a_custom_id_discord_would_refuse_is_an_error_of_ours():
    """Over 100 characters a custom id cannot be sent: the renderer says so plainly."""
    with pytest.raises(ValueError, match="custom id"):
        render(Message(body="x", choices=(Choice("Go", "done", "x" * 120),)))


async def test_plain_text_is_escaped_and_checklists_become_boxes():
    """Plain messages show markdown characters as typed; `- [ ]` lists show boxes."""
    plain = embeds(render(Message(body="2*3*4 is _big_", markup=Markup.PLAIN))[0])[0]
    assert plain["description"] == r"2\*3\*4 is \_big\_"
    boxes = embeds(render(Message(body="- [ ] read\n- [x] code"))[0])[0]
    assert boxes["description"] == "☐ read\n☑ code"


async def test_an_edit_that_would_need_two_messages_is_cut_to_one_with_a_mark():
    """An edit replaces one message: what does not fit is cut and marked."""
    body = "\n\n".join([PARAGRAPH] * 40)
    page = render_one(Message(body=body, choices=(Choice("👍", "feedback", "1:up"),)))
    assert sum(len(e) for e in page.embeds) <= 6000 and len(page.embeds) <= 10
    assert page.embeds[-1].description.endswith("…")
    assert page.view is not None


async def test_fields_and_footer_close_the_message():
    """Fields keep their order and inline flag; empty values show as a blank, not an error."""
    message = Message(
        body="Progress", fields=(Field("Streak", "3 days"), Field("Schedule", "", inline=False))
    )
    (embed,) = embeds(render(message)[0])
    assert [(f["name"], f["inline"]) for f in embed["fields"]] == [
        ("Streak", True),
        ("Schedule", False),
    ]
    assert re.fullmatch(r"\u200b", embed["fields"][1]["value"])
