"""End-to-end journeys through the console adapter against a real SQLite file."""

from __future__ import annotations

from tests.conftest import ConsoleDriver, leaning_answers, mixed_answers, typed


async def test_start_quiz_places_on_ai_path_and_shows_first_lesson(console: ConsoleDriver):
    """A newcomer takes the quiz, is placed with reasons and reads day 1."""
    out = await console.say("/mentor start")
    assert "Placement quiz · question 1 of" in out
    assert "[1]" in out and "[2]" in out
    quiz = console.app.services.content.current.quiz
    out = await console.say(*typed(leaning_answers(quiz, "ai-engineer")))
    assert "You're on the AI engineer path" in out
    assert "Placed because:" in out
    out = await console.say("/mentor today")
    assert "Day 1 · Lesson:" in out
    first = console.app.services.content.current.path("ai-engineer").items[0]
    assert first.title in out


async def test_done_and_progress_advance_the_path(console: ConsoleDriver):
    """Marking today's item done moves to day 2 and shows in progress."""
    await console.say("/mentor join ml-engineer")
    out = await console.say("/mentor done")
    path = console.app.services.content.current.path("ml-engineer")
    assert f"(1/{len(path.items)})" in out
    assert path.items[1].title in out
    out = await console.say("/mentor progress")
    assert f"1/{len(path.items)} done" in out
    assert "Streak: 1 day" in out
    out = await console.say("/mentor today")
    assert "Day 2 ·" in out


async def test_project_link_is_kept_and_shown_in_progress(console: ConsoleDriver):
    """A project handed in with a link appears in progress."""
    await console.say("/mentor join ai-engineer")
    path = console.app.services.content.current.path("ai-engineer")
    project = next(i for i in path.items if i.is_project)
    for _ in range(project.day - 1):
        await console.say("/mentor done")
    out = await console.say("/mentor today")
    assert "Project:" in out and "/mentor done <link>" in out
    await console.say("/mentor done https://github.com/someone/transcriber")
    out = await console.say("/mentor progress")
    assert "https://github.com/someone/transcriber" in out


async def test_bad_link_is_refused_with_usage_and_nothing_changes(console: ConsoleDriver):
    """A malformed link gets the usage, and the item stays open."""
    await console.say("/mentor join ai-engineer")
    out = await console.say("/mentor done not-a-link")
    assert "does not look like a link" in out
    assert "Usage: `/mentor done [link]`" in out
    out = await console.say("/mentor progress")
    assert "0/" in out


async def test_unknown_commands_and_bad_arguments_explain_themselves(console: ConsoleDriver):
    """Mistakes print what was wrong and the right usage; the console keeps going."""
    assert "Unknown command `/mentor nope`" in await console.say("/mentor nope")
    assert "Commands start with `/mentor`" in await console.say("/other")
    assert "is not a time zone" in await console.say("/mentor schedule 07:30 Mars/Olympus")
    assert "Usage: `/mentor schedule" in await console.say("/mentor schedule 7")
    assert "There is no path called" in await console.say("/mentor join astronaut")
    assert "not a duration" in await console.say("/wait soon")
    assert "nothing to choose" in await console.say("3")
    assert "mentorbot commands" in await console.say("/mentor help")


async def test_commands_before_joining_say_how_to_start(console: ConsoleDriver):
    """Asking for today's lesson before joining points to /mentor start."""
    out = await console.say("/mentor today")
    assert "/mentor start" in out


async def test_mixed_answers_land_on_explorer(console: ConsoleDriver):
    """Answers that pull both ways place the member on the explorer path."""
    await console.say("/mentor start")
    quiz = console.app.services.content.current.quiz
    out = await console.say(*typed(mixed_answers(quiz, "ai-engineer", "ml-engineer")))
    assert "You're on the Explorer path" in out
    assert "pulled both ways" in out


async def test_retaking_the_quiz_offers_a_switch(console: ConsoleDriver):
    """A member already on a path is asked before being moved to another."""
    await console.say("/mentor join ai-engineer")
    await console.say("/mentor start")
    quiz = console.app.services.content.current.quiz
    out = await console.say(*typed(leaning_answers(quiz, "ml-engineer")))
    assert "Your answers point to the ML engineer path" in out
    out = await console.say("1")
    assert "You're on the ML engineer path" in out


async def test_forget_me_deletes_after_confirmation(console: ConsoleDriver):
    """forget-me asks first, then deletes the member's path and progress."""
    await console.say("/mentor join ai-engineer", "/mentor done")
    out = await console.say("/mentor forget-me")
    assert "[1] Delete my data" in out
    out = await console.say("1")
    assert "everything I stored about you is deleted" in out
    assert "You are not on a path yet" in await console.say("/mentor progress")


async def test_wait_moves_the_simulated_clock(console: ConsoleDriver):
    """/wait 1d moves the console's clock forward by a day."""
    before = console.clock.now()
    out = await console.say("/wait 1d6h")
    assert (console.clock.now() - before).total_seconds() == 30 * 3600
    assert "time passes" in out


async def test_moderator_commands_exist_in_the_console(console: ConsoleDriver):
    """The local user is a moderator: validate answers, and stats prints its summary and saves
    its chart in the working directory, printing where."""
    assert "Content is valid" in await console.say("/mentor-admin validate")
    out = await console.say("/mentor-admin stats")
    assert "Members:" in out
    saved = console.files_dir / "mentorbot-stats-2026-03-02.png"
    assert f"(saved mentorbot-stats-2026-03-02.png to {saved})" in out
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


async def test_help_lists_only_commands_that_work(console: ConsoleDriver):
    """Every command help lists answers with something other than "unknown" or "not yet"."""
    help_text = await console.say("/mentor help")
    listed = [line.split("`")[1] for line in help_text.splitlines() if line.startswith("`/")]
    assert "/mentor start" in listed and "/mentor-admin stats" in listed
    for invocation in listed:
        name = " ".join(invocation.split()[:2])
        out = await console.say(name)
        assert "Unknown command" not in out and "not available" not in out, name
