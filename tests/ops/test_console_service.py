"""Health and metrics over real HTTP while `mentorbot run` serves the console, as an operator
would see them: start it with MENTORBOT_OPS_PORT, type into it, ask the ops server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from bot.settings import ACTIVATING_VARIABLES
from tests.conftest import run_mentorbot

LISTENING = re.compile(rb"ops server listening on http://127\.0\.0\.1:(\d+)")


def _start(tmp_path: Path, port: int = 0) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.update(MENTORBOT_DATA_DIR=str(tmp_path), MENTORBOT_OPS_PORT=str(port))
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--platform", "console"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
    )


def _read_until(stream, pattern: re.Pattern[bytes], timeout: float = 60) -> re.Match[bytes]:
    seen = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if select.select([stream], [], [], 0.2)[0]:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            seen += chunk
            if match := pattern.search(seen):
                return match
    raise AssertionError(f"{pattern.pattern!r} not seen in: {seen[-2000:]!r}")


def _mentorbot_health(tmp_path: Path, port: int | None) -> subprocess.CompletedProcess:
    ops = {"MENTORBOT_OPS_PORT": "", "MENTORBOT_OPS_HOST": ""}
    if port is not None:
        ops = {"MENTORBOT_OPS_PORT": str(port), "MENTORBOT_OPS_HOST": "0.0.0.0"}
    return run_mentorbot("health", env=ops, cwd=tmp_path)


def _type(proc: subprocess.Popen, line: str) -> None:
    proc.stdin.write(f"{line}\n".encode())
    proc.stdin.flush()


async def _get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


def _value(metrics: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", metrics, re.M)
    assert match, f"{series} not in the metrics"
    return float(match.group(1))


def test_health_and_metrics_answer_while_the_console_runs(tmp_path: Path):
    """/healthz says 200 with the database, the scheduler's last tick and the console
    connected; /metrics counts the commands typed and the DM sent by `/wait 1d`; /quit
    then stops the bot and its ops server with exit 0."""
    proc = _start(tmp_path)
    try:
        port = int(_read_until(proc.stderr, LISTENING).group(1))
        base = f"http://127.0.0.1:{port}"
        _type(proc, "/mentor join ai-engineer")
        _type(proc, "/mentor progress")
        _type(proc, "/mentor nonsense")
        _type(proc, "/wait 1d")
        # Lines are handled in order: once the DM is out, the commands before it are done.
        _read_until(proc.stdout, re.compile(rb"\[DM \xc2\xb7"))
        status, kind, body = asyncio.run(_get(f"{base}/healthz"))
        assert status == 200 and kind.startswith("application/json")
        health = json.loads(body)
        assert health["status"] == "ok"
        assert health["database"]["reachable"] is True
        assert health["scheduler"]["healthy"] is True
        assert 0 <= health["scheduler"]["last_tick_age_seconds"] < 60
        assert health["platforms"] == {"console": {"connected": True}}
        status, kind, metrics = asyncio.run(_get(f"{base}/metrics"))
        assert status == 200 and kind.startswith("text/plain")
        ok = 'mentorbot_commands_total{command="%s",outcome="ok"}'
        assert _value(metrics, ok % "/mentor join") == 1
        assert _value(metrics, ok % "/mentor progress") == 1
        assert _value(metrics, 'mentorbot_commands_total{command="unknown",outcome="unknown"}') == 1
        assert _value(metrics, 'mentorbot_command_seconds_count{command="/mentor join"}') == 1
        assert _value(metrics, 'mentorbot_deliveries_total{outcome="sent"}') == 1
        assert _value(metrics, "mentorbot_delivery_lag_seconds_count") == 1
        assert _value(metrics, "mentorbot_tick_seconds_count") >= 1
        assert _value(metrics, 'mentorbot_platform_connected{platform="console"}') == 1
        assert "nonsense" not in metrics
        checked = _mentorbot_health(tmp_path, port)
        assert checked.returncode == 0 and json.loads(checked.stdout)["status"] == "ok"
        _type(proc, "/quit")
        assert proc.wait(timeout=30) == 0
    finally:
        proc.kill()
        proc.wait()
    stderr = proc.stderr.read().decode()
    for pipe in (proc.stdin, proc.stdout, proc.stderr):
        pipe.close()
    assert "Traceback" not in stderr and "ERROR" not in stderr, stderr


def test_a_port_in_use_stops_the_start_with_one_line(tmp_path: Path):
    """MENTORBOT_OPS_PORT naming a port already taken: exit 2, the port named, no traceback."""
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with _start(tmp_path, port) as proc:
            _, err = proc.communicate(b"", timeout=60)
    assert proc.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err.decode()
    assert "Traceback" not in err.decode()


def test_health_without_a_server_exits_non_zero(tmp_path: Path):
    """`mentorbot health` with no port set says so (exit 2); with nothing listening, exit 1."""
    unset = _mentorbot_health(tmp_path, None)
    assert unset.returncode == 2 and "MENTORBOT_OPS_PORT is not set" in unset.stdout
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    nobody = _mentorbot_health(tmp_path, free)
    assert nobody.returncode == 1 and "nothing answers at http://127.0.0.1:" in nobody.stdout
