"""Next due times from CronTrigger in the member's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import next_due

EVERY_DAY = "mon,tue,wed,thu,fri,sat,sun"
NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def fires(time: str, zone: str, start: datetime, count: int, days: str = EVERY_DAY):
    """The first `count` deliveries from `start`, as the dispatcher would chain them."""
    moments, served = [], None
    after = start
    for _ in range(count):
        due = next_due(time, zone, days, after, served)
        moments.append(due)
        served, after = due, due
    return moments


def test_eight_am_new_york_keeps_its_wall_time_over_spring_forward():
    """08:00 in New York is 13:00 UTC before 8 March 2026 and 12:00 UTC from that day on."""
    assert fires("08:00", NEW_YORK, utc(2026, 3, 6, 14), 4) == [
        utc(2026, 3, 7, 13),
        utc(2026, 3, 8, 12),
        utc(2026, 3, 9, 12),
        utc(2026, 3, 10, 12),
    ]


def test_eight_am_new_york_keeps_its_wall_time_over_fall_back():
    """08:00 in New York is 12:00 UTC until 1 November 2026 and 13:00 UTC from that day on."""
    assert fires("08:00", NEW_YORK, utc(2026, 10, 30, 13), 3) == [
        utc(2026, 10, 31, 12),
        utc(2026, 11, 1, 13),
        utc(2026, 11, 2, 13),
    ]


def test_a_time_skipped_by_spring_forward_is_delivered_once_an_hour_later():
    """02:30 does not exist in New York on 8 March 2026: it fires once, at 03:30 EDT."""
    moments = fires("02:30", NEW_YORK, utc(2026, 3, 7, 12), 3)
    assert moments == [utc(2026, 3, 8, 7, 30), utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30)]
    assert [m.astimezone(ZoneInfo(NEW_YORK)).day for m in moments] == [
        8,
        9,
        10,
    ]


def test_a_time_repeated_by_fall_back_is_delivered_once():
    """01:30 happens twice in New York on 1 November 2026; the member gets one item that day."""
    assert fires("01:30", NEW_YORK, utc(2026, 10, 31, 12), 2) == [
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]


def test_weekdays_only_skips_the_weekend():
    """A mon-fri schedule goes from Friday to Monday."""
    friday_evening = utc(2026, 3, 6, 20)
    assert next_due("07:30", "Europe/Berlin", "mon,tue,wed,thu,fri", friday_evening) == utc(
        2026, 3, 9, 6, 30
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Back at 23:00 the same day: today's slot was served, the next is tomorrow's.
        (utc(2026, 3, 2, 23), utc(2026, 3, 3, 9)),
        # Back after midnight: yesterday's slot was served, today's 09:00 still comes.
        (utc(2026, 3, 3, 0, 30), utc(2026, 3, 3, 9)),
        # Back two days later: one catch-up now, then the next day's slot.
        (utc(2026, 3, 4, 12), utc(2026, 3, 5, 9)),
    ],
)
def test_after_a_missed_slot_the_next_one_is_the_next_scheduled_day(now, expected):
    """The slot served by a catch-up is not served again, and no later day is skipped."""
    missed = utc(2026, 3, 2, 9)
    assert next_due("09:00", "UTC", EVERY_DAY, now, missed) == expected
    assert next_due("09:00", "UTC", EVERY_DAY, now, missed) - now < timedelta(days=1)
