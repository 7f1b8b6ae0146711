"""The neutral message model as the console prints it."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from bot.core.markup import moment_token
from bot.core.messages import (
    Action,
    Choice,
    Field,
    Form,
    Message,
    Moment,
    Option,
    OutgoingFile,
    Select,
    TextInput,
)
from bot.platforms.console import ConsoleReplier
from bot.platforms.console.render import pickable, render


def test_fields_links_selects_and_choices_render_in_order():
    """Fields follow the body; link buttons show their address; buttons then select options are
    numbered in one sequence, and the numbers pick the matching actions."""
    message = Message(
        title="Title",
        body="Body",
        fields=(Field("Streak", "3 days"),),
        choices=(Choice("Docs", url="https://example.com/docs"), Choice("Go", "today")),
        select=Select("join", (Option("AI engineer", "ai-engineer", "build on models"),), "Pick"),
        footer="Footer",
    )
    text = render(message)
    assert text.index("Body") < text.index("Streak: 3 days") < text.index("[1] Go")
    assert "Docs: https://example.com/docs" in text
    assert "[2] AI engineer (build on models)" in text and text.endswith("-- Footer")
    assert pickable(message) == (Action("today"), Action("join", "ai-engineer"))


def test_moments_print_in_the_members_zone_and_checklists_as_boxes():
    """A moment token reads as local time with its zone; `- [ ]` reads as a box."""
    at = Moment(datetime(2026, 3, 3, 7, 0, tzinfo=UTC), "Europe/Berlin")
    text = render(Message(body=f"Next: {moment_token(at)}\n- [ ] record audio\n- [x] plan"))
    assert "Next: Tue 03 Mar at 08:00 (Europe/Berlin)" in text
    assert "☐ record audio" in text and "☑ plan" in text


async def test_files_are_saved_and_forms_fall_back(tmp_path: Path):
    """A sent file lands in the working directory with its path printed; forms are declined."""
    out = io.StringIO()
    replier = ConsoleReplier(out, files_dir=tmp_path)
    await replier.send(Message(body="Chart", files=(OutgoingFile("chart.png", b"\x89PNG"),)))
    assert (tmp_path / "chart.png").read_bytes() == b"\x89PNG"
    assert str(tmp_path / "chart.png") in out.getvalue()
    assert await replier.form(Form("x", "A form", (TextInput("a", "A"),))) is False
