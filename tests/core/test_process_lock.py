"""One bot process per SQLite file; a second is refused with what to do instead."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from bot.app import run
from bot.core.process_lock import AlreadyRunning, lock_sqlite
from bot.settings import Settings


def test_a_second_lock_on_the_same_file_is_refused(sqlite_url: str):
    """While one holder has the lock, another is told to stop it or use PostgreSQL."""
    held = lock_sqlite(sqlite_url)
    with pytest.raises(AlreadyRunning, match="PostgreSQL") as refused:
        lock_sqlite(sqlite_url)
    assert "Another mentorbot is already running" in str(refused.value)
    held.release()
    lock_sqlite(sqlite_url).release()


def test_postgresql_needs_no_lock():
    """Several workers may share PostgreSQL, so nothing is locked."""
    assert lock_sqlite("postgresql+asyncpg://postgres@127.0.0.1:5432/any") is None


async def test_run_refuses_to_start_on_a_file_already_in_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_env
):
    """`mentorbot run` exits with status 2 and says why when the SQLite file is taken."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    settings = Settings(_env_file=None, DATABASE_URL=url)
    held = lock_sqlite(url)
    try:
        status = await run(settings, "console", io.StringIO(""), io.StringIO())
    finally:
        held.release()
    assert status == 2
    assert "Another mentorbot is already running" in capsys.readouterr().err


def test_a_hard_link_to_the_file_meets_the_same_lock(tmp_path: Path):
    """Another name for the same database file cannot start a second bot on it."""
    original = tmp_path / "bot.db"
    held = lock_sqlite(f"sqlite+aiosqlite:///{original}")
    (tmp_path / "other").mkdir()
    alias = tmp_path / "other" / "alias.db"
    os.link(original, alias)
    try:
        with pytest.raises(AlreadyRunning):
            lock_sqlite(f"sqlite+aiosqlite:///{alias}")
    finally:
        held.release()
    lock_sqlite(f"sqlite+aiosqlite:///{alias}").release()
