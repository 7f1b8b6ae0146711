"""What `/mentor-admin stats` counts: members, paths, activity, the funnel, the mentor's use.

Every number is one aggregate query, so the command stays quick on a large community.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, union
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.content import ContentSet
from bot.core.models import (
    Completion,
    Enrollment,
    EnrollmentStatus,
    Member,
    MemberStatus,
    Question,
)

# The mentor's numbers cover this window; active learners are counted over both.
QUESTION_WINDOW = timedelta(days=30)
ACTIVE_WINDOWS = (timedelta(days=7), timedelta(days=30))
TOPICS_SHOWN = 10
UNREACHABLE_SHOWN = 10


@dataclass(frozen=True)
class Step:
    """One item of a path: how many members marked it done, and how many are at it now."""

    day: int
    item_id: str
    title: str
    completed: int
    current: int


@dataclass(frozen=True)
class PathStats:
    path_id: str
    title: str
    # Members whose path this is: still on it, and finished.
    active: int
    finished: int
    steps: tuple[Step, ...]

    @property
    def members(self) -> int:
        return self.active + self.finished


@dataclass(frozen=True)
class CommunityStats:
    members: int
    paused: int
    held: int
    unreachable: int
    paths: tuple[PathStats, ...]
    # Members who marked an item done or asked the mentor in the last 7 and 30 days.
    active_7: int
    active_30: int
    questions: int
    helpful: int
    unhelpful: int
    unsure_topics: tuple[tuple[str, int], ...]
    unreachable_members: tuple[tuple[str, str, str], ...]


async def community_stats(
    session: AsyncSession, content: ContentSet, now: datetime
) -> CommunityStats:
    members = (await session.exec(select(func.count()).select_from(Member))).one()
    by_status = await _counts(session, select(Member.status, func.count()).group_by(Member.status))
    since = now - QUESTION_WINDOW
    recent = (Question.created_at >= since,)
    ratings = await _counts(
        session,
        select(Question.feedback, func.count())
        .where(*recent, Question.feedback.is_not(None))
        .group_by(Question.feedback),
    )
    gaps = await _counts(
        session,
        select(Question.topic, func.count())
        .where(*recent, Question.unsure.is_(True))
        .group_by(Question.topic),
    )
    # An unsure answer with no topic named counts as "general", beside any named so.
    topics: dict[str, int] = {}
    for topic, count in gaps.items():
        topics[topic or "general"] = topics.get(topic or "general", 0) + count
    unreachable = (
        await session.exec(
            select(Member.display_name, Member.platform, Member.status_reason)
            .where(Member.status == MemberStatus.UNREACHABLE)
            .order_by(Member.updated_at.desc(), Member.id)
            .limit(UNREACHABLE_SHOWN)
        )
    ).all()
    active = [await _active_since(session, now - window) for window in ACTIVE_WINDOWS]
    return CommunityStats(
        members=members,
        paused=by_status.get(MemberStatus.PAUSED, 0),
        held=by_status.get(MemberStatus.HELD, 0),
        unreachable=by_status.get(MemberStatus.UNREACHABLE, 0),
        paths=await _paths(session, content),
        active_7=active[0],
        active_30=active[1],
        questions=(
            await session.exec(select(func.count()).select_from(Question).where(*recent))
        ).one(),
        helpful=ratings.get(1, 0),
        unhelpful=ratings.get(-1, 0),
        unsure_topics=tuple(sorted(topics.items(), key=lambda t: (-t[1], t[0]))[:TOPICS_SHOWN]),
        unreachable_members=tuple((n, p, r or "") for n, p, r in unreachable),
    )


async def _counts(session: AsyncSession, statement) -> dict:
    return dict((await session.exec(statement)).all())


async def _active_since(session: AsyncSession, since: datetime) -> int:
    learners = union(
        select(Completion.member_id).where(Completion.completed_at >= since),
        select(Question.member_id).where(Question.created_at >= since),
    ).subquery()
    return (await session.exec(select(func.count()).select_from(learners))).one()


async def _paths(session: AsyncSession, content: ContentSet) -> tuple[PathStats, ...]:
    enrolled = await _pairs(
        session,
        select(Enrollment.path_id, Enrollment.status, func.count())
        .where(Enrollment.status.in_([EnrollmentStatus.ACTIVE, EnrollmentStatus.FINISHED]))
        .group_by(Enrollment.path_id, Enrollment.status),
    )
    done = await _pairs(
        session,
        select(Completion.path_id, Completion.item_id, func.count()).group_by(
            Completion.path_id, Completion.item_id
        ),
    )
    # Where members on a path are now: the item they stopped at, if they stopped.
    at = await _pairs(
        session,
        select(Enrollment.path_id, Enrollment.current_item_id, func.count())
        .where(Enrollment.status == EnrollmentStatus.ACTIVE)
        .group_by(Enrollment.path_id, Enrollment.current_item_id),
    )
    return tuple(
        PathStats(
            path_id=path.id,
            title=path.title,
            active=enrolled.get((path.id, EnrollmentStatus.ACTIVE), 0),
            finished=enrolled.get((path.id, EnrollmentStatus.FINISHED), 0),
            steps=tuple(
                Step(
                    item.day,
                    item.id,
                    item.title,
                    done.get((path.id, item.id), 0),
                    at.get((path.id, item.id), 0),
                )
                for item in path.items
            ),
        )
        for path in content.paths.values()
    )


async def _pairs(session: AsyncSession, statement) -> dict[tuple[str, str], int]:
    return {(first, second): count for first, second, count in (await session.exec(statement))}
