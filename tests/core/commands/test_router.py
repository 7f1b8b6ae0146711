"""The Router over a real database: concurrent commands lose nothing, failures say the truth."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.core.commands import Router, build_actions, build_commands
from bot.core.commands.router import OOPS, SAVE_FAILED
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.members import Caller, find_member
from bot.core.models import Completion, Enrollment, Member
from bot.core.services import ContentStore, Services
from bot.settings import DEFAULT_CONTENT_DIR
from tests.core.commands.test_ask import Replies

NEWCOMER = Caller("discord", "guild", "new", "Nia")


def _router(services: Services) -> Router:
    return Router(services, build_commands(), build_actions())


async def _say(router: Router, caller: Caller, line: str) -> str:
    replies = Replies()
    await router.text(caller, line, replies)
    return "\n".join(replies.bodies)


async def test_first_commands_at_once_all_take_effect(services: Services):
    """A new member's join, schedule and pause sent together all succeed and are all saved."""
    router = _router(services)
    replies = await asyncio.gather(
        _say(router, NEWCOMER, "/mentor join ai-engineer"),
        _say(router, NEWCOMER, "/mentor schedule 07:30 Europe/Berlin mon-fri"),
        _say(router, NEWCOMER, "/mentor pause"),
    )
    assert not any(OOPS in r or SAVE_FAILED in r for r in replies), replies
    async with services.db() as session:
        members = (await session.exec(select(func.count()).select_from(Member))).one()
        member = await find_member(session, NEWCOMER)
        enrolled = (await session.exec(select(Enrollment))).all()
    assert members == 1
    assert (member.delivery_time, member.timezone, member.status) == (
        "07:30",
        "Europe/Berlin",
        "paused",
    )
    assert [e.path_id for e in enrolled] == ["ai-engineer"]


async def test_done_twice_at_once_never_fails(services: Services):
    """A double `/mentor done` answers both clicks, and the path points past what is done."""
    router = _router(services)
    await _say(router, NEWCOMER, "/mentor join ai-engineer")
    replies = await asyncio.gather(*(_say(router, NEWCOMER, "/mentor done") for _ in range(2)))
    assert all("Marked" in r or "already marked done" in r for r in replies), replies
    path = services.content.current.path("ai-engineer")
    async with services.db() as session:
        done = set((await session.exec(select(Completion.item_id))).all())
        enrollment = (await session.exec(select(Enrollment))).one()
    first_open = next(item for item in path.items if item.id not in done)
    assert enrollment.current_item_id == first_open.id


async def test_a_full_disk_says_the_save_failed(sqlite_url: str, content, clock):
    """When SQLite cannot grow its file, the reply says nothing was saved, not that nothing was
    lost, and no half of the change is stored."""
    engine = create_engine(sqlite_url)
    await upgrade(engine)
    async with engine.connect() as conn:
        pages = (await conn.execute(text("PRAGMA page_count"))).scalar()

    @event.listens_for(engine.sync_engine, "connect")
    def _full_disk(dbapi_connection, _record) -> None:
        # The file may not grow past its size now: a new page is "database or disk is full".
        dbapi_connection.cursor().execute(f"PRAGMA max_page_count={pages}")

    await engine.dispose()  # new connections pick up the limit
    await _fill_member_pages(engine, clock.now())
    full = Services(session_factory(engine), ContentStore(content, DEFAULT_CONTENT_DIR), clock)
    try:
        reply = await _say(_router(full), NEWCOMER, "/mentor join ai-engineer")
        async with full.db() as session:
            member = await find_member(session, NEWCOMER)
    finally:
        await engine.dispose()
    assert reply == SAVE_FAILED
    assert member is None


async def _fill_member_pages(engine, now) -> None:
    """Members until the table's last page is full and the file may not grow."""
    for number in range(10_000):
        row = Member(
            platform="filler",
            workspace_id="w",
            user_id=str(number),
            display_name="x" * 100,
            created_at=now,
            updated_at=now,
        )
        try:
            async with session_factory(engine)() as session, session.begin():
                session.add(row)
        except OperationalError as error:
            assert "full" in str(error)
            return
    raise AssertionError("the database never filled up")


async def test_a_megabyte_argument_is_echoed_short(services: Services):
    """Unknown commands and unknown paths quote at most about a hundred characters back."""
    router = _router(services)
    huge = "x" * 1_000_000
    for line in (f"/{huge}", f"/mentor {huge}", f"/mentor join {huge}", f"/mentor done {huge}"):
        reply = await _say(router, NEWCOMER, line)
        assert "xxxx" in reply and len(reply) < 500, line[:20]


async def test_nul_and_lone_surrogates_never_reach_the_database(services: Services):
    """A display name and an argument carrying NUL or a lone surrogate are stored without them."""
    router = _router(services)
    odd = Caller("discord", "guild", "odd", "N\x00ia\ud800")
    reply = await _say(router, odd, "/mentor schedule 07:30 Europe/Berlin\x00 mon")
    assert "New items will arrive by DM at 07:30 (Europe/Berlin)" in reply
    async with services.db() as session:
        member = await find_member(session, odd)
    assert member.display_name == "Nia" and member.timezone == "Europe/Berlin"
