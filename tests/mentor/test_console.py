"""The mentor in the console: quoted lessons with no key, Claude's answer printed as it arrives."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import build_app
from bot.core.clock import FixedClock, OffsetClock
from bot.settings import Settings
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.conftest import START, ConsoleDriver
from tests.mentor.conftest import claude_settings


@pytest.fixture
async def offline_console(clean_env: None, settings: Settings) -> AsyncIterator[ConsoleDriver]:
    """The console as `make run` starts it with no keys at all."""
    clock = OffsetClock(FixedClock(START))
    app = await build_app(settings, clock)
    yield ConsoleDriver(app, clock)
    await app.close()


@pytest.fixture
async def claude_console(
    clean_env: None, tmp_path: Path, fake_api: FakeAnthropic
) -> AsyncIterator[ConsoleDriver]:
    clock = OffsetClock(FixedClock(START))
    url = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    app = await build_app(claude_settings(url, fake_api.base_url), clock)
    yield ConsoleDriver(app, clock)
    await app.close()


async def test_without_a_key_the_mentor_quotes_the_lessons(offline_console: ConsoleDriver):
    """No ANTHROPIC_API_KEY: the answer quotes relevant lessons with titles and names the key."""
    await offline_console.say("/mentor join ai-engineer")
    out = await offline_console.say("/mentor ask How do I make my RAG bot say it doesn't know?")
    assert "== Mentor ==" in out and "Here is what your lessons say" in out
    rag = offline_console.app.services.content.current.item("ai-rag")
    assert f"**{rag.title}** (AI engineer, day {rag.day})" in out
    assert "ANTHROPIC_API_KEY" in out
    assert "[1] 👍 Helpful" in out


async def test_plain_line_after_an_answer_is_a_follow_up(offline_console: ConsoleDriver):
    """Right after an answer a line without a slash is asked; otherwise it gets the hint."""
    assert "Commands start with a slash" in await offline_console.say("what is rag?")
    await offline_console.say("/mentor ask What is an embedding?")
    out = await offline_console.say("and how do I compare two of them?")
    assert "== Mentor ==" in out and "Here is what your lessons say" in out
    await offline_console.say("/mentor progress")
    assert "Commands start with a slash" in await offline_console.say("one more?")


async def test_question_over_the_limit_is_refused_with_the_limit(offline_console: ConsoleDriver):
    """A question over 1,500 characters is refused, saying the limit and the usage."""
    out = await offline_console.say("/mentor ask " + "why " * 400)
    assert "at most 1,500 characters" in out and "Usage: `/mentor ask <question>`" in out
    assert "== Mentor ==" not in out


async def test_claude_answer_prints_as_it_arrives(
    claude_console: ConsoleDriver, fake_api: FakeAnthropic
):
    """Each streamed piece is printed once, in order, then the sources and the choices."""
    text = "A vector database finds the nearest embeddings quickly [1]."
    fake_api.then(Reply(text=text, chunk_chars=5))
    out = await claude_console.say("/mentor ask What does a vector database do?")
    assert out.count("== Mentor ==") == 1
    assert out.index("== Mentor ==") < out.index(text) < out.index("📚 From your lessons")
    assert out.index("📚 From your lessons") < out.index("[1] 👍 Helpful")
    assert "Answered by Claude from your lessons · 19 of 20 questions left today" in out
    assert "Thanks" in await claude_console.say("2")
