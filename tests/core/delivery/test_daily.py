"""The daily DM: the next item at the member's own time, across time zones, DST and downtime."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.core.delivery.pacer import Pacer
from bot.core.models import DeliveryStatus
from tests.core.delivery.conftest import World, make_dispatcher

DAY = timedelta(days=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def titles(world: World, user_id: str) -> list[str]:
    return [sent.title for sent in world.messenger.to(user_id)]


async def test_each_day_brings_the_next_item_at_the_members_local_time(world: World):
    """08:00 in Berlin (UTC+1 in early March) arrives at 07:00 UTC, one item a day, in order."""
    await world.join("ada", "ai-engineer", "08:00 Europe/Berlin")
    await world.wait(2 * DAY)
    path = world.content.path("ai-engineer")
    assert titles(world, "ada") == [
        f"Day 1 · Lesson: {path.items[0].title}",
        f"Day 2 · Lesson: {path.items[1].title}",
    ]
    assert [sent.at for sent in world.messenger.to("ada")] == [
        utc(2026, 3, 3, 7),
        utc(2026, 3, 4, 7),
    ]
    rows = await world.deliveries("ada")
    assert [row.status for row in rows] == [DeliveryStatus.SENT, DeliveryStatus.SENT]
    assert (await world.enrollment("ada")).last_sent_item_id == path.items[1].id


async def test_nothing_is_sent_before_its_time(world: World):
    """A tick before the member's time sends nothing and leaves the next due time alone."""
    await world.join("ada", "ai-engineer", "09:00 UTC")
    world.clock.set(utc(2026, 3, 3, 8, 59))
    report = await world.tick()
    assert not report.busy
    assert world.messenger.sent == []
    assert (await world.member("ada")).next_due_at == utc(2026, 3, 3, 9)


async def walk_days(world: World, user_id: str, days: int) -> list[datetime]:
    """Let each day pass, marking each item done so pacing never holds the path."""
    for _ in range(days):
        await world.wait(DAY)
        await world.say(user_id, "/mentor done")
    return [sent.at for sent in world.messenger.to(user_id)]


async def test_spring_forward_keeps_eight_am_in_new_york(world: World):
    """Across 8 March 2026 the 08:00 New York member is served at 13:00, then 12:00 UTC."""
    world.clock.set(utc(2026, 3, 6, 14))
    await world.join("ny", "ai-engineer", "08:00 America/New_York")
    assert await walk_days(world, "ny", 3) == [
        utc(2026, 3, 7, 13),
        utc(2026, 3, 8, 12),
        utc(2026, 3, 9, 12),
    ]


async def test_a_time_that_does_not_exist_on_spring_forward_day_is_served_once(world: World):
    """02:30 New York on 8 March 2026 (clocks jump 02:00 to 03:00) is served once, at 03:30."""
    world.clock.set(utc(2026, 3, 7, 12))
    await world.join("owl", "ai-engineer", "02:30 America/New_York")
    assert await walk_days(world, "owl", 3) == [
        utc(2026, 3, 8, 7, 30),
        utc(2026, 3, 9, 6, 30),
        utc(2026, 3, 10, 6, 30),
    ]


async def test_fall_back_keeps_eight_am_and_serves_a_repeated_time_once(world: World):
    """On 1 November 2026 08:00 moves to 13:00 UTC, and 01:30 (which happens twice) comes once."""
    world.clock.set(utc(2026, 10, 30, 14))
    await world.join("ny", "ai-engineer", "08:00 America/New_York")
    await world.join("owl", "ml-engineer", "01:30 America/New_York")
    for _ in range(3):
        await world.wait(DAY)
        await world.say("ny", "/mentor done")
        await world.say("owl", "/mentor done")
    assert [s.at for s in world.messenger.to("ny")] == [
        utc(2026, 10, 31, 12),
        utc(2026, 11, 1, 13),
        utc(2026, 11, 2, 13),
    ]
    assert [s.at for s in world.messenger.to("owl")] == [
        utc(2026, 10, 31, 5, 30),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 2, 6, 30),
    ]


async def test_a_zone_change_mid_path_moves_the_next_delivery_and_keeps_the_order(world: World):
    """Berlin to Tokyo after day 2: day 3 comes at 09:00 Tokyo, nothing repeated or skipped."""
    await world.join("kai", "ai-engineer", "09:00 Europe/Berlin")
    await world.wait(2 * DAY)
    answer = await world.say("kai", "/mentor schedule 09:00 Asia/Tokyo")
    assert "Thu 05 Mar at 09:00 (Asia/Tokyo)" in answer
    assert (await world.member("kai")).next_due_at == utc(2026, 3, 5, 0)
    await world.say("kai", "/mentor done")
    await world.wait(DAY)
    path = world.content.path("ai-engineer")
    assert [t.split(":")[0] for t in titles(world, "kai")] == [
        "Day 1 · Lesson",
        "Day 2 · Lesson",
        "Day 3 · Lesson",
    ]
    assert titles(world, "kai")[2].endswith(path.items[2].title)
    assert world.messenger.to("kai")[2].at == utc(2026, 3, 5, 0)


