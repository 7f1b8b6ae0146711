"""`mentorbot stats --csv`: every table a moderator needs, whole, and no member's own words."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.core.db import create_engine
from bot.core.services import Services
from bot.core.stats.export import EXPORTS, export_csv


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


async def test_the_export_writes_each_table_with_its_rows(
    seeded: Services, database_url: str, tmp_path: Path
):
    """Seven files with the seeded rows; times in ISO 8601 UTC; no question text or thread."""
    engine = create_engine(database_url)
    try:
        out = tmp_path / "export"
        out.mkdir()
        written = await export_csv(engine, out)
    finally:
        await engine.dispose()
    counts = {path.name: rows for path, rows in written}
    explorer = len(seeded.content.current.path("explorer").items)
    assert counts == {
        "members.csv": 6,
        "enrollments.csv": 6,
        "completions.csv": 5 + explorer,
        "deliveries.csv": 0,
        "questions.csv": 5,
        "pauses.csv": 0,
        "quiz_attempts.csv": 0,
    }
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPORTS)
    members = read(out / "members.csv")
    assert [m["user_id"] for m in members] == ["ada", "bo", "cy", "di", "ed", "fa"]
    assert members[2]["status_reason"] == "DMs closed"
    assert members[0]["created_at"].endswith("+00:00")
    questions = read(out / "questions.csv")
    assert "question" not in questions[0] and "answer" not in questions[0]
    assert "conversation_id" not in questions[0]
    assert [q["topic"] for q in questions] == ["rag", "", "gpu", "", "rag"]
    assert questions[0]["unsure"] == "true" and questions[0]["feedback"] == "-1"
    text = "".join(path.read_text(encoding="utf-8") for path, _ in written)
    assert "private words" not in text and "an answer" not in text
