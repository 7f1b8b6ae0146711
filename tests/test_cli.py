"""The `mentorbot` command line, run as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.content import load_content
from bot.settings import ACTIVATING_VARIABLES, DEFAULT_CONTENT_DIR


def _mentorbot(*args: str, stdin: str = "", env: dict[str, str] | None = None, cwd=None):
    full_env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
    )


def test_content_validate_passes_on_shipped_content():
    """`content validate content/` exits 0 and prints the counts."""
    result = _mentorbot("content", "validate", str(DEFAULT_CONTENT_DIR))
    assert result.returncode == 0, result.stdout
    assert "valid" in result.stdout and "lessons" in result.stdout


def test_content_validate_fails_with_file_and_line(tmp_path: Path):
    """A broken copy exits 1 and names the file and line."""
    copy = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, copy)
    broken = sorted((copy / "paths" / "ai-engineer").glob("*.md"))[0]
    broken.write_text(broken.read_text().replace("title:", "title: [unclosed", 1))
    result = _mentorbot("content", "validate", str(copy))
    assert result.returncode == 1
    assert f"{broken.name}:" in result.stdout and "YAML syntax error" in result.stdout


def test_piped_journey_through_make_run_equivalent(tmp_path: Path):
    """`mentorbot run` with piped input shows quiz, placement and lesson, then exits 0."""
    quiz_answers = "1\n" * len(load_content(DEFAULT_CONTENT_DIR).quiz.questions)
    script = f"/mentor start\n{quiz_answers}/mentor today\n/quit\n"
    result = _mentorbot(
        "run", stdin=script, env={"MENTORBOT_DATA_DIR": str(tmp_path)}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "Placement quiz" in result.stdout
    assert "You're on the AI engineer path" in result.stdout
    assert "Day 1 · Lesson:" in result.stdout
    assert "starting the console" in result.stderr
    assert (tmp_path / "mentorbot.db").exists()


def test_end_of_input_quits_cleanly(tmp_path: Path):
    """Input that ends without /quit still exits 0."""
    result = _mentorbot("run", stdin="/mentor help\n", env={"MENTORBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0
    assert "mentorbot commands" in result.stdout


def test_broken_content_stops_start_up_with_the_problems(tmp_path: Path):
    """The bot refuses to start on invalid content and lists the problems."""
    result = _mentorbot(
        "run",
        env={
            "MENTORBOT_CONTENT_DIR": str(tmp_path / "missing"),
            "MENTORBOT_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 2
    assert "content directory not found" in result.stderr


@pytest.mark.parametrize("args", [["db", "upgrade"], ["db", "status"]])
def test_db_commands_report_the_revision(tmp_path: Path, args: list[str]):
    """`db upgrade` migrates; `db status` reports the revision."""
    env = {"MENTORBOT_DATA_DIR": str(tmp_path)}
    _mentorbot("db", "upgrade", env=env)
    result = _mentorbot(*args, env=env)
    assert result.returncode == 0
    assert "database revision: 0" in result.stdout


def test_discord_sync_without_a_token_says_what_to_set(tmp_path: Path):
    """`mentorbot discord sync` with no DISCORD_TOKEN exits 2 with one line."""
    result = _mentorbot("discord", "sync", env={"MENTORBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "Set DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr
