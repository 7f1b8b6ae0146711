"""Enrollment: which path a member is on, where they are in it, and marking items done."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.content import ContentSet, Item, LearningPath
from bot.core.db import insert_new
from bot.core.delivery.plan import reschedule
from bot.core.models import Completion, Enrollment, EnrollmentStatus, Member, MemberStatus


@dataclass(frozen=True)
class DoneResult:
    done: Item
    next: Item | None
    # The item was marked done before (a second click, an old DM's button).
    already: bool = False


async def active_enrollment(session: AsyncSession, member: Member) -> Enrollment | None:
    statement = (
        select(Enrollment)
        .where(
            Enrollment.member_id == member.id,
            Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.FINISHED]),
        )
        .order_by(Enrollment.id.desc())
    )
    return (await session.exec(statement)).first()


async def completed_ids(session: AsyncSession, member: Member) -> set[str]:
    statement = select(Completion.item_id).where(Completion.member_id == member.id)
    return set((await session.exec(statement)).all())


async def enroll(
    session: AsyncSession, member: Member, path: LearningPath, clock: Clock
) -> Enrollment:
    """Put the member on `path`, leaving any other path; items already done stay done."""
    now = clock.now()
    current = await active_enrollment(session, member)
    if current is not None and current.path_id == path.id:
        return current
    if current is not None:
        current.status = EnrollmentStatus.LEFT
        current.ended_at = now
        session.add(current)
    done = await completed_ids(session, member)
    first_open = next((item for item in path.items if item.id not in done), None)
    enrollment = Enrollment(
        member_id=member.id,
        path_id=path.id,
        current_item_id=first_open.id if first_open else None,
        status=EnrollmentStatus.ACTIVE if first_open else EnrollmentStatus.FINISHED,
        started_at=now,
        ended_at=None if first_open else now,
    )
    session.add(enrollment)
    # A new path starts with no backlog, so a pacing hold on the old one does not carry over.
    if member.status == MemberStatus.HELD:
        member.status = MemberStatus.ACTIVE
        member.status_reason = None
    await reschedule(session, member, now)
    await session.flush()
    return enrollment


def current_item(content: ContentSet, enrollment: Enrollment) -> Item | None:
    """The member's open item; if it has since left the path, the next one after its place."""
    path = content.path(enrollment.path_id)
    if path is None or enrollment.current_item_id is None:
        return None
    return path.at_or_after(enrollment.current_item_id)


async def mark_done(
    session: AsyncSession,
    content: ContentSet,
    member: Member,
    enrollment: Enrollment,
    link: str | None,
    clock: Clock,
    item_id: str | None = None,
) -> DoneResult | None:
    """Record an item as done: `item_id` (a DM's button names its lesson) or else the current
    one, and move on to the next open item. None if there is nothing to mark."""
    path = content.path(enrollment.path_id)
    current = current_item(content, enrollment)
    item = path.item(item_id) if path is not None and item_id else current
    if path is None or item is None:
        return None
    now = clock.now()
    done = await completed_ids(session, member)
    already = item.id in done
    if not already:
        completion = Completion(
            member_id=member.id, path_id=path.id, item_id=item.id, link=link, completed_at=now
        )
        # A double click sends two of these at once, both before either is saved: the second
        # finds the row taken and counts as already done, instead of failing on the unique
        # (member, item) key.
        inserted = await session.exec(
            insert_new(session, Completion).values(completion.model_dump(exclude={"id"}))
        )
        already = inserted.rowcount == 0
    done.add(item.id)
    if current is not None and current.id != item.id:
        # An earlier or later item from its own DM: the member's place does not move.
        return DoneResult(done=item, next=current, already=already)
    following = path.items[path.items.index(item) + 1 :]
    upcoming = next((i for i in following if i.id not in done), None)
    enrollment.current_item_id = upcoming.id if upcoming else None
    if upcoming is None:
        enrollment.status = EnrollmentStatus.FINISHED
        enrollment.ended_at = now
    session.add(enrollment)
    await session.flush()
    return DoneResult(done=item, next=upcoming, already=already)
