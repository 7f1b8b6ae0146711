"""One `mentorbot run` per SQLite file.

SQLite has no `FOR UPDATE SKIP LOCKED`, so the delivery claims are only safe inside one process.
A second process on the same file would race the first for the same due members; instead it is
refused at start. Several workers need PostgreSQL (see docs/delivery.md).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy.engine import make_url


class AlreadyRunning(Exception):
    def __init__(self, database: Path, holder: str) -> None:
        who = f" (process {holder})" if holder else ""
        super().__init__(
            f"Another mentorbot is already running on {database}{who}. SQLite serves one bot "
            "process at a time: stop the other one first, or point DATABASE_URL at PostgreSQL "
            "to run several workers on one database."
        )


class ProcessLock:
    """An exclusive lock on `<database>.lock`, held until `release` or the process ends."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> ProcessLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            # The kernel drops a flock when its holder dies, so a crash leaves nothing stale.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip()
            os.close(fd)
            raise AlreadyRunning(self.database, holder) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def lock_sqlite(url: str) -> ProcessLock | None:
    """Take the SQLite file's lock; None for PostgreSQL, where many workers are fine."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return ProcessLock(Path(parsed.database).resolve()).acquire()
