"""Odd lines typed at the console get a clear answer and never crash it."""

from __future__ import annotations

import asyncio

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.app import build_app
from bot.core.clock import FixedClock, OffsetClock
from bot.core.commands import build_commands
from bot.core.commands.router import OOPS, SAVE_FAILED
from bot.platforms.console import parse_duration
from bot.settings import DEFAULT_CONTENT_DIR, Settings
from tests.conftest import START, ConsoleDriver

COMMAND_NAMES = [command.name for command in build_commands() if command.group == "mentor"]


@pytest.mark.parametrize("line", ["²", "①", "٣", "9" * 5000])
async def test_odd_numbers_as_a_quiz_answer_do_not_crash(console: ConsoleDriver, line: str):
    """Unicode digits and a 5,000-digit number at a quiz question get a hint, not a crash."""
    await console.say("/mentor start")
    out = await console.say(line)
    assert "Pick a number from 1 to" in out or "Commands start with a slash" in out
    # The quiz still goes on with a real answer afterwards.
    assert "question 2 of" in await console.say("1")


@pytest.mark.parametrize("text", ["99999999w", "53w", "9" * 5000 + "d", "400d"])
async def test_wait_further_than_a_year_is_refused(console: ConsoleDriver, text: str):
    """`/wait 99999999w` says how far /wait may go, and the clock does not move."""
    before = console.clock.now()
    out = await console.say(f"/wait {text}")
    assert "/wait goes at most 52 weeks ahead at a time." in out
    assert console.clock.now() == before


def test_durations_add_up_their_pieces():
    """1d12h is a day and a half; 52w is the longest wait."""
    assert parse_duration("1d12h").total_seconds() == 36 * 3600
    assert parse_duration("52w").days == 364


async def test_a_bad_duration_is_quoted_short(console: ConsoleDriver):
    """A long bad duration is echoed with at most about a hundred characters."""
    out = await console.say("/wait " + "x" * 10_000)
    assert "is not a duration" in out and len(out) < 400


COMMAND_LINES = [
    *(f"/mentor {name}" for name in COMMAND_NAMES),
    "/mentor-admin validate",
    "/mentor-admin stats",
    "/mentor-admin questions",
    "/wait",
    "/mentor",
    "/",
]
LINES = st.one_of(
    st.text(max_size=300),
    st.builds("{} {}".format, st.sampled_from(COMMAND_LINES), st.text(max_size=300)),
    st.from_regex(r"[0-9]{1,5000}", fullmatch=True),
    st.builds("/wait {}{}".format, st.integers(0, 10**30), st.sampled_from("wdhmsy")),
)


def test_no_typed_line_crashes_the_console(tmp_path_factory: pytest.TempPathFactory):
    """Whatever is typed, the console answers without an error reply or an exception."""
    data = tmp_path_factory.mktemp("console")
    settings = Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{data / 'console.db'}",
        MENTORBOT_CONTENT_DIR=DEFAULT_CONTENT_DIR,
    )
    with asyncio.Runner() as runner:
        clock = OffsetClock(FixedClock(START))
        app = runner.run(build_app(settings, clock))
        driver = ConsoleDriver(app, clock)

        @hypothesis.settings(max_examples=150)
        @given(st.lists(LINES, min_size=1, max_size=4))
        def typed(texts: list[str]) -> None:
            # As the console reads them: line by line, stripped.
            lines = [line.strip() for text in texts for line in text.splitlines() or [""]]
            out = runner.run(driver.say(*lines))
            assert OOPS not in out and SAVE_FAILED not in out and "Traceback" not in out

        try:
            typed()
        finally:
            runner.run(app.close())
