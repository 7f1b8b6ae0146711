"""The console's /wait: the DMs that fall due are printed with their local send time."""

from __future__ import annotations

from tests.conftest import ConsoleDriver


async def test_wait_a_day_prints_the_days_lesson_at_local_time(console: ConsoleDriver):
    """/wait 1d after joining prints day 1 as a DM stamped 08:00 Berlin time."""
    await console.say("/mentor join ai-engineer", "/mentor schedule 08:00 Europe/Berlin")
    out = await console.say("/wait 1d")
    first = console.app.services.content.current.path("ai-engineer").items[0]
    assert f"[DM · Tue 08:00 Europe/Berlin] == Day 1 · Lesson: {first.title} ==" in out
    assert out.index("time passes") < out.index("[DM ·")


async def test_wait_three_days_prints_each_day_at_its_own_time(console: ConsoleDriver):
    """/wait 3d shows three days of lessons like real life, not one catch-up."""
    await console.say("/mentor join ml-engineer", "/mentor schedule 07:30 Asia/Kolkata")
    out = await console.say("/wait 3d")
    assert out.count("[DM ·") == 3
    for weekday, day in (("Tue", 1), ("Wed", 2), ("Thu", 3)):
        assert f"[DM · {weekday} 07:30 Asia/Kolkata] == Day {day} ·" in out


async def test_wait_shows_the_nudge_when_lessons_pile_up(console: ConsoleDriver):
    """Four days without /mentor done: three lessons, then one nudge instead of the fourth."""
    await console.say("/mentor join ai-engineer")
    out = await console.say("/wait 5d")
    assert out.count("[DM ·") == 4
    assert "Your lessons are waiting for you" in out
    assert "on hold" in await console.say("/mentor progress")


async def test_nothing_is_printed_while_paused(console: ConsoleDriver):
    """/mentor pause, then /wait 2d: no DMs."""
    await console.say("/mentor join ai-engineer", "/mentor pause")
    assert "[DM ·" not in await console.say("/wait 2d")
