"""A member whose lesson DMs were refused is told once, privately, at their next command."""

from __future__ import annotations

from datetime import timedelta

from bot.core.ports import SendResult
from tests.core.delivery.conftest import World

REFUSED = "Discord refused the DM: the member does not accept DMs from this server's members"
NOTICE = "I could not send you your lessons"


async def _refused(world: World) -> None:
    await world.join("ada", "ai-engineer")
    world.messenger.answer("ada", SendResult.unreachable(REFUSED))
    await world.wait(timedelta(days=1))


async def test_the_next_command_after_a_refusal_tells_the_member_once(world: World):
    """The first command after the refusal adds the notice with the reason; the next does not."""
    await _refused(world)
    first = await world.say("ada", "/mentor today")
    assert "Day 1 · Lesson:" in first
    assert NOTICE in first and REFUSED in first and "/mentor resume" in first
    assert NOTICE not in await world.say("ada", "/mentor today")
    assert (await world.member("ada")).unreachable_told


async def test_a_notice_is_private_and_offers_resume(world: World):
    """The notice is a private message with a button that resumes deliveries."""
    await _refused(world)
    replies = await world.replies("ada", "/mentor help")
    notice = next(m for m in replies if m.title == NOTICE)
    assert notice.private
    assert [c.label for c in notice.choices] == ["Resume deliveries"]


async def test_a_second_refusal_after_resume_is_told_again(world: World):
    """Resume clears the flag, so a new refusal is news at the next command."""
    await _refused(world)
    await world.say("ada", "/mentor progress")
    await world.say("ada", "/mentor resume")
    world.messenger.answer("ada", SendResult.unreachable(REFUSED))
    await world.wait(timedelta(days=1))
    assert NOTICE in await world.say("ada", "/mentor progress")


async def test_members_whose_dms_arrive_hear_nothing(world: World):
    """No refusal, no notice."""
    await world.join("ada", "ai-engineer")
    await world.wait(timedelta(days=1))
    assert NOTICE not in await world.say("ada", "/mentor today")
