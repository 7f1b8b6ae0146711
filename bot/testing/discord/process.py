"""`mentorbot` started as a user starts it, as a child process pointed at the stand-in Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import IO

from bot.settings import ACTIVATING_VARIABLES, DEFAULT_CONTENT_DIR
from bot.testing.discord.server import FakeDiscord


def bot_env(fake: FakeDiscord, database: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ACTIVATING_VARIABLES}
    env.update(fake.env())
    env.update(
        {
            # The bot also starts in this folder, so no .env of the developer's is read.
            "MENTORBOT_DATA_DIR": str(database.parent),
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "MENTORBOT_CONTENT_DIR": str(DEFAULT_CONTENT_DIR),
            "MENTORBOT_LOG_LEVEL": "INFO",
            **extra,
        }
    )
    return env


async def mentorbot(env: dict[str, str], *args: str) -> tuple[int, str, str]:
    """Run a `mentorbot` command to its end: exit code, stdout, stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        env=env,
        cwd=env["MENTORBOT_DATA_DIR"],
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


class BotProcess:
    """`mentorbot run` (or another command) in the background until `stop` sends it SIGTERM."""

    def __init__(self, env: dict[str, str], log: Path, command: list[str] | None = None) -> None:
        self.env = env
        # What follows `python`: `-m bot run` unless a benchmark wraps it.
        self.command = command or ["-m", "bot", "run"]
        # A file, not a pipe: a pipe nobody reads while the bot runs would fill and block it.
        self.log = log
        self.process: asyncio.subprocess.Process | None = None
        self._file: IO[str] | None = None

    def _output(self) -> IO[str]:
        self._file = self.log.open("a")
        return self._file

    async def spawn(self) -> BotProcess:
        """Start the process and return at once (`mentorbot worker` opens no gateway)."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.command,
            env=self.env,
            cwd=self.env["MENTORBOT_DATA_DIR"],
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=self._output(),
        )
        return self

    async def start(self, fake: FakeDiscord) -> BotProcess:
        """Start the process and return once it has identified on the gateway."""
        before = len(fake.gateway.identified)
        await self.spawn()
        assert self.process is not None
        waiting = asyncio.ensure_future(
            fake.wait_for(lambda: len(fake.gateway.identified) > before, "IDENTIFY", 30)
        )
        exited = asyncio.ensure_future(self.process.wait())
        await asyncio.wait({waiting, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done():
            waiting.cancel()
            raise AssertionError(f"mentorbot run exited early:\n{self.log.read_text()}")
        exited.cancel()
        await waiting
        await fake.gateway.connected()
        return self

    async def stop(self) -> tuple[int, str]:
        """SIGTERM, as a supervisor stops it: the exit code and everything it logged."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            await self.process.wait()
        if self._file is not None:
            self._file.close()
        return self.process.returncode or 0, self.log.read_text()
