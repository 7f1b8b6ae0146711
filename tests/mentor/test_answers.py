"""Asking Claude through the real SDK, against a local server speaking the Messages API."""

from __future__ import annotations

import itertools
import json

import pytest
from sqlmodel import select

from bot.app import App
from bot.core.members import Caller
from bot.core.models import Question
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.mentor.conftest import ADA, Recorder, ask, join

JSON_QUESTION = "How do I make the model return JSON my code can parse?"


async def stored(app: App) -> list[Question]:
    async with app.services.db() as session:
        return list((await session.exec(select(Question).order_by(Question.id))).all())


async def test_prompt_holds_instructions_outline_current_lesson_and_passages(
    claude: App, fake_api: FakeAnthropic
):
    """The request carries the persona, the path outline, today's lesson and the passages."""
    await join(claude, "ai-engineer")
    await ask(claude, JSON_QUESTION)
    [request] = fake_api.requests
    body = request.body
    path = claude.services.content.current.path("ai-engineer")
    instructions, outline, lesson = (block["text"] for block in body["system"])
    assert "Never invent links" in instructions and "[unsure" in instructions
    assert all(item.title in outline for item in path.items)
    assert path.items[0].title in lesson and path.items[0].body[:200] in lesson
    passages = claude.services.mentor.index().search(JSON_QUESTION)
    last = body["messages"][-1]
    assert last["role"] == "user" and JSON_QUESTION in last["content"]
    assert f'<passage id="1" lesson="{passages[0].lesson_title}"' in last["content"]
    assert passages[0].text in last["content"]
    assert body["model"] == "claude-haiku-5-5" and body["stream"] is True
    assert request.headers["Authorization"] == "Bearer test-key"


async def test_stable_prefix_is_marked_for_caching(claude: App, fake_api: FakeAnthropic):
    """Instructions, outline and current lesson each carry cache_control; the question does not."""
    await join(claude, "ml-engineer")
    await ask(claude, "What is a baseline?")
    body = fake_api.requests[0].body
    assert [b["cache_control"] for b in body["system"]] == [{"type": "ephemeral"}] * 3
    assert "cache_control" not in json.dumps(body["messages"])


async def test_answer_cites_lessons_by_title_and_day_and_stores_tokens(
    claude: App, fake_api: FakeAnthropic
):
    """The final message names the cited lessons with their day; tokens are stored."""
    fake_api.then(Reply(text="Describe the shape with a schema and validate it [1]."))
    await join(claude, "ai-engineer")
    reply = await ask(claude, JSON_QUESTION)
    first = claude.services.mentor.index().search(JSON_QUESTION)[0]
    final = reply.last
    assert f"[1] **{first.lesson_title}** ({first.path_title}, day {first.day})" in final.body
    assert [c.label for c in final.choices] == ["👍 Helpful", "👎 Not helpful"]
    assert final.follow_up
    [row] = await stored(claude)
    assert row.citations == [first.item_id]
    assert (row.input_tokens, row.output_tokens) == (1200, 40)
    assert (row.cache_read_tokens, row.cache_write_tokens) == (0, 900)
    assert row.model == "claude-haiku-5-5" and row.answer.startswith("Describe the shape")


async def test_answer_grows_by_edits_of_one_message(claude: App, fake_api: FakeAnthropic):
    """One message is sent at once, then edited with ever longer text, then finished."""
    text = "Embeddings turn text into vectors [1]. Similar meanings end up close together [1]."
    fake_api.then(Reply(text=text, chunk_chars=8))
    reply = await ask(claude, "What is an embedding?")
    kinds = [kind for kind, _, _ in reply.calls]
    assert kinds[0] == "send" and set(kinds[1:]) == {"edit"}
    assert len({ref.message_id for _, ref, _ in reply.calls}) == 1
    bodies = [m.body for m in reply.edits]
    assert len(bodies) >= len(text) // 8
    assert all(later.startswith(earlier) for earlier, later in itertools.pairwise(bodies))
    assert bodies[-1].startswith(text)
    assert not reply.edits[0].choices and reply.last.choices


async def test_unsure_marker_is_hidden_and_counted_by_topic(claude: App, fake_api: FakeAnthropic):
    """An answer starting [unsure: topic] shows without it and counts as a coverage gap."""
    fake_api.then(Reply(text="[unsure: kubernetes operators] The lessons do not cover that."))
    reply = await ask(claude, "How do I write a Kubernetes operator?")
    assert all("[unsure" not in m.body for m in reply.edits)
    assert reply.last.body.startswith("The lessons do not cover that.")
    [row] = await stored(claude)
    assert row.unsure and row.topic == "kubernetes operators"
    moderator = ADA.__class__(**{**ADA.__dict__, "is_moderator": True})
    report = await ask_admin(claude, moderator)
    assert "kubernetes operators: 1" in report


async def ask_admin(app: App, caller: Caller) -> str:
    reply = Recorder()
    await app.router.command(caller, "mentor-admin", "questions", "", reply)
    return reply.last.body


async def test_overloaded_then_recovered_answers_normally(claude: App, fake_api: FakeAnthropic):
    """A 529 is retried by the SDK and the member gets the answer from the second attempt."""
    fake_api.then(Reply(status=529))
    reply = await ask(claude, "What is an embedding?")
    assert len(fake_api.requests) == 2
    assert fake_api.requests[1].headers["x-stainless-retry-count"] == "1"
    assert reply.last.choices and "⚠️" not in reply.last.body
    assert len(await stored(claude)) == 1


@pytest.mark.parametrize("status", [429, 529, 500])
async def test_busy_after_every_retry_says_so_and_costs_nothing(
    claude: App, fake_api: FakeAnthropic, status: int
):
    """When retries run out on 429, 529 or 500 the member reads why; nothing is counted."""
    fake_api.then(Reply(status=status), Reply(status=status))
    reply = await ask(claude, "What is an embedding?")
    assert "Claude is very busy right now" in reply.last.body
    assert "did not count" in reply.last.body and "Meanwhile" in reply.last.body
    assert await stored(claude) == []


async def test_error_in_the_middle_of_the_stream_keeps_the_text_so_far(
    claude: App, fake_api: FakeAnthropic
):
    """An error event mid-answer ends it with what arrived and a clear note."""
    fake_api.then(Reply(text="Retrieval puts the right passages in the prompt.", fail_after=2))
    reply = await ask(claude, "What is retrieval?")
    assert reply.last.body.startswith("Retrieval puts the right")
    assert "⚠️ Claude is very busy right now" in reply.last.body
    assert await stored(claude) == []


async def test_mentions_written_by_the_model_cannot_ping_anyone(
    claude: App, fake_api: FakeAnthropic
):
    """@everyone, @here, role, user and Slack broadcasts from the model are neutralised."""
    fake_api.then(
        Reply(text="Tell @everyone and @here, ping <@123>, <@!45>, <@&67>, <!channel> and <@U1>.")
    )
    reply = await ask(claude, "Who should I tell?")
    for _, _, message in reply.calls:
        for token in ("@everyone", "@here", "<@123>", "<@!45>", "<@&67>", "<!channel>", "<@U1>"):
            assert token not in message.body
    assert "@\u200beveryone" in reply.last.body
