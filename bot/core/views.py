"""Neutral messages for lessons, placement and progress; adapters decide how they look."""

from __future__ import annotations

from bot.core.content import Item, LearningPath
from bot.core.messages import Choice, Message, Style
from bot.core.placement import Placement
from bot.core.progress import Progress


def item_message(item: Item, path: LearningPath, heading: str | None = None) -> Message:
    kind = "Project" if item.is_project else "Lesson"
    if item.is_project:
        how = f"Hand it in with `/mentor done <link>`: {item.deliverable}"
    else:
        how = "When you have worked through it: `/mentor done`"
    title = f"Day {item.day} · {kind}: {item.title}"
    body = item.body if heading is None else f"*{heading}*\n\n{item.body}"
    return Message(
        title=title,
        body=body,
        footer=f"{path.title} path · day {item.day} of {len(path.items)} · about "
        f"{duration_text(item.minutes)} · {how}",
        choices=(Choice("Mark done", "done", style=Style.PRIMARY),),
    )


def duration_text(minutes: int) -> str:
    """'45 min', '2 h' or '1 h 30 min': long estimates read better in hours."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def nudge_message(path: LearningPath, waiting: int) -> Message:
    """Sent once instead of the next item when the member has fallen behind."""
    return Message(
        title="Your lessons are waiting for you",
        body=f"You have {waiting} items on the {path.title} path that are not marked done yet, "
        "so I am holding the next ones instead of piling them up.\n\n"
        "Pick up where you left off with `/mentor today`, and mark each one with "
        "`/mentor done` when you have worked through it. Deliveries carry on from there.",
        footer="Need a break instead? `/mentor pause` stops deliveries until `/mentor resume`.",
        choices=(Choice("Show where I am", "today", style=Style.PRIMARY),),
    )


def placement_message(placement: Placement, path: LearningPath, schedule: str) -> Message:
    if placement.decided:
        intro = "**Placed because:**\n" + "\n".join(f"• {r}" for r in placement.reasons)
    else:
        intro = (
            "Your answers pulled both ways, so the Explorer path lets you try both kinds of work "
            "for a few days before you choose.\n" + "\n".join(f"• {r}" for r in placement.reasons)
        )
    scores = " · ".join(f"{name} {score}" for name, score in placement.scores.items())
    body = (
        f"{intro}\n\n{path.description}\n\n"
        f"A new item arrives by DM at {schedule}. Change that with `/mentor schedule`."
    )
    return Message(
        title=f"You're on the {path.title} path",
        body=body,
        footer=f"Quiz scores: {scores} · `/mentor paths` lists every path",
        choices=(
            Choice("Read today's lesson", "today", style=Style.PRIMARY),
            Choice("See all paths", "paths"),
        ),
    )


def progress_message(report: Progress, status_line: str, schedule: str) -> Message:
    width = 20
    filled = round(width * report.done / report.total) if report.total else 0
    bar = "█" * filled + "░" * (width - filled)
    lines = [
        f"`{bar}` {report.done}/{report.total} done",
        f"Streak: {report.streak} day{'s' if report.streak != 1 else ''}",
    ]
    if report.current is not None:
        lines.append(f"Up next: day {report.current.day}, {report.current.title}")
    else:
        lines.append("You have finished this path. `/mentor paths` to choose another.")
    lines.append(f"Deliveries: {status_line}, {schedule}")
    if report.project_links:
        lines.append("Projects handed in:")
        lines.extend(f"• {title}: {link}" for title, link in report.project_links)
    return Message(title=f"Your progress on the {report.path.title} path", body="\n".join(lines))
