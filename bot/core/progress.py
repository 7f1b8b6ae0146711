"""Progress: done out of total on the current path, and the streak of active days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.content import ContentSet, Item, LearningPath
from bot.core.enrollment import active_enrollment, current_item
from bot.core.models import Completion, Member


@dataclass(frozen=True)
class Progress:
    path: LearningPath
    done: int
    total: int
    current: Item | None
    streak: int
    project_links: tuple[tuple[str, str], ...]


def streak(active_days: set[date], today: date) -> int:
    """Consecutive days with a completion, ending today (or yesterday, if today is still open)."""
    day = today if today in active_days else today - timedelta(days=1)
    count = 0
    while day in active_days:
        count += 1
        day -= timedelta(days=1)
    return count


async def progress(
    session: AsyncSession, content: ContentSet, member: Member, clock: Clock
) -> Progress | None:
    enrollment = await active_enrollment(session, member)
    if enrollment is None or (path := content.path(enrollment.path_id)) is None:
        return None
    rows = (await session.exec(select(Completion).where(Completion.member_id == member.id))).all()
    zone = ZoneInfo(member.timezone)
    on_path = {row.item_id for row in rows if path.item(row.item_id)}
    days = {_local_day(row.completed_at, zone) for row in rows}
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
        streak=streak(days, _local_day(clock.now(), zone)),
        project_links=links,
    )


def _local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()
