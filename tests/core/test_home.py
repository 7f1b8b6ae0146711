"""The home page: a newcomer's way in, and a member's path, progress, next lesson and buttons."""

from __future__ import annotations

from bot.core.actions import Act
from bot.core.commands import Router, build_actions, build_commands
from bot.core.home import home
from bot.core.markup import moment_token
from bot.core.members import Caller, find_member
from bot.core.schedule import next_delivery
from bot.core.services import Services
from tests.conftest import Replies

ADA = Caller("slack", "T1", "U1", "Ada")


async def say(services: Services, line: str) -> None:
    await Router(services, build_commands(), build_actions()).text(ADA, line, Replies())


async def test_a_newcomer_is_offered_the_quiz_and_the_paths(services: Services):
    """Someone with no path sees a welcome with buttons for the quiz and the path list."""
    page = await home(services, ADA)
    assert page.title == "Welcome to mentorbot"
    assert [c.action for c in page.choices] == [Act.START, Act.PATHS]


async def test_a_member_sees_path_progress_next_lesson_and_buttons(services: Services):
    """Path title, a bar with done/total, the next lesson as a moment, today/pause/schedule."""
    await say(services, "/mentor schedule 07:30 Europe/Berlin")
    await say(services, "/mentor join ai-engineer")
    await say(services, "/mentor done")
    page = await home(services, ADA)
    total = len(services.content.current.path("ai-engineer").items)
    assert page.title == "Your AI engineer path"
    assert f"1/{total} done" in page.body and "░" in page.body
    fields = {f.name: f.value for f in page.fields}
    async with services.db() as session:
        member = await find_member(session, ADA)
    assert fields["Next lesson"] == moment_token(next_delivery(member))
    assert "07:30 (Europe/Berlin)" in fields["Schedule"]
    assert [c.action for c in page.choices] == [Act.TODAY, Act.PAUSE, Act.SCHEDULE]


async def test_a_paused_member_gets_resume_instead_of_pause(services: Services):
    """While paused the page says so and offers Resume."""
    await say(services, "/mentor join ml-engineer")
    await say(services, "/mentor pause")
    page = await home(services, ADA)
    assert "Deliveries are paused" in page.body
    assert [c.action for c in page.choices] == [Act.TODAY, Act.RESUME, Act.SCHEDULE]
    assert {f.name: f.value for f in page.fields}["Next lesson"] == "nothing scheduled"
