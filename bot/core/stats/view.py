"""The `/mentor-admin stats` message: a short summary, with the chart attached."""

from __future__ import annotations

from datetime import datetime

from bot.core.messages import Message, OutgoingFile
from bot.core.stats.query import CommunityStats, PathStats

STOPS_SHOWN = 3


def stats_message(stats: CommunityStats, chart: bytes | None, now: datetime) -> Message:
    body = stats_summary(stats)
    if chart is None:
        body += "\nThe chart could not be drawn this time; the reason is in the bot's log."
    files = (
        (OutgoingFile(f"mentorbot-stats-{now:%Y-%m-%d}.png", chart, "image/png"),)
        if chart is not None
        else ()
    )
    return Message(
        title="Community stats",
        body=body,
        files=files,
        footer="`mentorbot stats --csv DIR` exports the tables behind these numbers.",
        private=True,
    )


def stats_summary(stats: CommunityStats) -> str:
    lines = [
        f"Members: {stats.members} ({stats.paused} paused, {stats.held} held for pacing, "
        f"{stats.unreachable} unreachable)",
        f"Active learners (marked an item done or asked the mentor): {stats.active_7} in the "
        f"last 7 days, {stats.active_30} in the last 30",
        "Paths: " + (" · ".join(_path(path) for path in stats.paths) or "none loaded"),
    ]
    stops = [line for path in stats.paths if (line := _stops(path))]
    if stops:
        lines.append("Where members are now (the item they have not marked done yet):")
        lines.extend(stops)
    lines.append(
        f"Mentor, last 30 days: {stats.questions} questions · 👍 {stats.helpful} · "
        f"👎 {stats.unhelpful}"
    )
    if stats.unsure_topics:
        lines.append(
            "Unsure about (lessons worth writing): "
            + ", ".join(f"{topic} ({count})" for topic, count in stats.unsure_topics)
        )
    if stats.unreachable_members:
        lines.append("Cannot be DMed (they see this in `/mentor progress`):")
        lines.extend(
            f"• {name} ({platform}): {reason or 'the platform refused the DM'}"
            for name, platform, reason in stats.unreachable_members
        )
    return "\n".join(lines)


def _path(path: PathStats) -> str:
    finished = f" ({path.finished} finished)" if path.finished else ""
    return f"{path.title} {path.members}{finished}"


def _stops(path: PathStats) -> str | None:
    busiest = sorted((s for s in path.steps if s.current), key=lambda s: (-s.current, s.day))
    if not busiest:
        return None
    shown = ", ".join(f"day {s.day} {s.title} ({s.current})" for s in busiest[:STOPS_SHOWN])
    return f"• {path.title}: {shown}"
