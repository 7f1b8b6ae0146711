"""What the platform answers: unreachable members, 429 with Retry-After, and our own errors."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.delivery.pacer import Pacer
from bot.core.delivery.record import MAX_ATTEMPTS
from bot.core.members import Caller
from bot.core.models import DeliveryStatus, MemberStatus
from bot.core.ports import SendResult
from tests.core.delivery.conftest import World, make_dispatcher

DAY = timedelta(days=1)
DUE = datetime(2026, 3, 3, 9, tzinfo=UTC)
REFUSED = "Discord refused the DM (50007: Cannot send messages to this user)"


async def test_a_refusal_marks_the_member_unreachable_with_no_retries(world: World):
    """One refusal: the member is unreachable, the row says why, and no more attempts follow."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", SendResult.unreachable(REFUSED))
    await world.wait(4 * DAY)
    assert len(world.messenger.attempts) == 1
    assert world.messenger.sent == []
    member = await world.member("ada")
    assert (member.status, member.status_reason, member.next_due_at) == (
        MemberStatus.UNREACHABLE,
        REFUSED,
        None,
    )
    (row,) = await world.deliveries("ada")
    assert (row.status, row.last_error) == (DeliveryStatus.UNREACHABLE, REFUSED)


async def test_an_unreachable_member_and_the_moderators_can_see_it(world: World):
    """/mentor progress tells the member what to do; /mentor-admin stats lists them."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", SendResult.unreachable(REFUSED))
    await world.wait(DAY)
    progress = await world.say("ada", "/mentor progress")
    assert "I could not DM you" in progress and "/mentor resume" in progress
    world.callers["mod"] = Caller("discord", "guild", "mod", "moderator", is_moderator=True)
    stats = await world.say("mod", "/mentor-admin stats")
    assert "1 unreachable" in stats
    assert f"member ada (discord): {REFUSED}" in stats


async def test_resume_after_unreachable_sends_the_item_that_never_arrived(world: World):
    """The refused item is the next one sent once the member allows DMs and resumes."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", SendResult.unreachable(REFUSED))
    await world.wait(DAY)
    await world.say("ada", "/mentor resume")
    await world.wait(DAY)
    (sent,) = world.messenger.sent
    first = world.content.path("ai-engineer").items[0]
    assert sent.title.endswith(first.title)


async def test_a_429_puts_the_row_back_until_retry_after_and_never_drops_it(world: World):
    """Retry-After 120 s: nothing is sent before it runs out, and then the item goes once."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", SendResult.retry_later(120))
    world.clock.set(DUE)
    report = await world.tick()
    assert (report.sent, report.retry_later) == (0, 1)
    (row,) = await world.deliveries("ada")
    assert (row.status, row.due_at) == (DeliveryStatus.PENDING, DUE + timedelta(seconds=120))
    world.clock.advance(timedelta(seconds=119))
    await world.tick()
    assert len(world.messenger.attempts) == 1
    world.clock.advance(timedelta(seconds=1))
    await world.tick()
    assert len(world.messenger.sent) == 1
    (row,) = await world.deliveries("ada")
    assert (row.status, row.sent_at) == (DeliveryStatus.SENT, DUE + timedelta(seconds=120))


async def test_a_429_holds_back_the_other_dms_to_that_platform(world: World):
    """After a 429 the pacer sends nothing more to the platform until Retry-After passes."""
    await world.join("ada", "ai-engineer")
    await world.join("bob", "ai-engineer")
    world.messenger.next_answers.append(SendResult.retry_later(60))
    world.clock.set(DUE)
    await world.tick()
    assert len(world.messenger.attempts) == 1
    world.clock.advance(timedelta(seconds=59))
    await world.tick()
    assert len(world.messenger.attempts) == 1
    world.clock.advance(timedelta(seconds=60))
    await world.tick()
    assert sorted(sent.user_id for sent in world.messenger.sent) == ["ada", "bob"]


async def test_rate_limit_waits_never_use_up_the_attempts(world: World):
    """Even many 429s in a row end in the DM being sent, not given up."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", *[SendResult.retry_later(1)] * (MAX_ATTEMPTS + 2))
    world.clock.set(DUE)
    for _ in range(MAX_ATTEMPTS + 3):
        await world.tick()
        world.clock.advance(timedelta(seconds=1))
    assert len(world.messenger.sent) == 1


