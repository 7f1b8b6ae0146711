"""The `mentorbot` command line, run as a real process."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.core.content import load_content
from bot.settings import ACTIVATING_VARIABLES, DEFAULT_CONTENT_DIR
from bot.testing.fake_anthropic import FakeAnthropic
from tests.conftest import leaning_answers, typed
from tests.conftest import run_mentorbot as _mentorbot


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
    quiz = load_content(DEFAULT_CONTENT_DIR).quiz
    quiz_answers = "".join(f"{answer}\n" for answer in typed(leaning_answers(quiz, "ai-engineer")))
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


def _one_line(result: subprocess.CompletedProcess) -> str:
    """The single line a refused start prints, checked to be just that."""
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert len(lines) == 1, result.stdout + result.stderr
    return lines[0]


def test_db_status_never_creates_a_database(tmp_path: Path):
    """`db status` on a fresh data dir says there is no database yet and leaves nothing."""
    data = tmp_path / "data"
    result = _mentorbot("db", "status", env={"MENTORBOT_DATA_DIR": str(data)})
    assert result.returncode == 0
    assert "database revision: none" in result.stdout and "db upgrade" in result.stdout
    assert not data.exists()


UNREACHABLE = "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/mentorbot"


@pytest.mark.parametrize("args", [["run"], ["db", "upgrade"], ["db", "status"]])
def test_unreachable_database_is_one_masked_line_for_every_command(args: list[str]):
    """A database nobody answers for: one line naming DATABASE_URL, password masked, exit 2."""
    result = _mentorbot(*args, env={"DATABASE_URL": UNREACHABLE})
    assert result.returncode == 2
    line = _one_line(result)
    assert "DATABASE_URL=postgresql+asyncpg://bot:***@127.0.0.1:1/mentorbot" in line
    assert "cannot be used" in line and "hunter2" not in line


@pytest.mark.parametrize("args", [["run"], ["db", "upgrade"], ["db", "status"]])
def test_refusing_database_is_one_masked_line_for_every_command(postgres_url: str, args):
    """A server that refuses (no such database) gives its reason in one line and exit 2."""
    missing = make_url(postgres_url).set(database="mentorbot_no_such_db", password="hunter2")
    result = _mentorbot(*args, env={"DATABASE_URL": missing.render_as_string(False)})
    assert result.returncode == 2
    line = _one_line(result)
    assert 'database "mentorbot_no_such_db" does not exist' in line
    assert "DATABASE_URL=" in line and ":***@" in line and "hunter2" not in line


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path):
    """DATABASE_URL pointing at some other file is refused in one line, not a traceback."""
    other = tmp_path / "notes.db"
    other.write_bytes(b"these are notes, not a database\n" * 200)
    result = _mentorbot("run", env={"DATABASE_URL": f"sqlite:///{other}"})
    assert result.returncode == 2
    assert "file is not a database" in _one_line(result)


def test_a_data_dir_that_cannot_be_made_is_one_line(tmp_path: Path):
    """MENTORBOT_DATA_DIR under a regular file stops the start with one line naming it."""
    (tmp_path / "file").write_text("")
    result = _mentorbot("run", env={"MENTORBOT_DATA_DIR": str(tmp_path / "file" / "data")})
    assert result.returncode == 2
    assert _one_line(result).startswith("mentorbot: MENTORBOT_DATA_DIR=")


def test_a_data_dir_that_takes_no_files_is_one_line():
    """A data dir the bot cannot write in (here a read-only kernel folder) is refused."""
    result = _mentorbot("run", env={"MENTORBOT_DATA_DIR": "/proc/sys"})
    assert result.returncode == 2
    assert "the bot cannot write in /proc/sys" in _one_line(result)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("MENTORBOT_DEFAULT_TIMEZONE", "Mars/Base"),
        ("DATABASE_URL", "mysql://bot:hunter2@db/mentorbot"),
        ("MENTORBOT_LOG_LEVEL", "chatty"),
    ],
)
def test_bad_setting_stops_start_up_in_one_line(tmp_path: Path, variable: str, value: str):
    """A bad setting is named in one line with exit 2, before anything starts."""
    result = _mentorbot("run", env={variable: value, "MENTORBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    line = _one_line(result)
    assert line.startswith(f"mentorbot: {variable}: ") and "hunter2" not in line
    assert not (tmp_path / "mentorbot.db").exists()


async def test_logs_keep_no_secrets_questions_or_names(tmp_path: Path):
    """At DEBUG, a journey with a question and forget-me logs neither the proxy password in
    ANTHROPIC_BASE_URL, nor the question, nor the member's display name."""
    async with FakeAnthropic() as fake:
        proxied = fake.base_url.replace("http://", "http://proxyuser:hunter2@")
        env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
        env.update(
            ANTHROPIC_API_KEY="test-key",
            ANTHROPIC_BASE_URL=proxied,
            MENTORBOT_LOG_LEVEL="DEBUG",
            MENTORBOT_DATA_DIR=str(tmp_path),
            USER="Zephyrine",
            LOGNAME="Zephyrine",
        )
        script = (
            "/mentor join ai-engineer\n/mentor ask What is a zyxquorble embedding?\n"
            "/mentor forget-me\n1\n/quit\n"
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
        )  # fmt: skip
        out, err = await asyncio.wait_for(process.communicate(script.encode()), 60)
    stdout, stderr = out.decode(), err.decode()
    assert process.returncode == 0, stderr
    assert fake.requests, "the question never reached the local Claude"
    assert "everything I stored about you is deleted" in stdout
    assert "DEBUG" in stderr
    for private in ("hunter2", "zyxquorble", "Zephyrine"):
        assert private not in stderr, private


