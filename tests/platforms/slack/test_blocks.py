"""Neutral messages and forms as Block Kit, inside Slack's limits, with nothing able to ping."""

from __future__ import annotations

import json
import re

from bot.core.actions import Act
from bot.core.messages import (
    Choice,
    Field,
    FileInput,
    Form,
    Message,
    Option,
    Select,
    Style,
    TextInput,
)
from bot.platforms.slack import limits
from bot.platforms.slack.blocks import action_id, action_of, home_view, modal, render, render_one

PARAGRAPH = "A paragraph about embeddings and vector search, long enough to add up. " * 10
BROADCASTS = re.compile(r"<!(channel|here|everyone|subteam)|@everyone|@here|@channel")


def sections(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def test_a_long_lesson_is_cut_into_sections_of_at_most_3000_characters():
    """Each section holds at most 3,000 characters, cut at paragraph breaks."""
    body = "\n\n".join([PARAGRAPH] * 8)
    (message,) = render(Message(title="Day 1 · Lesson: Embeddings", body=body))
    texts = sections(message.blocks)
    assert len(texts) > 1 and all(len(t) <= limits.SECTION_CHARS for t in texts)
    assert sum(t.count("A paragraph") for t in texts) == 80


def test_more_than_50_blocks_go_out_as_several_messages_with_the_buttons_last():
    """Slack takes 50 blocks a message: the rest follows, and the buttons close the last one."""
    body = "\n\n".join([PARAGRAPH * 4] * 60)
    pages = render(Message(body=body, choices=(Choice("Mark done", Act.DONE, "x"),)))
    assert len(pages) > 1
    assert all(len(page.blocks) <= limits.MESSAGE_BLOCKS for page in pages)
    assert pages[-1].blocks[-1]["type"] == "actions"
    shortened = render_one(Message(body=body, choices=(Choice("Mark done", Act.DONE),)))
    assert len(shortened.blocks) == limits.MESSAGE_BLOCKS
    assert shortened.blocks[-1]["type"] == "actions" and "shortened" in json.dumps(shortened.blocks)


def test_buttons_carry_their_action_and_value_with_unique_ids():
    """Slack refuses repeated action ids, so each button's place is added and read back off."""
    choices = tuple(Choice(f"Option {n}", Act.QUIZ, f"1:q:{n}") for n in range(3))
    (page,) = render(Message(body="?", choices=(*choices, Choice("Docs", url="https://x.io"))))
    elements = page.blocks[-1]["elements"]
    ids = [e["action_id"] for e in elements]
    assert len(set(ids)) == 4
    assert [action_of(i) for i in ids] == [Act.QUIZ] * 3 + ["link"]
    assert [e.get("value") for e in elements[:3]] == ["1:q:0", "1:q:1", "1:q:2"]
    assert elements[3]["url"] == "https://x.io" and action_of(action_id("schedule-set", 2)) == (
        "schedule-set"
    )


def test_styles_labels_fields_and_selects_fit_slacks_limits():
    """Primary and danger styles map over; long labels are cut; fields go ten to a section."""
    message = Message(
        body="b",
        choices=(
            Choice("x" * 100, Act.FORGET, "confirm", Style.DANGER),
            Choice("Go", Act.TODAY, style=Style.PRIMARY),
            Choice("Later", Act.SNOOZE),
        ),
        fields=tuple(Field(f"f{n}", "v") for n in range(12)),
        select=Select(Act.JOIN, tuple(Option(f"Path {n}", f"p{n}") for n in range(120))),
    )
    (page,) = render(message)
    buttons = page.blocks[-2]["elements"]
    assert [b.get("style") for b in buttons] == ["danger", "primary", None]
    assert len(buttons[0]["text"]["text"]) == limits.BUTTON_CHARS
    assert [len(b["fields"]) for b in page.blocks if "fields" in b] == [10, 2]
    menu = page.blocks[-1]["elements"][0]
    assert menu["type"] == "static_select" and len(menu["options"]) == limits.OPTIONS_PER_SELECT


def test_no_part_of_a_message_or_form_can_broadcast():
    """Title, body, footer, fields, buttons, options and form labels are all neutralised."""
    ping = "<!channel> <!here|here> <!everyone> <!subteam^S1|@devs> @everyone @here"
    message = Message(
        title=ping,
        body=f"{ping}\n\n[click](<!here>)",
        footer=ping,
        fields=(Field(ping, ping),),
        choices=(Choice(ping, Act.TODAY),),
        select=Select(Act.JOIN, (Option(ping, "p", ping),), placeholder=ping),
    )
    form = Form(Act.SCHEDULE_SET, ping, (TextInput("t", ping, ping), FileInput("f", ping)))
    rendered = json.dumps([p.__dict__ for p in render(message)] + [modal(form, "{}")])
    rendered += json.dumps(home_view(message))
    assert not BROADCASTS.search(rendered)


def test_a_form_becomes_a_modal_with_text_and_file_inputs():
    """Text inputs keep their defaults and limits; a file input is Slack's file_input; a title
    too long for the modal's header goes above the inputs."""
    form = Form(
        "publish",
        "Publish new content for everyone",
        (
            TextInput("note", "What changed", "e.g. new lessons", required=False, long=True),
            FileInput("archive", "Content archive (.zip)"),
        ),
        value="v1",
        submit="Publish",
    )
    view = modal(form, json.dumps({"v": "v1"}))
    assert (view["type"], view["callback_id"], view["title"]["text"]) == (
        "modal",
        "publish",
        "mentorbot",
    )
    assert "Publish new content for everyone" in view["blocks"][0]["text"]["text"]
    note, archive = view["blocks"][1:]
    assert note["optional"] is True and note["element"]["multiline"] is True
    assert archive["element"] == {"type": "file_input", "action_id": "archive", "max_files": 1}


def test_the_home_view_fits_a_views_block_limit():
    """A home tab takes up to 100 blocks; a longer page is shortened, buttons kept."""
    view = home_view(
        Message(body="\n\n".join([PARAGRAPH * 4] * 120), choices=(Choice("Go", Act.TODAY),))
    )
    assert view["type"] == "home" and len(view["blocks"]) == limits.VIEW_BLOCKS
    assert view["blocks"][-1]["type"] == "actions"
