"""The one stop path, tried on the real `mentorbot` process: SIGTERM during a fan-out, Ctrl-C at
the console prompt, end of input right after start, and a worker beside a running bot."""

from __future__ import annotations

import asyncio
import contextlib
import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func
from sqlalchemy import select as sql_select

from bot.core.db import create_engine
from bot.core.models import Delivery, DeliveryStatus
from bot.settings import ACTIVATING_VARIABLES
from tests.seeding import seed_due_members

MEMBERS = 3000


def _env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.update(DATABASE_URL=database_url, **extra)
    return env


async def _deliveries_by_status(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                sql_select(Delivery.__table__.c.status, func.count()).group_by(
                    Delivery.__table__.c.status
                )
            )
            return {status: count for status, count in rows}
    finally:
        await engine.dispose()


def _read_until(proc: subprocess.Popen, marker: bytes, timeout: float = 30) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
    assert marker in seen, seen[-2000:]
    return seen


def test_sigterm_during_a_fan_out_loses_nothing_and_exits_0(tmp_path: Path):
    """SIGTERM while thousands of DMs go out: exit 0, every DM printed is recorded as sent,
    claimed rows go back to pending at once, and nothing is lost or sent twice."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fanout.db'}"
    asyncio.run(seed_due_members(url, "console", [f"member-{n}" for n in range(MEMBERS)]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(url),
    )
    try:
        printed = _read_until(proc, b"[DM \xc2\xb7")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    printed += out
    assert proc.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"ERROR" not in err, err.decode()
    statuses = asyncio.run(_deliveries_by_status(url))
    assert DeliveryStatus.CLAIMED not in statuses
    assert statuses.get(DeliveryStatus.SENT, 0) == printed.count(b"[DM \xc2\xb7")
    assert sum(statuses.values()) <= MEMBERS
    assert statuses.get(DeliveryStatus.SENT, 0) < MEMBERS, "the stop came too late to test"


def test_ctrl_c_at_the_console_prompt_ends_it_at_once(tmp_path: Path):
    """Ctrl-C typed at the interactive prompt exits 0 within seconds, with no traceback."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the console on a terminal
        os.execve(
            sys.executable,
            [sys.executable, "-m", "bot", "run", "--platform", "console"],
            _env(f"sqlite+aiosqlite:///{tmp_path / 'tty.db'}"),
        )
    try:
        seen = b""
        deadline = time.monotonic() + 30
        while b"> " not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.2)[0]:
                seen += os.read(fd, 4096)
        assert b"> " in seen, seen
        os.write(fd, b"\x03")
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                with contextlib.suppress(OSError):
                    seen += os.read(fd, 4096)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
        assert status is not None and os.WIFEXITED(status), seen
        assert os.WEXITSTATUS(status) == 0
        assert b"Traceback" not in seen
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)


def test_end_of_input_right_after_start_leaves_stderr_clean(tmp_path: Path):
    """`echo /quit | mentorbot run`, repeated: exit 0 and no error or traceback on stderr."""
    for attempt in range(3):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            input="/quit\n",
            capture_output=True,
            text=True,
            env=_env(f"sqlite+aiosqlite:///{tmp_path / f'quit{attempt}.db'}"),
            timeout=60,
        )
        assert result.returncode == 0
        for word in ("Traceback", "ERROR", "CancelledError"):
            assert word not in result.stderr, result.stderr


def test_the_worker_is_refused_on_sqlite(tmp_path: Path):
    """`mentorbot worker` on SQLite exits 2 and says PostgreSQL is needed."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "worker"],
        capture_output=True,
        text=True,
        env=_env(f"sqlite+aiosqlite:///{tmp_path / 'w.db'}", DISCORD_TOKEN="x"),
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr


def test_the_worker_needs_a_platform(postgres_url: str):
    """`mentorbot worker` with no platform configured exits 2 and names the settings."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "worker"],
        capture_output=True,
        text=True,
        env=_env(postgres_url),
        timeout=60,
    )
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr and "SLACK_BOT_TOKEN" in result.stderr
