"""Answers without an API key: the lesson sentences that answer, or a plain "nothing fits"."""

from __future__ import annotations

from bot.app import App
from bot.core.members import Caller
from tests.mentor.conftest import ADA, Recorder, ask


async def test_answer_quotes_the_sentences_that_answer(offline: App):
    """ "how do embeddings work?" quotes the embeddings lesson's definition, not its objective,
    and offers 👍/👎 under "Quoted from your lessons"."""
    answer = (await ask(offline, "how do embeddings work?")).last
    body = answer.body
    assert body.index("**Embeddings: meaning as vectors** (AI engineer, day ") < body.index(
        "> An **embedding** is a list of numbers (a vector)"
    )
    assert "Objective" not in body and "```" not in body
    assert [choice.label for choice in answer.choices] == ["👍 Helpful", "👎 Not helpful"]
    assert answer.footer is not None and answer.footer.startswith("Quoted from your lessons")
    assert answer.follow_up


async def test_nothing_fits_is_said_plainly_with_nothing_to_rate(offline: App):
    """A question no lesson answers gets a plain reply pointing to other words and
    `/mentor today`: no quotes, no 👍/👎, no "Quoted from your lessons"."""
    answer = (await ask(offline, "How do I bake sourdough bread?")).last
    assert "None of your lessons answers that" in answer.body
    assert "other words" in answer.body and "`/mentor today`" in answer.body
    assert "Here is what your lessons say" not in answer.body and ">" not in answer.body
    assert answer.choices == ()
    assert answer.footer is not None and "Quoted from your lessons" not in answer.footer
    assert answer.follow_up  # a reply in other words is asked straight away


async def test_nothing_fits_shows_as_a_gap_for_moderators(offline: App):
    """The unanswered question is counted among the topics the lessons do not cover."""
    await ask(offline, "How do I bake sourdough bread?")
    report = Recorder()
    moderator = Caller("discord", "guild-1", "mod", "Mod", is_moderator=True)
    await offline.router.command(moderator, "mentor-admin", "questions", "", report)
    assert "• bake sourdough bread: 1" in report.last.body


async def test_follow_up_is_answered_with_the_previous_question(offline: App):
    """ "what about keeping them small?" after a Docker question quotes Docker's advice on small
    images; asked in another thread it does not."""
    await ask(offline, "How do I put my trained model in a Docker container?")
    follow_up = (await ask(offline, "what about keeping them small?")).last.body
    assert "**Docker for ML**" in follow_up and "`-slim`" in follow_up
    elsewhere = Caller("discord", "guild-1", "ada", "Ada", conversation_id="thread-2")
    assert (
        "**Docker for ML**"
        not in (await ask(offline, "what about keeping them small?", elsewhere)).last.body
    )


async def test_follow_up_after_nothing_fits_still_finds_its_lesson(offline: App):
    """After an off-topic question, a real one in the same thread is answered from its lesson."""
    await ask(offline, "How do I bake sourdough bread?")
    answer = (await ask(offline, "What is LoRA?", ADA)).last.body
    assert "**How to fine-tune: from examples to a deployed model**" in answer
