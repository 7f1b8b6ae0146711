"""`mentorbot bench fanout` prints one JSON line with the agreed keys; its workers end with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


# Seeds a small database, starts one worker and never joins its barrier: the worker waits there
# until its parent goes. Prints the worker's process id once it is waiting.
PARENT = """
import asyncio, sys, time
from datetime import UTC, datetime
from bot.bench.fanout import seed, start_workers

url = sys.argv[1]
now = datetime.now(UTC)
asyncio.run(seed(url, 3, now))
barrier, _, (worker,) = start_workers(url, now, 1, 10)
while barrier.n_waiting < 1:
    time.sleep(0.05)
print(worker.pid, flush=True)
time.sleep(600)
"""


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    # A zombie has exited; only whoever adopted it has not reaped it yet.
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_worker_exits_when_its_parent_is_killed(sqlite_url: str):
    """kill -9 on `bench fanout` ends its workers too, instead of leaving them waiting for ever."""
    worker = 0
    with subprocess.Popen(
        [sys.executable, "-c", PARENT, sqlite_url], stdout=subprocess.PIPE, text=True
    ) as parent:
        try:
            worker = int(parent.stdout.readline())
            assert _running(worker)
            parent.send_signal(signal.SIGKILL)
            parent.wait()
            deadline = time.monotonic() + 20
            while _running(worker) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _running(worker)
        finally:
            parent.kill()
            parent.wait()
            if worker and _running(worker):
                os.kill(worker, signal.SIGKILL)
