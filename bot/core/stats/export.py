"""`mentorbot stats --csv DIR`: the tables behind the stats, one CSV file each.

Moderators get what they need to count and follow members' learning, and no more: no
question or answer text (members wrote those to the mentor, not to the moderators), no
conversation or thread ids, no quiz answers, and nothing from the settings. Times are UTC, in
ISO 8601. Each file is written beside its final name and renamed into place when complete, so
a file that exists is whole.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.models import (
    Completion,
    Delivery,
    Enrollment,
    Member,
    MemberPause,
    Question,
    QuizAttempt,
)

# file name -> (table, the columns exported, in this order)
EXPORTS: dict[str, tuple[Table, tuple[str, ...]]] = {
    "members.csv": (
        Member.__table__,
        (
            "id",
            "platform",
            "workspace_id",
            "user_id",
            "display_name",
            "timezone",
            "delivery_time",
            "delivery_days",
            "status",
            "status_reason",
            "created_at",
            "updated_at",
            "next_due_at",
        ),
    ),
    "enrollments.csv": (
        Enrollment.__table__,
        (
            "id",
            "member_id",
            "path_id",
            "current_item_id",
            "last_sent_item_id",
            "status",
            "started_at",
            "ended_at",
        ),
    ),
    "completions.csv": (
        Completion.__table__,
        ("id", "member_id", "path_id", "item_id", "link", "completed_at"),
    ),
    "deliveries.csv": (
        Delivery.__table__,
        (
            "id",
            "member_id",
            "path_id",
            "item_id",
            "kind",
            "status",
            "scheduled_at",
            "sent_at",
            "attempts",
            "last_error",
        ),
    ),
    "questions.csv": (
        Question.__table__,
        (
            "id",
            "member_id",
            "created_at",
            "model",
            "input_tokens",
            "output_tokens",
            "cache_read_tokens",
            "cache_write_tokens",
            "unsure",
            "topic",
            "feedback",
            "citations",
        ),
    ),
    "pauses.csv": (MemberPause.__table__, ("id", "member_id", "started_at", "ended_at")),
    "quiz_attempts.csv": (
        QuizAttempt.__table__,
        ("id", "member_id", "path_id", "started_at", "finished_at"),
    ),
}


async def export_csv(engine: AsyncEngine, directory: Path) -> list[tuple[Path, int]]:
    """Write every table of EXPORTS into the existing `directory`; returns each file and its
    row count. Rows stream from the database, so a large table never sits in memory."""
    written = []
    async with engine.connect() as conn:
        for name, (table, columns) in EXPORTS.items():
            query = select(*(table.c[column] for column in columns)).order_by(table.c.id)
            with _CsvFile(directory, name, columns) as out:
                async for row in await conn.stream(query):
                    out.write(row)
            written.append((out.target, out.rows))
    return written


class _CsvFile:
    """A CSV file that appears under its name only once it is complete."""

    def __init__(self, directory: Path, name: str, columns: tuple[str, ...]) -> None:
        self.target = directory / name
        self._partial = directory / f".{name}.part"
        self._columns = columns
        self.rows = 0

    def __enter__(self) -> _CsvFile:
        self._file = self._partial.open("w", newline="", encoding="utf-8")
        self._writer = csv.writer(self._file)
        self._writer.writerow(self._columns)
        return self

    def write(self, row) -> None:
        self._writer.writerow([_cell(value) for value in row])
        self.rows += 1

    def __exit__(self, kind, error, trace) -> None:
        self._file.close()
        if kind is None:
            self._partial.replace(self.target)
        else:
            self._partial.unlink(missing_ok=True)


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return "" if value is None else value
