"""Pacing holds a path with one nudge; pause and resume stop and restart deliveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.models import DeliveryKind, MemberStatus
from tests.core.delivery.conftest import World

DAY = timedelta(days=1)
NUDGE = "Your lessons are waiting for you"


def kinds(world: World, user_id: str) -> list[str]:
    return [
        "nudge" if sent.title == NUDGE else sent.title.split(" · ")[0]
        for sent in world.messenger.to(user_id)
    ]


async def test_three_items_not_done_hold_the_path_with_one_nudge(world: World):
    """After three open items the fourth day brings a nudge, then nothing until they act."""
    await world.join("ada", "ai-engineer")
    await world.wait(4 * DAY)
    assert kinds(world, "ada") == ["Day 1", "Day 2", "Day 3", "nudge"]
    member = await world.member("ada")
    assert member.status == MemberStatus.HELD
    assert member.next_due_at is None
    await world.wait(5 * DAY)
    assert len(world.messenger.sent) == 4
    assert "on hold" in await world.say("ada", "/mentor progress")


async def test_marking_an_item_done_lifts_the_hold(world: World):
    """/mentor done on a held path: the next item comes at the next scheduled time."""
    await world.join("ada", "ai-engineer")
    await world.wait(4 * DAY)
    await world.say("ada", "/mentor done")
    assert (await world.member("ada")).status == MemberStatus.ACTIVE
    await world.wait(DAY)
    assert kinds(world, "ada") == ["Day 1", "Day 2", "Day 3", "nudge", "Day 4"]
    assert world.messenger.to("ada")[-1].at == datetime(2026, 3, 7, 9, tzinfo=UTC)


async def test_opening_today_lifts_the_hold_and_the_next_hold_nudges_once_more(world: World):
    """/mentor today resumes: the held item comes, and the next hold sends one new nudge."""
    await world.join("ada", "ai-engineer")
    await world.wait(4 * DAY)
    await world.say("ada", "/mentor today")
    await world.wait(3 * DAY)
    assert kinds(world, "ada") == ["Day 1", "Day 2", "Day 3", "nudge", "Day 4", "nudge"]
    nudges = [row for row in await world.deliveries("ada") if row.kind == DeliveryKind.NUDGE]
    path = world.content.path("ai-engineer")
    assert [row.item_id for row in nudges] == [path.items[3].id, path.items[4].id]


async def test_a_member_who_keeps_up_is_never_held(world: World):
    """Doing each item the day it arrives keeps deliveries coming every day."""
    await world.join("ada", "ai-engineer")
    for _ in range(6):
        await world.wait(DAY)
        await world.say("ada", "/mentor done")
    assert kinds(world, "ada") == [f"Day {n}" for n in range(1, 7)]


async def test_pause_stops_deliveries_and_resume_restarts_them_without_a_flood(world: World):
    """Paused for three days: nothing arrives; after resume one item at the next 09:00."""
    await world.join("ada", "ai-engineer")
    await world.wait(DAY)
    assert "Deliveries paused" in await world.say("ada", "/mentor pause")
    assert (await world.member("ada")).next_due_at is None
    await world.wait(3 * DAY)
    assert kinds(world, "ada") == ["Day 1"]
    assert "paused" in await world.say("ada", "/mentor progress")
    answer = await world.say("ada", "/mentor resume")
    assert "Sat 07 Mar at 09:00 (UTC)" in answer
    await world.wait(DAY)
    assert kinds(world, "ada") == ["Day 1", "Day 2"]
    assert world.messenger.to("ada")[-1].at == datetime(2026, 3, 7, 9, tzinfo=UTC)


async def test_switching_path_clears_a_hold(world: World):
    """A held member who joins another path gets that path's first item next time."""
    await world.join("ada", "ai-engineer")
    await world.wait(4 * DAY)
    await world.say("ada", "/mentor join ml-engineer")
    assert (await world.member("ada")).status == MemberStatus.ACTIVE
    await world.wait(DAY)
    last = world.messenger.to("ada")[-1]
    assert last.title.endswith(world.content.path("ml-engineer").items[0].title)
