"""Odd lines typed at the console get a clear answer and never crash it."""

from __future__ import annotations

import pytest

from bot.platforms.console import parse_duration
from tests.conftest import ConsoleDriver


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
