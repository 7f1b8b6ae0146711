"""`mentorbot bench slack` runs the bot in HTTP mode and prints one JSON line."""

from __future__ import annotations

import json

import pytest

from bot.cli import main


def test_a_small_run_acknowledges_and_answers_every_request(
    capsys: pytest.CaptureFixture[str], clean_env
):
    """Ten commands in bursts of five: all acknowledged with 200, all answered."""
    assert main(["bench", "slack", "--requests", "10", "--concurrency", "5"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    result = json.loads(line)
    assert (result["requests"], result["concurrency"]) == (10, 5)
    assert 0 < result["ack_p50_ms"] <= result["ack_p99_ms"] <= result["ack_max_ms"]
    assert result["burst_answered_p50_ms"] >= result["ack_p50_ms"]
