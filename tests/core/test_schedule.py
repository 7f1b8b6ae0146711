"""Schedule settings: times, IANA zones and days are checked with helpful errors."""

from __future__ import annotations

import pytest

from bot.core.errors import UserError
from bot.core.schedule import DAYS, parse_days, parse_schedule, parse_time, parse_timezone


def test_valid_schedule_is_normalised():
    """'7:30 Europe/Berlin mon-fri' becomes 07:30, the zone, and five days."""
    schedule = parse_schedule(["7:30", "Europe/Berlin", "mon-fri"])
    assert schedule.time == "07:30"
    assert schedule.timezone == "Europe/Berlin"
    assert schedule.days == DAYS[:5]


@pytest.mark.parametrize("text", ["25:00", "7", "07:60", "noon", ""])
def test_bad_time_is_refused_with_an_example(text: str):
    """A time that is not HH:MM is refused and the message shows an example."""
    with pytest.raises(UserError, match="07:30 Europe/Berlin"):
        parse_time(text)


def test_unknown_zone_suggests_the_right_name():
    """A bare city name is refused, suggesting the IANA zone."""
    with pytest.raises(UserError, match="Did you mean `Europe/Berlin`"):
        parse_timezone("berlin")
    with pytest.raises(UserError, match="not a time zone"):
        parse_timezone("Mars/Olympus")


@pytest.mark.parametrize(
    ("text", "days"),
    [
        (None, DAYS),
        ("weekdays", DAYS[:5]),
        ("sat,sun", ("sat", "sun")),
        ("fri-mon", ("mon", "fri", "sat", "sun")),
        ("Monday,Wednesday", ("mon", "wed")),
    ],
)
def test_days_accept_ranges_lists_and_names(text, days):
    """Days accept ranges (also wrapping), lists, full names and aliases."""
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["someday", "monkey", "mon-", "-fri", "mon-wed-fri", "tues", "mo"])
def test_bad_day_is_refused(text: str):
    """Only day names and their three-letter forms count: 'monkey' and 'mon-' are refused."""
    with pytest.raises(UserError, match="not a day"):
        parse_days(text)


@pytest.mark.parametrize("name", ["localtime", "posixrules", "Factory", "../UTC", "utc", ""])
def test_only_canonical_zones_are_accepted(name: str):
    """Files in the zone database that are not places, and near spellings, are refused."""
    with pytest.raises(UserError, match="not a time zone"):
        parse_timezone(name)


def test_a_huge_argument_is_echoed_at_most_a_hundred_characters():
    """A megabyte of bad input comes back as a short quote, not whole."""
    for parse in (parse_time, parse_timezone, parse_days):
        with pytest.raises(UserError) as refused:
            parse("x" * 1_000_000)
        assert len(refused.value.message) < 400
