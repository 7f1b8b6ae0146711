"""The mentor reports its tokens by kind and its failures by reason to the metrics."""

from __future__ import annotations

from bot.app import build_app
from bot.testing.fake_anthropic import FakeAnthropic, Reply
from tests.mentor.conftest import ask, claude_settings


async def test_tokens_by_kind_and_errors_by_reason(
    clean_env, tmp_path, fake_api: FakeAnthropic, clock
):
    """One answer adds its four token counts; a refused key counts one error, no tokens."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'mentor.db'}"
    app = await build_app(claude_settings(url, fake_api.base_url, MENTORBOT_OPS_PORT=0), clock)
    try:
        fake_api.then(Reply(input_tokens=1200, output_tokens=40, cache_read_tokens=7))
        await ask(app, "What is an embedding?")
        fake_api.then(Reply(status=401))
        await ask(app, "What is a vector?")
    finally:
        await app.close()
    value = app.metrics.registry.get_sample_value
    tokens = {
        kind: value("mentorbot_llm_tokens_total", {"kind": kind})
        for kind in ("input", "output", "cache_read", "cache_write")
    }
    assert tokens == {"input": 1200, "output": 40, "cache_read": 7, "cache_write": 900}
    assert value("mentorbot_llm_errors_total", {"reason": "refused"}) == 1
    ok = {"command": "/mentor ask", "outcome": "ok"}
    assert value("mentorbot_commands_total", ok) == 2
