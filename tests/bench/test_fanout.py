"""`mentorbot bench fanout` prints one JSON line with the agreed keys."""

from __future__ import annotations

import json

import pytest

from bot.cli import main

KEYS = [
    "members",
    "workers",
    "delivered",
    "duplicates",
    "missing",
    "seconds",
    "deliveries_per_s",
    "floor_rows_per_s",
    "ratio",
    "idle_tick_ms",
    "peak_rss_mb",
]


def test_fanout_on_sqlite_delivers_everyone_once(capsys: pytest.CaptureFixture[str], clean_env):
    """A small run on a temporary SQLite file reaches every member exactly once."""
    assert main(["bench", "fanout", "--members", "40", "--batch", "15"]) == 0
    (line,) = capsys.readouterr().out.strip().splitlines()
    result = json.loads(line)
    assert list(result) == KEYS
    assert (result["members"], result["workers"], result["delivered"]) == (40, 1, 40)
    assert (result["duplicates"], result["missing"]) == (0, 0)


def test_several_workers_on_sqlite_are_refused(capsys: pytest.CaptureFixture[str], clean_env):
    """SQLite serves one process, so --workers 2 without PostgreSQL is an error that says so."""
    assert main(["bench", "fanout", "--members", "10", "--workers", "2"]) == 2
    assert "needs a PostgreSQL --database" in capsys.readouterr().err
