"""Delivery schedules: a time of day, an IANA time zone and days of the week, and when they fire.

APScheduler's CronTrigger does the daylight-saving arithmetic: a wall time that does not exist
on the spring-forward day (02:30 in New York) fires once, an hour later by the wall clock, and
every other day keeps its wall time while its UTC moment shifts. The one thing it does not do
for us is a wall time that happens twice when clocks fall back (01:30 in New York): it would
fire at both, so `next_due` skips a second fire on the local day it has just served.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.core.errors import UserError
from bot.core.messages import Moment
from bot.core.models import Member
from bot.core.text import shown
from bot.core.zones import close_zone, is_known_zone

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_ALIASES = {
    "daily": DAYS,
    "everyday": DAYS,
    "weekdays": DAYS[:5],
    "weekends": DAYS[5:],
}
# A day is its three letters or its full English name; nothing in between ("monkey" is not one).
_DAY_NAMES = {
    **{day: day for day in DAYS},
    **{
        name: name[:3]
        for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    },
}
SCHEDULE_USAGE = "/mentor schedule <HH:MM> <time zone> [days]"
SCHEDULE_EXAMPLE = "for example `/mentor schedule 07:30 Europe/Berlin mon-fri`"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Schedule:
    time: str
    timezone: str
    days: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.time} ({self.timezone}) on {describe_days(self.days)}"


def next_delivery(member: Member) -> Moment | None:
    """When the member's next item arrives, or None while nothing is due."""
    if member.next_due_at is None:
        return None
    return Moment(member.next_due_at, member.timezone)


# Enough to step past one repeated wall time; more means the trigger never fires.
_MAX_SKIPS = 4


@lru_cache(maxsize=4096)
def _trigger(time: str, timezone: str, days: str) -> CronTrigger:
    hour, minute = time.split(":")
    return CronTrigger(
        hour=int(hour), minute=int(minute), day_of_week=days, timezone=ZoneInfo(timezone)
    )


@lru_cache(maxsize=65536)
def next_due(
    time: str, timezone: str, days: str, after: datetime, served: datetime | None = None
) -> datetime:
    """The first scheduled moment at or after `after`, in UTC, never on `served`'s local day.

    `served` is the scheduled moment just delivered (or held, or skipped), so catch-up after
    downtime gives one item and the next one waits for the next scheduled day.
    """
    trigger = _trigger(time, timezone, days)
    zone = trigger.timezone
    served_day = served.astimezone(zone).date() if served is not None else None
    moment = after
    for _ in range(_MAX_SKIPS):
        fire = trigger.get_next_fire_time(None, moment)
        if fire is None:
            break
        # Arithmetic in UTC: adding to a local time with fold=1 would step back an hour.
        fire = fire.astimezone(UTC)
        if served_day is None or fire.astimezone(zone).date() != served_day:
            return fire
        moment = fire + timedelta(seconds=1)
    raise ValueError(f"the schedule {time} {timezone} {days} never fires after {after}")


def next_due_for(member: Member, after: datetime, served: datetime | None = None) -> datetime:
    return next_due(member.delivery_time, member.timezone, member.delivery_days, after, served)


def schedule_of(member: Member) -> Schedule:
    return Schedule(member.delivery_time, member.timezone, tuple(member.delivery_days.split(",")))


def parse_time(text: str) -> str:
    match = _TIME.match(text.strip())
    if not match:
        raise UserError(
            f"'{shown(text)}' is not a time of day; use 24-hour HH:MM, {SCHEDULE_EXAMPLE}",
            SCHEDULE_USAGE,
        )
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def parse_timezone(text: str) -> str:
    name = text.strip()
    if not is_known_zone(name):
        hint = close_zone(name)
        suggestion = f" Did you mean `{hint}`?" if hint else ""
        raise UserError(
            f"'{shown(name)}' is not a time zone I know.{suggestion} Use an IANA name such as "
            f"Europe/Berlin, America/New_York or Asia/Kolkata; {SCHEDULE_EXAMPLE}",
            SCHEDULE_USAGE,
        )
    return name


def parse_days(text: str | None) -> tuple[str, ...]:
    if not text:
        return DAYS
    text = text.strip().lower().replace(" ", "")
    if text in DAY_ALIASES:
        return DAY_ALIASES[text]
    chosen: set[str] = set()
    for part in text.split(","):
        ends = part.split("-")
        if len(ends) > 2 or any(end not in _DAY_NAMES for end in ends):
            raise UserError(
                f"'{shown(part)}' is not a day or a range of days; use mon-fri, sat,sun, "
                f"weekdays or daily, {SCHEDULE_EXAMPLE}",
                SCHEDULE_USAGE,
            )
        start, end = DAYS.index(_DAY_NAMES[ends[0]]), DAYS.index(_DAY_NAMES[ends[-1]])
        span = range(start, end + 1) if start <= end else [*range(start, 7), *range(0, end + 1)]
        chosen.update(DAYS[i] for i in span)
    return tuple(day for day in DAYS if day in chosen)


def parse_schedule(args: list[str]) -> Schedule:
    if len(args) < 2 or len(args) > 3:
        raise UserError(f"Give a time and a time zone, {SCHEDULE_EXAMPLE}", SCHEDULE_USAGE)
    return Schedule(
        parse_time(args[0]), parse_timezone(args[1]), parse_days(args[2] if len(args) > 2 else None)
    )


def describe_days(days: tuple[str, ...] | list[str]) -> str:
    days = tuple(days)
    if days == DAYS:
        return "every day"
    if days == DAYS[:5]:
        return "weekdays (mon-fri)"
    if days == DAYS[5:]:
        return "weekends (sat, sun)"
    return ", ".join(days)
