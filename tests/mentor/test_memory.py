"""Follow-ups keep the last turns of the same conversation, from the asking member only."""

from __future__ import annotations

from datetime import timedelta

from bot.core.clock import FixedClock
from bot.core.messages import Action, Choice
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.mentor.conftest import ADA, BOB, Recorder, ask

FIRST = "What is retrieval-augmented generation?"
FOLLOW_UP = "And how many passages should I retrieve?"


async def test_follow_up_carries_the_earlier_turn(make_claude, fake_api: FakeAnthropic):
    """The second question in a thread is sent after the first question and its answer."""
    app = await make_claude()
    fake_api.then(Reply(text="RAG fetches passages and answers from them [1]."))
    await ask(app, FIRST)
    await ask(app, FOLLOW_UP)
    messages = fake_api.requests[1].body["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user"]
    assert messages[0]["content"] == FIRST
    assert messages[1]["content"] == "RAG fetches passages and answers from them."
    assert FOLLOW_UP in messages[2]["content"]


async def test_other_members_turns_never_reach_the_prompt(make_claude, fake_api: FakeAnthropic):
    """In a shared thread, Bob's question and answer stay out of Ada's prompt."""
    app = await make_claude()
    await ask(app, "Bob's secret project is called Nightjar; what is RAG?", BOB)
    await ask(app, FIRST, ADA)
    request = fake_api.requests[1].body
    assert "Nightjar" not in str(request) and "Bob" not in str(request)
    assert len(request["messages"]) == 1


async def test_other_conversations_and_old_turns_are_left_out(
    make_claude, fake_api: FakeAnthropic, clock: FixedClock
):
    """A question in another thread, or half a day later, starts afresh."""
    app = await make_claude()
    await ask(app, FIRST)
    elsewhere = ADA.__class__(**{**ADA.__dict__, "conversation_id": "dm-ada"})
    await ask(app, FOLLOW_UP, elsewhere)
    clock.advance(timedelta(hours=13))
    await ask(app, FOLLOW_UP)
    assert len(fake_api.requests[1].body["messages"]) == 1
    assert len(fake_api.requests[2].body["messages"]) == 1


async def test_feedback_is_stored_and_only_the_asker_can_give_it(make_claude):
    """👍 on an answer is stored; another member's click is refused."""
    app = await make_claude()
    answer = (await ask(app, FIRST)).last
    up, down = answer.choices
    reply = Recorder()
    await app.router.action(BOB, _action(down), reply)
    assert "Only the member who asked" in reply.last.body
    await app.router.action(ADA, _action(up), reply)
    assert "Glad it helped" in reply.last.body
    report = Recorder()
    moderator = ADA.__class__(**{**ADA.__dict__, "is_moderator": True})
    await app.router.command(moderator, "mentor-admin", "questions", "", report)
    assert "👍 1 · 👎 0" in report.last.body


def _action(choice: Choice) -> Action:
    return Action(choice.action, choice.value)
