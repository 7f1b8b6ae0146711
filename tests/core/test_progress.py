"""Streaks count consecutive active days in the member's own calendar."""

from __future__ import annotations

from datetime import date

from bot.core.progress import streak


def test_streak_counts_back_from_today():
    """Three consecutive days ending today make a streak of three."""
    days = {date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3)}
    assert streak(days, date(2026, 3, 3)) == 3


def test_streak_survives_until_today_is_over():
    """A streak ending yesterday still counts while today is open."""
    assert streak({date(2026, 3, 1), date(2026, 3, 2)}, date(2026, 3, 3)) == 2


def test_gap_breaks_the_streak():
    """A missed day ends the streak."""
    assert streak({date(2026, 3, 1), date(2026, 3, 3)}, date(2026, 3, 3)) == 1
    assert streak({date(2026, 3, 1)}, date(2026, 3, 3)) == 0
