"""Logs: one line per event with platform and user ids, JSON lines on request, and never a
member's question or a token at INFO."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

from bot.logs import JsonFormatter
from tests.conftest import run_mentorbot

QUESTION = "how do zebra-embeddings-4471 work"


def _run(tmp_path: Path, script: str, **extra: str) -> subprocess.CompletedProcess:
    env = {"MENTORBOT_DATA_DIR": str(tmp_path), **extra}
    return run_mentorbot("run", "--platform", "console", stdin=script, env=env, cwd=tmp_path)


def test_json_lines_carry_the_ids_and_never_the_question(tmp_path: Path):
    """MENTORBOT_LOG_FORMAT=json: every stderr line is a JSON object; each command is one line
    with its platform, user, name and outcome; the question asked appears nowhere."""
    script = f"/mentor join ai-engineer\n/mentor ask {QUESTION}\n/mentor nope {QUESTION}\n/quit\n"
    result = _run(tmp_path, script, MENTORBOT_LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    commands = [line for line in lines if line.get("command")]
    assert [(c["command"], c["outcome"]) for c in commands] == [
        ("/mentor join", "ok"),
        ("/mentor ask", "ok"),
        ("unknown", "unknown"),
    ]
    assert all(c["platform"] == "console" and c["user"] == "local" for c in commands)
    assert all(c["level"] == "INFO" and c["time"].endswith("+00:00") for c in commands)
    assert QUESTION not in result.stderr


def test_text_lines_by_default_without_the_question(tmp_path: Path):
    """The default is one readable line per event; the question stays out of it, even at
    DEBUG, where the database driver would log each statement's parameters."""
    result = _run(tmp_path, f"/mentor ask {QUESTION}\n/quit\n", MENTORBOT_LOG_LEVEL="DEBUG")
    assert result.returncode == 0, result.stderr
    assert "INFO bot.core.commands.router: /mentor ask from console user local" in result.stderr
    assert "zebra" not in result.stderr


def test_an_error_keeps_its_traceback_in_one_json_line():
    """A logged exception becomes one line whose `exception` field holds the traceback."""
    try:
        raise RuntimeError("broken on purpose")
    except RuntimeError:
        record = logging.getLogger("test").makeRecord(
            "test",
            logging.ERROR,
            __file__,
            1,
            "tick failed in %s",
            ("w1",),
            sys.exc_info(),
            extra={"member": 7},
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "tick failed in w1" and entry["member"] == 7
    assert "RuntimeError: broken on purpose" in entry["exception"]
