"""When a member's next item is due: APScheduler's CronTrigger in the member's own time zone.

CronTrigger does the daylight-saving arithmetic: a wall time that does not exist on the
spring-forward day (02:30 in New York) fires once, an hour later by the wall clock, and every
other day keeps its wall time while its UTC moment shifts. The one thing it does not do for us
is a wall time that happens twice when clocks fall back (01:30 in New York): it would fire at
both, so `next_due` skips a second fire on the local day it has just served.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.models import Delivery, DeliveryStatus, Member, MemberStatus

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


async def last_sent_at(session: AsyncSession, member_id: int) -> datetime | None:
    statement = select(func.max(Delivery.sent_at)).where(
        Delivery.member_id == member_id, Delivery.status == DeliveryStatus.SENT
    )
    return (await session.exec(statement)).one()


async def reschedule(session: AsyncSession, member: Member, now: datetime) -> None:
    """Set when the member's next item is due after a change, or clear it while they are off.

    Called inside the transaction that changed the member's schedule, status or path. The
    member's last DM counts as served, so a schedule moved later in the day brings no second
    item that day.
    """
    if member.status != MemberStatus.ACTIVE:
        member.next_due_at = None
    else:
        served = await last_sent_at(session, member.id) if member.id is not None else None
        member.next_due_at = next_due_for(member, now, served)
    session.add(member)


async def release_hold(session: AsyncSession, member: Member, now: datetime) -> bool:
    """A held member showed up (`/mentor today` or `/mentor done`): deliveries go on."""
    if member.status != MemberStatus.HELD:
        return False
    member.status = MemberStatus.ACTIVE
    member.status_reason = None
    member.updated_at = now
    await reschedule(session, member, now)
    return True
