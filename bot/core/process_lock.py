"""One `mentorbot run` per SQLite file.

SQLite has no `FOR UPDATE SKIP LOCKED`, so the delivery claims are only safe inside one process.
A second process on the same file would race the first for the same due members; instead it is
refused at start. Several workers need PostgreSQL (see docs/delivery.md).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from bot.core.db import sqlite_file


class AlreadyRunning(Exception):
    def __init__(self, database: Path, holder: str) -> None:
        who = f" (process {holder})" if holder else ""
        super().__init__(
            f"Another mentorbot is already running on {database}{who}. SQLite serves one bot "
            "process at a time: stop the other one first, or point DATABASE_URL at PostgreSQL "
            "to run several workers on one database."
        )


class ProcessLock:
    """An exclusive lock on the database file itself, held until `release` or the process ends.

    Locking the file rather than a name beside it means every name for it (a hard link, a
    symlink, another mount path) meets the same lock. It is a flock, which Linux keeps apart
    from the byte-range locks SQLite takes. Release it only after the engine is disposed: closing
    any descriptor of a file drops the byte-range locks this process holds on it.
    """

    def __init__(self, database: Path) -> None:
        self.database = database
        # Says who holds the lock, for the message a second process prints.
        self.pid_file = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> ProcessLock:
        self.database.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.database, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # The kernel drops a flock when its holder dies, so a crash leaves nothing stale.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(self.database, self._holder()) from None
        self._fd = fd
        with contextlib.suppress(OSError):
            self.pid_file.write_text(str(os.getpid()))
        return self

    def _holder(self) -> str:
        try:
            return self.pid_file.read_text()[:32].strip()
        except (OSError, UnicodeDecodeError):
            return ""

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_sqlite(url: str) -> ProcessLock | None:
    """Take the SQLite file's lock; None for PostgreSQL, where many workers are fine."""
    file = sqlite_file(url)
    return None if file is None else ProcessLock(file.resolve()).acquire()