async def test_an_error_of_ours_is_logged_and_retried_later(world: World, caplog):
    """A messenger exception is logged with context; the row waits 30 s and then goes out."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", RuntimeError("token expired"))
    world.clock.set(DUE)
    with caplog.at_level(logging.ERROR, logger="bot.core.delivery.dispatcher"):
        await world.tick()
    assert "to discord user ada failed" in caplog.text
    assert "token expired" in caplog.text
    (row,) = await world.deliveries("ada")
    assert row.status == DeliveryStatus.PENDING
    assert "token expired" in row.last_error
    assert row.due_at == DUE + timedelta(seconds=30)
    world.clock.advance(timedelta(seconds=30))
    await world.tick()
    assert len(world.messenger.sent) == 1


async def test_repeated_errors_end_in_failed_not_in_a_loop(world: World):
    """After MAX_ATTEMPTS errors the row is marked failed and left alone."""
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", *[RuntimeError("bug")] * MAX_ATTEMPTS)
    world.clock.set(DUE)
    for _ in range(MAX_ATTEMPTS + 2):
        await world.tick()
        world.clock.advance(timedelta(hours=1))
    assert len(world.messenger.attempts) == MAX_ATTEMPTS
    rows = await world.deliveries("ada")
    assert rows[0].status == DeliveryStatus.FAILED


class WorkerDied(BaseException):
    """The process going away mid-send: nothing in the worker gets to handle it."""


async def test_a_worker_dying_after_a_send_repeats_only_that_message(world: World):
    """At-least-once: the DM sent but not written down goes again after the lease; no other."""
    for name in ("ada", "bob", "cy"):
        await world.join(name, "ai-engineer")
    world.clock.set(DUE)
    doomed = make_dispatcher(
        world.engine,
        world.services,
        world.clock,
        world.messenger,
        concurrency=1,
        pacer=Pacer(rates={}),
    )
    original = world.messenger.send_dm

    async def send_then_die(to, message, key):
        result = await original(to, message, key)
        if len(world.messenger.sent) == 2:
            raise WorkerDied
        return result

    world.messenger.send_dm = send_then_die
    with pytest.raises(WorkerDied):
        await doomed.tick()
    world.messenger.send_dm = original
    assert len(world.messenger.sent) == 2
    world.clock.advance(doomed.lease + timedelta(seconds=1))
    await world.tick()
    per_member = sorted(len(world.messenger.to(name)) for name in ("ada", "bob", "cy"))
    assert per_member == [1, 1, 2]


async def test_a_worker_dying_before_it_sends_leaves_its_rows_to_go_once_after_the_lease(
    world: World,
):
    """Rows are claimed as they are queued; if the worker dies then, each goes once, later."""
    for name in ("ada", "bob", "cy"):
        await world.join(name, "ai-engineer")
    world.clock.set(DUE)
    doomed = make_dispatcher(
        world.engine, world.services, world.clock, world.messenger, pacer=Pacer(rates={})
    )
    original = world.messenger.send_dm

    async def die(to, message, key):
        raise WorkerDied

    world.messenger.send_dm = die
    with pytest.raises(WorkerDied):
        await doomed.tick()
    world.messenger.send_dm = original
    assert world.messenger.sent == []
    await world.tick()
    assert world.messenger.sent == []  # still claimed by the dead worker
    world.clock.advance(doomed.lease + timedelta(seconds=1))
    await world.tick()
    assert sorted(sent.user_id for sent in world.messenger.sent) == ["ada", "bob", "cy"]
