"""The daily question quota and the community's token budget."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FixedClock
from bot.mentor.fake_anthropic import FakeAnthropic
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
