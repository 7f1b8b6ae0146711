"""The SDK is imported only when a key is set, so the console and the CLI start fast."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import asyncio, sys
from bot.app import build_app
from bot.core.clock import SystemClock
from bot.settings import Settings

async def main():
    app = await build_app(Settings(_env_file=None), SystemClock())
    await app.close()

asyncio.run(main())
print("anthropic" in sys.modules)
"""


def _run(tmp_path, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}
    clean.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'imports.db'}", **env)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=clean, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_no_key_no_sdk(tmp_path):
    """Without ANTHROPIC_API_KEY, building the whole app never imports anthropic."""
    assert _run(tmp_path) == "False"


def test_key_brings_the_sdk(tmp_path):
    """With a key, the app imports the SDK to talk to Claude."""
    assert _run(tmp_path, ANTHROPIC_API_KEY="test-key") == "True"
