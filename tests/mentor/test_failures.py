"""Failures reach the member as a clear message, never as silence or a crash."""

from __future__ import annotations

from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.mentor.conftest import ask, claude_settings

QUESTION = "What is an embedding?"


async def test_silent_server_gives_a_timeout_message(
    clean_env, tmp_path, fake_api: FakeAnthropic, clock
):
    """When no text arrives in time, the member reads that Claude could not be reached."""
    from bot.app import build_app

    url = f"sqlite+aiosqlite:///{tmp_path / 'mentor.db'}"
    settings = claude_settings(url, fake_api.base_url, MENTORBOT_ASK_FIRST_TOKEN_TIMEOUT=0.3)
    app = await build_app(settings, clock)
    try:
        fake_api.then(Reply(hang=30))
        reply = await ask(app, QUESTION)
    finally:
        await app.close()
    assert "could not reach Claude in time" in reply.last.body
    assert "did not count" in reply.last.body


async def test_refused_key_is_explained_without_echoing_it(claude, fake_api: FakeAnthropic):
    """A 401 tells the member the key was refused; the key itself appears nowhere."""
    fake_api.then(Reply(status=401))
    reply = await ask(claude, QUESTION)
    assert "key for Claude was refused" in reply.last.body
    assert all("test-key" not in m.body for _, _, m in reply.calls)
    assert len(fake_api.requests) == 1


async def test_server_that_is_down_gives_a_clear_message(claude, fake_api: FakeAnthropic):
    """A connection refused (the server gone) ends in a message, after the SDK's retries."""
    await fake_api.close()
    reply = await ask(claude, QUESTION)
    assert "could not reach Claude" in reply.last.body


async def test_model_comes_from_the_settings(clean_env, tmp_path, fake_api: FakeAnthropic, clock):
    """ANTHROPIC_MODEL picks the model the request names and the stored answer records."""
    from bot.app import build_app

    url = f"sqlite+aiosqlite:///{tmp_path / 'mentor.db'}"
    settings = claude_settings(url, fake_api.base_url, ANTHROPIC_MODEL="claude-sonnet-5-5")
    app = await build_app(settings, clock)
    try:
        reply = await ask(app, QUESTION)
    finally:
        await app.close()
    assert fake_api.requests[0].body["model"] == "claude-sonnet-5-5"
    assert reply.last.choices
