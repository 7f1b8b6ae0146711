"""Time comes from a clock object so tests and the console can move it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

from bot.core.ports import Clock

__all__ = ["Clock", "FixedClock", "MovableClock", "OffsetClock", "SystemClock"]


class MovableClock(Clock, Protocol):
    """A clock that can be moved forward: the console's and the tests'."""

    def advance(self, delta: timedelta) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class OffsetClock:
    """Real time plus an offset that only grows: the console's `/wait` moves it forward."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return self._base.now() + self.offset

    def advance(self, delta: timedelta) -> None:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self.offset += delta


class FixedClock:
    """A clock that stands still until told to move; for tests and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")
        self._now = when.astimezone(UTC)

    def advance(self, delta: timedelta) -> None:
        self._now += delta
