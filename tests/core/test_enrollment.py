"""Enrollment and forget-me over a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import select

from bot.core.enrollment import active_enrollment, completed_ids, enroll, mark_done
from bot.core.members import Caller, forget_member, get_or_create_member
from bot.core.models import Completion, Enrollment, Member, QuizAttempt
from bot.core.services import Services

ALICE = Caller("console", "w1", "alice", "Alice")


async def _member(session, services: Services) -> Member:
    return await get_or_create_member(session, ALICE, services.clock, "UTC")


async def test_enroll_starts_at_day_one(services: Services):
    """A new member's enrollment points at the path's first item."""
    path = services.content.current.path("ai-engineer")
    async with services.db() as session, session.begin():
        member = await _member(session, services)
        enrollment = await enroll(session, member, path, services.clock)
    assert enrollment.current_item_id == path.items[0].id


async def test_mark_done_on_an_item_done_meanwhile_does_not_fail(services: Services):
    """Two transactions that both saw day 1 open mark it: one completion, the second is told it
    was already done, and both move on to day 2."""
    content = services.content.current
    path = content.path("ai-engineer")
    async with services.db() as session, session.begin():
        await enroll(session, await _member(session, services), path, services.clock)
    results = []
    async with services.db() as first, services.db() as second:
        seen = []
        for session in (first, second):
            member = await _member(session, services)
            seen.append((session, member, await active_enrollment(session, member)))
        for session, member, enrollment in seen:
            async with session.begin_nested() if session.in_transaction() else session.begin():
                results.append(
                    await mark_done(session, content, member, enrollment, None, services.clock)
                )
            await session.commit()
    assert [r.done for r in results] == [path.items[0], path.items[0]]
    assert [r.next for r in results] == [path.items[1], path.items[1]]
    assert [r.already for r in results] == [False, True]
    async with services.db() as session:
        member = await _member(session, services)
        assert await completed_ids(session, member) == {path.items[0].id}


async def test_mark_done_moves_to_the_next_item(services: Services):
    """Done records a completion with its link and advances the current item."""
    content = services.content.current
    path = content.path("ai-engineer")
    async with services.db() as session, session.begin():
        member = await _member(session, services)
        enrollment = await enroll(session, member, path, services.clock)
        result = await mark_done(
            session, content, member, enrollment, "https://x.dev/a", services.clock
        )
    assert result.done == path.items[0] and result.next == path.items[1]
    async with services.db() as session:
        member = await _member(session, services)
        assert (await active_enrollment(session, member)).current_item_id == path.items[1].id
        row = (await session.exec(select(Completion))).one()
        assert row.link == "https://x.dev/a"


async def test_switching_paths_keeps_completions(services: Services):
    """Leaving a path and coming back resumes after the items already done."""
    content = services.content.current
    ai, ml = content.path("ai-engineer"), content.path("ml-engineer")
    async with services.db() as session, session.begin():
        member = await _member(session, services)
        enrollment = await enroll(session, member, ai, services.clock)
        await mark_done(session, content, member, enrollment, None, services.clock)
        await enroll(session, member, ml, services.clock)
        back = await enroll(session, member, ai, services.clock)
        assert back.current_item_id == ai.items[1].id
        assert await completed_ids(session, member) == {ai.items[0].id}


async def test_forget_member_deletes_every_row(services: Services):
    """forget-me leaves no member, enrollment, completion or quiz row behind."""
    content = services.content.current
    async with services.db() as session, session.begin():
        member = await _member(session, services)
        enrollment = await enroll(session, member, content.path("ml-engineer"), services.clock)
        await mark_done(session, content, member, enrollment, None, services.clock)
        session.add(QuizAttempt(member_id=member.id, started_at=services.clock.now()))
    async with services.db() as session, session.begin():
        await forget_member(session, await _member(session, services))
    async with services.db() as session:
        for table in (Member, Enrollment, Completion, QuizAttempt):
            assert (await session.exec(select(func.count()).select_from(table))).one() == 0
