"""Start-up time: `mentorbot --help`, `content validate`, and the console's first prompt.

Each is a fresh process, timed from spawn to exit (the console gets `/quit` as its only input,
so its time covers imports, content loading, migrations and the first prompt). Prints one JSON
line with the median and worst of several runs, in milliseconds.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from bot.settings import ACTIVATING_VARIABLES

RUNS = 7


def _time(args: list[str], stdin: str, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return (time.perf_counter() - started) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "MENTORBOT_DATA_DIR": data_dir}
        for name in ACTIVATING_VARIABLES:
            env.pop(name, None)
        cases = {
            "help": (["--help"], ""),
            "content_validate": (["content", "validate"], ""),
            "console_first_prompt": (["run"], "/quit\n"),
        }
        result: dict[str, float] = {}
        for name, (args, stdin) in cases.items():
            _time(args, stdin, env)  # warm the file cache and run the first migration
            samples = [_time(args, stdin, env) for _ in range(RUNS)]
            result[f"{name}_median_ms"] = round(statistics.median(samples), 1)
            result[f"{name}_max_ms"] = round(max(samples), 1)
    print(json.dumps({"bench": "startup", **result}))


if __name__ == "__main__":
    main()
