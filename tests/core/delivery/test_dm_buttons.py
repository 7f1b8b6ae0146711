"""The buttons on a lesson DM: Mark done names its own lesson, Snooze, Ask about this."""

from __future__ import annotations

from datetime import timedelta

from bot.core.actions import Act
from bot.core.messages import Choice
from tests.core.delivery.conftest import World

DAY = timedelta(days=1)


def button(world: World, user_id: str, index: int, label: str) -> Choice:
    sent = world.messenger.to(user_id)[index]
    return next(c for c in sent.message.choices if c.label == label)


async def test_an_old_dms_mark_done_marks_its_own_lesson(world: World):
    """Day 1's Mark done, clicked after day 2 arrived and was done, marks day 1, not day 3."""
    path = world.content.path("ai-engineer")
    await world.join("ada", "ai-engineer")
    await world.wait(2 * DAY)
    first, second = path.items[0], path.items[1]
    await world.click("ada", button(world, "ada", 1, "Mark done"))
    answer = await world.click("ada", button(world, "ada", 0, "Mark done"))
    assert f"Marked **{first.title}** done" in answer
    again = await world.click("ada", button(world, "ada", 0, "Mark done"))
    assert f"**{first.title}** was already marked done" in again
    enrollment = await world.enrollment("ada")
    assert enrollment.current_item_id == path.items[2].id, "the member's place did not move back"
    assert second.id != enrollment.current_item_id


async def test_snooze_moves_the_next_delivery_by_a_day(world: World):
    """Snooze a day on a DM: the next item comes a day later than planned."""
    await world.join("ada", "ai-engineer")
    await world.wait(DAY)
    planned = (await world.member("ada")).next_due_at
    answer = await world.click("ada", button(world, "ada", 0, "Snooze a day"))
    assert "Snoozed" in answer
    assert (await world.member("ada")).next_due_at == planned + DAY


async def test_ask_about_this_without_forms_says_how_to_ask(world: World):
    """Where the platform has no forms, Ask about this names the lesson and the command."""
    await world.join("ada", "ai-engineer")
    await world.wait(DAY)
    choice = button(world, "ada", 0, "Ask about this")
    assert choice.action == Act.ASK_ABOUT
    answer = await world.click("ada", choice)
    assert "/mentor ask" in answer and world.content.path("ai-engineer").items[0].title in answer


async def test_a_project_asks_for_its_link_and_a_lesson_link_is_no_hand_in(world: World):
    """Done on a project with no link asks for one (with a way out); a link given with a
    lesson marks it done but is not listed as a project handed in."""
    path = world.content.path("ai-engineer")
    project = next(i for i in path.items if i.is_project)
    await world.join("ada", "ai-engineer")
    answer = await world.say("ada", "/mentor done https://example.com/notes")
    assert "Links are kept for projects only" in answer
    for _ in range(path.items.index(project) - 1):
        await world.say("ada", "/mentor done")
    answer = await world.say("ada", "/mentor done")
    assert "/mentor done <link>" in answer and "Mark done without a link" in answer
    assert (await world.enrollment("ada")).current_item_id == project.id
    progress = await world.say("ada", "/mentor progress")
    assert "Projects handed in: 0 of" in progress
    answer = await world.say("ada", "/mentor done https://github.com/ada/transcriber")
    assert f"Marked **{project.title}** done" in answer
    progress = await world.say("ada", "/mentor progress")
    assert "Projects handed in: 1 of" in progress and "example.com/notes" not in progress
