"""The daily question quota and the community's token budget."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, text
from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.members import Caller
from bot.core.models import Question
from bot.mentor.limits import tokens_since
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.mentor.conftest import ADA, BOB, Recorder, ask

QUESTION = "What is an embedding?"


async def test_quota_reached_says_when_it_resets_in_the_members_zone(
    make_claude, fake_api: FakeAnthropic, clock: FixedClock
):
    """The third question of a two-a-day member is quoted from lessons, with the reset time."""
    app = await make_claude(MENTORBOT_ASK_DAILY_QUOTA=2)
    await app.router.command(ADA, "mentor", "schedule", "09:00 Europe/Berlin", Recorder())
    for _ in range(2):
        assert (await ask(app, QUESTION)).last.choices
    limited = (await ask(app, QUESTION)).last.body
    # 12:00 UTC is 13:00 in Berlin, so midnight there is 11 hours away.
    assert "midnight in your time zone (Europe/Berlin), in about 11 h" in limited
    assert "Here is what your lessons say" in limited
    assert len(fake_api.requests) == 2
    clock.advance(timedelta(hours=11))
    await ask(app, QUESTION)
    assert len(fake_api.requests) == 3


async def test_community_budget_reached_says_it_resets_at_midnight_utc(
    make_claude, fake_api: FakeAnthropic
):
    """Once today's tokens pass the budget, answers are quoted until midnight UTC."""
    # Each fake answer uses 2,140 tokens, so the second one passes a 3,000 budget.
    app = await make_claude(MENTORBOT_ASK_DAILY_TOKEN_BUDGET=3000)
    await ask(app, QUESTION)
    await ask(app, QUESTION, BOB)
    limited = (await ask(app, QUESTION)).last.body
    assert "budget for answers from Claude" in limited
    assert "midnight UTC, in about 12 h" in limited
    assert len(fake_api.requests) == 2


async def test_parallel_questions_cannot_pass_the_quota(make_claude, fake_api: FakeAnthropic):
    """Eight questions at once against a quota of two: two reach Claude, six are told why."""
    app = await make_claude(MENTORBOT_ASK_DAILY_QUOTA=2)
    # Answers that take a while, so all eight are in flight together.
    fake_api.default = Reply(delay=0.02)
    replies = await asyncio.gather(*(ask(app, QUESTION) for _ in range(8)))
    assert len(fake_api.requests) == 2
    limited = [r for r in replies if "You have asked 2 questions today" in r.last.body]
    assert len(limited) == 6
    async with app.services.db() as session:
        counted = (
            await session.exec(
                select(func.count()).select_from(Question).where(Question.model.is_not(None))
            )
        ).one()
    assert counted == 2


async def test_parallel_members_cannot_pass_the_budget_together(
    make_claude, fake_api: FakeAnthropic
):
    """Questions in flight hold their likely cost: eight members at once stop near the budget."""
    app = await make_claude(MENTORBOT_ASK_DAILY_TOKEN_BUDGET=3000)
    fake_api.default = Reply(delay=0.02)
    members = [Caller("discord", "guild-1", f"m{n}", f"M{n}") for n in range(8)]
    await asyncio.gather(*(ask(app, QUESTION, member) for member in members))
    # Each held place counts the 700 tokens an answer may use plus the prompt's length, at least
    # 1,000 in all, so no more than three fit under 3,000.
    assert 1 <= len(fake_api.requests) <= 3


async def test_a_nul_byte_is_stripped_before_anything_is_sent(make_claude, fake_api):
    """A question with NUL (refused by PostgreSQL) is answered, stored and counted without it."""
    app = await make_claude()
    reply = await ask(app, "What is an\x00 embedding?")
    assert reply.last.choices
    assert "\x00" not in str(fake_api.requests[0].body)
    async with app.services.db() as session:
        row = (await session.exec(select(Question))).one()
    assert row.question == "What is an embedding?"
    assert row.input_tokens == 1200 and row.model is not None


REFUSE_ANSWERS = {
    "sqlite": [
        "CREATE TRIGGER refuse_new BEFORE INSERT ON question WHEN NEW.answer <> '' "
        "BEGIN SELECT RAISE(ABORT, 'no space left for answers'); END",
        "CREATE TRIGGER refuse_set BEFORE UPDATE OF answer ON question WHEN NEW.answer <> '' "
        "BEGIN SELECT RAISE(ABORT, 'no space left for answers'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_answers() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.answer <> '' THEN RAISE EXCEPTION 'no space left for answers'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER refuse_answers BEFORE INSERT OR UPDATE ON question "
        "FOR EACH ROW EXECUTE FUNCTION refuse_answers()",
    ],
}


async def test_tokens_are_counted_when_the_answer_cannot_be_saved(
    make_claude, fake_api: FakeAnthropic, clock: FixedClock
):
    """If the database takes no answer text, Claude's tokens still count against the budget."""
    app = await make_claude()
    async with app.engine.begin() as conn:
        for statement in REFUSE_ANSWERS[conn.dialect.name]:
            await conn.execute(text(statement))
    reply = await ask(app, QUESTION)
    assert "Retrieval puts the right passages" in reply.last.body
    async with app.services.db() as session:
        assert await tokens_since(session, clock.now()) == 1200 + 40 + 900


async def test_a_failed_answer_gives_its_place_back(make_claude, fake_api: FakeAnthropic):
    """With a quota of one, a question Claude could not answer leaves the one place free."""
    app = await make_claude(MENTORBOT_ASK_DAILY_QUOTA=1)
    fake_api.then(Reply(status=529), Reply(status=529))
    assert "did not count" in (await ask(app, QUESTION)).last.body
    assert (await ask(app, QUESTION)).last.choices