def test_content_publish_history_and_rollback_while_the_bot_runs(tmp_path: Path):
    """With `run`'s SQLite lock held, publish, history, rollback and export still work."""
    from bot.core.content.loader import read_directory
    from bot.core.process_lock import ProcessLock

    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "data")}
    lock = ProcessLock((tmp_path / "data" / "mentorbot.db").resolve()).acquire()
    try:
        lesson = tmp_path / "03-ai-first-api-call.md"
        original = DEFAULT_CONTENT_DIR / "paths" / "ai-engineer" / lesson.name
        lesson.write_text(original.read_text().replace("minutes: ", "minutes: 1", 1))
        published = _mentorbot("content", "publish", str(lesson), env=env, cwd=tmp_path)
        assert published.returncode == 0, published.stdout + published.stderr
        assert "Published as revision 2: changed ai-first-api-call" in published.stdout
        lesson.write_text("---\nid: ai-first-api-call\n")
        refused = _mentorbot("content", "publish", str(lesson), env=env, cwd=tmp_path)
        assert refused.returncode == 1 and "nothing was changed" in refused.stdout
        rolled = _mentorbot("content", "rollback", "1", env=env, cwd=tmp_path)
        assert "stored as revision 3" in rolled.stdout
        history = _mentorbot("content", "history", env=env, cwd=tmp_path).stdout.splitlines()
        assert [line.split()[0] for line in history] == ["3", "2", "1"]
        assert "content directory" in history[-1]
        exported = _mentorbot("content", "export", str(tmp_path / "out"), env=env, cwd=tmp_path)
        assert exported.returncode == 0
        assert read_directory(tmp_path / "out") == read_directory(DEFAULT_CONTENT_DIR)
    finally:
        lock.release()


def test_an_installed_copy_without_content_names_the_setting(tmp_path: Path):
    """A copy of the package with no content/ beside it says to set MENTORBOT_CONTENT_DIR."""
    shutil.copytree(Path(__file__).resolve().parent.parent / "bot", tmp_path / "bot")
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.pop("MENTORBOT_CONTENT_DIR", None)
    env["MENTORBOT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2
    assert "MENTORBOT_CONTENT_DIR" in result.stderr and "Traceback" not in result.stderr


def test_a_closed_pipe_is_no_traceback():
    """`mentorbot content validate | head -1`: the reader leaving early prints no traceback."""
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "content", "validate", str(DEFAULT_CONTENT_DIR)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()


def test_stats_prints_the_summary_and_exports_csv(tmp_path: Path):
    """After a member joins and marks a lesson done, `stats` counts them and `stats --csv DIR`
    writes the tables, one line per file."""
    env = {"MENTORBOT_DATA_DIR": str(tmp_path)}
    _mentorbot("run", stdin="/mentor join ai-engineer\n/mentor done\n/quit\n", env=env)
    result = _mentorbot("stats", env=env)
    assert result.returncode == 0, result.stderr
    assert "Members: 1 (0 paused" in result.stdout and "Paths: AI engineer 1" in result.stdout
    export = tmp_path / "out" / "csv"
    result = _mentorbot("stats", "--csv", str(export), env=env)
    assert result.returncode == 0, result.stderr
    assert f"{export / 'completions.csv'}: 1 row\n" in result.stdout
    assert (export / "members.csv").read_text().count("\n") == 2


def test_stats_refuses_a_missing_database_and_a_file_for_a_directory(tmp_path: Path):
    """No database yet, or --csv naming a file: exit 2 with one line saying what to do."""
    env = {"MENTORBOT_DATA_DIR": str(tmp_path / "nothing")}
    result = _mentorbot("stats", env=env)
    assert result.returncode == 2 and "no database at" in result.stderr
    assert not (tmp_path / "nothing").exists()
    env = {"MENTORBOT_DATA_DIR": str(tmp_path)}
    _mentorbot("db", "upgrade", env=env)
    (tmp_path / "taken").write_text("")
    result = _mentorbot("stats", "--csv", str(tmp_path / "taken"), env=env)
    assert result.returncode == 2 and "cannot use" in result.stderr
    assert "Traceback" not in result.stderr


def test_discord_sync_without_a_token_says_what_to_set(tmp_path: Path):
    """`mentorbot discord sync` with no DISCORD_TOKEN exits 2 with one line."""
    result = _mentorbot("discord", "sync", env={"MENTORBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert "Set DISCORD_TOKEN" in result.stderr and "Traceback" not in result.stderr
