"""Streaks count learning days in a row in the member's own calendar; days off their schedule
and paused days never break them; `/mentor progress` shows all of it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.commands import Router, build_actions, build_commands
from bot.core.markup import moment_token
from bot.core.messages import Message
from bot.core.models import Completion, Member, MemberPause
from bot.core.ports import Caller
from bot.core.progress import Streaks, days_off, progress, streak, streaks
from bot.core.schedule import next_delivery
from bot.core.services import Services
from tests.conftest import Replies

MON = date(2026, 3, 2)


def day(offset: int) -> date:
    return MON + timedelta(days=offset)


def never(_day: date) -> bool:
    return False


def test_streak_counts_back_from_today():
    """Three consecutive days ending today make a streak of three."""
    assert streak({day(0), day(1), day(2)}, day(2)) == 3


def test_streak_survives_until_today_is_over():
    """A streak ending yesterday still counts while today is open."""
    assert streak({day(0), day(1)}, day(2)) == 2


def test_gap_breaks_the_streak():
    """A missed day ends the streak."""
    assert streak({day(0), day(2)}, day(2)) == 1
    assert streak({day(0)}, day(2)) == 0


def test_best_streak_remembers_the_longest_run():
    """After a break the current streak starts again; the best one keeps the longest run."""
    active = {day(0), day(1), day(2), day(3), day(6), day(7)}
    assert streaks(active, day(7), never) == Streaks(2, 4)
    assert streaks(set(), day(7), never).best == 0


def test_weekends_off_the_schedule_do_not_break_a_weekday_streak():
    """A mon-fri member who learns Thursday, Friday and Monday has a streak of three."""
    excused = days_off("mon,tue,wed,thu,fri", [])
    active = {day(3), day(4), day(7)}
    assert streaks(active, day(7), excused).current == 3
    assert streaks(active, day(7), never).current == 1


def test_paused_days_do_not_break_a_streak_and_do_not_count():
    """Days inside a pause, first and last day included, are skipped, not counted."""
    excused = days_off("mon,tue,wed,thu,fri,sat,sun", [(day(2), day(4))])
    active = {day(0), day(1), day(5)}
    assert streaks(active, day(5), excused).current == 3
    # Learning during a pause still counts.
    assert streaks(active | {day(3)}, day(5), excused).current == 4


def test_an_open_pause_keeps_the_streak_to_today():
    """A member paused since Wednesday keeps Monday and Tuesday's streak on Saturday."""
    excused = days_off("mon,tue,wed,thu,fri,sat,sun", [(day(2), day(5))])
    assert streaks({day(0), day(1)}, day(5), excused).current == 2


async def say(services: Services, user: str, line: str) -> Message:
    """The command's own answer (a notice about refused DMs may follow it)."""
    replies = Replies()
    caller = Caller("discord", "guild", user, user)
    await Router(services, build_commands(), build_actions()).text(caller, line, replies)
    return replies.messages[0]


async def member_named(services: Services, user: str) -> Member:
    async with services.db() as session:
        return (await session.exec(select(Member).where(Member.user_id == user))).one()


async def test_a_day_is_the_members_local_day(services: Services, clock: FixedClock):
    """The same three completions make three days in Auckland and two in UTC: 23:00 and
    01:00 the next morning are different days there, the same UTC day."""
    moments = [
        datetime(2026, 3, 2, 10, 0, tzinfo=UTC),  # Mon 23:00 in Auckland
        datetime(2026, 3, 2, 12, 0, tzinfo=UTC),  # Tue 01:00
        datetime(2026, 3, 3, 11, 0, tzinfo=UTC),  # Wed 00:00
    ]
    clock.set(datetime(2026, 3, 3, 11, 30, tzinfo=UTC))
    found = {}
    for user, zone in (("kiri", "Pacific/Auckland"), ("ula", "UTC")):
        await say(services, user, f"/mentor schedule 09:00 {zone}")
        await say(services, user, "/mentor join ai-engineer")
        member = await member_named(services, user)
        path = services.content.current.path("ai-engineer")
        async with services.db() as session, session.begin():
            for item, at in zip(path.items, moments, strict=False):
                session.add(
                    Completion(
                        member_id=member.id, path_id=path.id, item_id=item.id, completed_at=at
                    )
                )
        async with services.db() as session:
            found[user] = await progress(session, services.content.current, member, clock)
    assert (found["kiri"].streak, found["kiri"].best_streak) == (3, 3)
    assert (found["ula"].streak, found["ula"].best_streak) == (2, 2)


async def test_a_pause_keeps_the_streak_and_progress_shows_it(
    services: Services, clock: FixedClock
):
    """Done Monday and Tuesday, paused Wednesday to Saturday, done Sunday: a streak of three;
    the progress message shows both streaks, the bar, hand-ins and the next delivery."""
    clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await say(services, "ada", "/mentor schedule 09:00 Europe/Berlin")
    await say(services, "ada", "/mentor join ai-engineer")
    for offset, line in (
        (0, "/mentor done"),
        (1, "/mentor done"),
        (2, "/mentor pause"),
        (5, "/mentor resume"),
        (6, "/mentor done"),
    ):
        clock.set(datetime(2026, 3, 2 + offset, 10, 0, tzinfo=UTC))
        await say(services, "ada", line)
    member = await member_named(services, "ada")
    async with services.db() as session:
        pauses = (await session.exec(select(MemberPause))).all()
        report = await progress(session, services.content.current, member, clock)
    assert [(p.started_at.day, p.ended_at.day) for p in pauses] == [(4, 7)]
    assert (report.streak, report.best_streak, report.done) == (3, 3, 3)
    shown = await say(services, "ada", "/mentor progress")
    fields = {field.name: field.value for field in shown.fields}
    assert fields["Streak"] == "3 days" and fields["Best streak"] == "3 days"
    assert fields["Next delivery"] == moment_token(next_delivery(member))
    assert f"3/{report.total} done" in shown.body and "█" in shown.body
    assert f"Projects handed in: 0 of {report.projects}" in shown.body
    assert fields["Deliveries"] == "on"


async def test_progress_names_a_pause_and_an_unreachable_member(
    services: Services, clock: FixedClock
):
    """A paused member is told how to resume; an unreachable one why and what to do."""
    await say(services, "bo", "/mentor join ai-engineer")
    await say(services, "bo", "/mentor pause")
    shown = await say(services, "bo", "/mentor progress")
    fields = {field.name: field.value for field in shown.fields}
    assert "paused" in fields["Deliveries"] and "/mentor resume" in fields["Deliveries"]
    assert "Next delivery" not in fields
    async with services.db() as session, session.begin():
        member = (await session.exec(select(Member).where(Member.user_id == "bo"))).one()
        member.status, member.status_reason = "unreachable", "DMs are closed"
        session.add(member)
    shown = await say(services, "bo", "/mentor progress")
    deliveries = {field.name: field.value for field in shown.fields}["Deliveries"]
    assert "could not DM you" in deliveries and "(DMs are closed)" in deliveries