async def test_a_new_schedule_moves_the_next_delivery_at_once(world: World):
    """Choosing 07:30 before today's 09:00 brings today's item at 07:30, not tomorrow."""
    world.clock.set(utc(2026, 3, 3, 6))
    await world.join("ada", "ai-engineer", "09:00 UTC")
    await world.say("ada", "/mentor schedule 07:30 UTC")
    assert (await world.member("ada")).next_due_at == utc(2026, 3, 3, 7, 30)
    await world.wait(timedelta(hours=2))
    assert [s.at for s in world.messenger.to("ada")] == [utc(2026, 3, 3, 7, 30)]


async def test_a_later_time_the_same_day_brings_no_second_item(world: World):
    """After today's item, moving the time later today waits for tomorrow."""
    await world.join("ada", "ai-engineer", "09:00 UTC")
    await world.wait(DAY)  # Tuesday 09:00 served; it is now Tuesday 12:00
    await world.say("ada", "/mentor schedule 20:00 UTC")
    assert (await world.member("ada")).next_due_at == utc(2026, 3, 4, 20)


async def test_restart_after_two_days_down_sends_one_catch_up(world: World):
    """Down from Monday to Thursday noon: one item on restart, the next on Friday at 09:00."""
    await world.join("ada", "ai-engineer", "09:00 UTC")
    world.clock.set(utc(2026, 3, 5, 12))
    restarted = make_dispatcher(
        world.engine,
        world.services,
        world.clock,
        world.messenger,
        pacer=Pacer(rates={}),
        worker="after-restart",
    )
    await restarted.tick()
    await restarted.tick()
    assert len(world.messenger.sent) == 1
    assert world.messenger.sent[0].at == utc(2026, 3, 5, 12)
    assert (await world.member("ada")).next_due_at == utc(2026, 3, 6, 9)
    world.clock.set(utc(2026, 3, 6, 10))
    await restarted.tick()
    assert [s.title.split(":")[0] for s in world.messenger.sent] == [
        "Day 1 · Lesson",
        "Day 2 · Lesson",
    ]


async def test_a_project_arrives_on_its_day_and_says_how_to_hand_it_in(world: World):
    """The project prompt comes like a lesson and tells the member to use /mentor done <link>."""
    await world.join("ada", "ai-engineer", "09:00 UTC")
    path = world.content.path("ai-engineer")
    project = next(i for i in path.items if i.is_project)
    for _ in range(path.items.index(project)):
        await world.say("ada", "/mentor done")
    await world.wait(DAY)
    (sent,) = world.messenger.to("ada")
    assert sent.title == f"Day {project.day} · Project: {project.title}"
    assert "/mentor done <link>" in (sent.message.footer or "")


async def test_a_member_on_no_path_gets_nothing_and_is_not_looked_at_again(world: World):
    """Setting a schedule before joining plans nothing once the time comes."""
    await world.say("ada", "/mentor schedule 09:00 UTC")
    await world.wait(DAY)
    assert world.messenger.sent == []
    assert (await world.member("ada")).next_due_at is None


async def test_a_dm_cannot_ping_a_crowd(world: World):
    """Mass mentions in a lesson are made inert before the DM goes out."""
    content = world.content
    path = content.path("ai-engineer")
    first = replace(path.items[0], body=path.items[0].body + "\n@everyone <!channel>")
    changed = replace(path, items=(first, *path.items[1:]))
    world.services.content.replace(replace(content, paths={**content.paths, path.id: changed}))
    await world.join("ada", "ai-engineer")
    await world.wait(DAY)
    body = world.messenger.to("ada")[0].message.body
    assert "@everyone" not in body and "<!channel>" not in body


async def test_a_member_falling_due_during_a_long_send_is_served_by_the_same_tick(world: World):
    """A slow platform: ada's DM takes two minutes, bob falls due meanwhile and is not left."""
    await world.join("ada", "ai-engineer", "09:00 UTC")
    await world.join("bob", "ai-engineer", "09:01 UTC")
    world.clock.set(utc(2026, 3, 3, 9))
    original = world.messenger.send_dm

    async def slow(to, message, key):
        world.clock.advance(timedelta(minutes=2))
        return await original(to, message, key)

    world.messenger.send_dm = slow
    report = await world.tick()
    assert report.sent == 2
    assert [sent.user_id for sent in world.messenger.sent] == ["ada", "bob"]
