"""Progress: done out of total on the current path, projects handed in, and streaks.

A streak counts the member's learning days in a row, in their own calendar: a day with an item
marked done adds one. A day they were not expected to learn does not break it: a day off their
delivery schedule (the weekend of a mon-fri member) or a day they had deliveries paused, nor
does today while it is still open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.content import ContentSet, Item, LearningPath
from bot.core.enrollment import active_enrollment, current_item
from bot.core.models import Completion, Member, MemberPause
from bot.core.schedule import DAYS


@dataclass(frozen=True)
class Progress:
    path: LearningPath
    done: int
    total: int
    current: Item | None
    # The streak going on now, and the longest the member ever had.
    streak: int
    project_links: tuple[tuple[str, str], ...]
    best_streak: int = 0
    # Projects on the path, and how many of them the member has marked done.
    projects: int = 0
    projects_done: int = 0


@dataclass(frozen=True)
class Streaks:
    current: int
    best: int


def streaks(active_days: set[date], today: date, excused: Callable[[date], bool]) -> Streaks:
    """The current and the best run of active days up to `today`; an inactive day breaks a run
    unless it is `excused` or is today."""
    if not active_days:
        return Streaks(0, 0)
    run = best = 0
    day = min(active_days)
    while day <= today:
        if day in active_days:
            run += 1
            best = max(best, run)
        elif day != today and not excused(day):
            run = 0
        day += timedelta(days=1)
    return Streaks(run, best)


def streak(active_days: set[date], today: date) -> int:
    """The current streak of a member expected every day and never paused."""
    return streaks(active_days, today, lambda _day: False).current


def days_off(delivery_days: str, pauses: Iterable[tuple[date, date]]) -> Callable[[date], bool]:
    """Whether a day excuses a member: off their schedule, or within one of their pauses
    (first and last day included, so a pause that starts mid-morning covers that day)."""
    scheduled = {DAYS.index(day) for day in delivery_days.split(",") if day in DAYS}
    spans = list(pauses)

    def excused(day: date) -> bool:
        if day.weekday() not in scheduled:
            return True
        return any(first <= day <= last for first, last in spans)

    return excused


async def progress(
    session: AsyncSession, content: ContentSet, member: Member, clock: Clock
) -> Progress | None:
    enrollment = await active_enrollment(session, member)
    if enrollment is None or (path := content.path(enrollment.path_id)) is None:
        return None
    rows = (await session.exec(select(Completion).where(Completion.member_id == member.id))).all()
    pauses = (
        await session.exec(select(MemberPause).where(MemberPause.member_id == member.id))
    ).all()
    zone = ZoneInfo(member.timezone)
    now = clock.now()
    today = _local_day(now, zone)
    on_path = {row.item_id for row in rows if path.item(row.item_id)}
    days = {_local_day(row.completed_at, zone) for row in rows}
    spans = [(_local_day(p.started_at, zone), _local_day(p.ended_at or now, zone)) for p in pauses]
    counted = streaks(days, today, days_off(member.delivery_days, spans))
    # Only projects are handed in; a link given with a lesson is not a hand-in.
    links = tuple(
        (item.title, row.link)
        for row in rows
        if row.link and (item := path.item(row.item_id)) is not None and item.is_project
    )
    return Progress(
        path=path,
        done=len(on_path),
        total=len(path.items),
        current=current_item(content, enrollment),
        streak=counted.current,
        project_links=links,
        best_streak=counted.best,
        projects=path.projects,
        projects_done=sum(1 for item in path.items if item.is_project and item.id in on_path),
    )


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()
