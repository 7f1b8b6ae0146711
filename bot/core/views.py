"""Neutral messages for lessons, placement and progress; adapters decide how they look."""

from __future__ import annotations

from bot.core.actions import Act
from bot.core.content import ContentSet, Item, LearningPath
from bot.core.enrollment import DoneResult
from bot.core.markup import moment_token
from bot.core.messages import Choice, Field, Message, Moment, Style
from bot.core.models import MemberStatus
from bot.core.placement import Placement
from bot.core.progress import Progress

STATUS_TEXT = {
    MemberStatus.ACTIVE: "on",
    MemberStatus.PAUSED: "paused (`/mentor resume` to restart them)",
    MemberStatus.UNREACHABLE: "stopped: I could not DM you. Allow DMs from this server or app, "
    "then run `/mentor resume`",
    MemberStatus.HELD: "on hold: a few items are waiting for you. Mark them with `/mentor done` "
    "(or open one with `/mentor today`) and deliveries carry on",
}


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
        f"{_duration(item.minutes)} · {how}",
        choices=(
            # The item's id rides along, so an old DM's button marks its own lesson.
            Choice("Mark done", Act.DONE, item.id, Style.PRIMARY),
            Choice("Ask about this", Act.ASK_ABOUT, item.id),
            Choice("Snooze a day", Act.SNOOZE),
        ),
    )


def _duration(minutes: int) -> str:
    if minutes < 90:
        return f"{minutes} min"
    hours = minutes / 60
    return f"{hours:.0f} hours" if hours >= 2 else f"{hours:.1f} hours"


def nudge_message(path: LearningPath, waiting: int) -> Message:
    """Sent once instead of the next item when the member has fallen behind."""
    return Message(
        title="Your lessons are waiting for you",
        body=f"You have {waiting} items on the {path.title} path that are not marked done yet, "
        "so I am holding the next ones instead of piling them up.\n\n"
        "Pick up where you left off with `/mentor today`, and mark each one with "
        "`/mentor done` when you have worked through it. Deliveries carry on from there.",
        footer="Need a break instead? `/mentor pause` stops deliveries until `/mentor resume`.",
        choices=(Choice("Show where I am", Act.TODAY, style=Style.PRIMARY),),
    )


def placement_message(placement: Placement, path: LearningPath, schedule: str) -> Message:
    if placement.decided:
        intro = "**Placed because:**\n" + "\n".join(f"• {r}" for r in placement.reasons)
    else:
        intro = (
            "Your answers pulled both ways, so the Explorer path lets you try both kinds of work "
            "for a few days before you choose.\n" + "\n".join(f"• {r}" for r in placement.reasons)
        )
    body = (
        f"{intro}\n\n{path.description}\n\n"
        f"A new item arrives by DM at {schedule}. Change that with `/mentor schedule`."
    )
    return Message(
        title=f"You're on the {path.title} path",
        body=body,
        footer="`/mentor paths` lists every path",
        choices=(
            Choice("Read today's lesson", Act.TODAY, style=Style.PRIMARY),
            Choice("See all paths", Act.PATHS),
        ),
        replace=True,
    )


def unreachable_message(reason: str | None) -> Message:
    """Told once, at the next command, when the member's lesson DMs were refused."""
    why = reason or "the platform refused the message"
    return Message(
        title="I could not send you your lessons",
        body=f"Your daily lesson did not arrive: {why}.\n\nDeliveries are stopped for now. "
        "Allow direct messages from this server or app, then run `/mentor resume` and they "
        "start again.",
        choices=(Choice("Resume deliveries", Act.RESUME, style=Style.PRIMARY),),
        private=True,
    )


def finished_path_message() -> Message:
    return Message(
        title="Path finished",
        body="You have worked through every item on your path. "
        "`/mentor progress` shows what you handed in; "
        "`/mentor paths` lists the other paths.",
    )


def hand_in_message(item: Item, without_link: str) -> Message:
    """A project marked done with no link, where the platform has no form to ask for one."""
    return Message(
        title=f"Hand in {item.title}",
        body=f"Projects are handed in with their link: `/mentor done <link>`, for example "
        f"`/mentor done https://github.com/you/project`.\n\nWhat to hand in: {item.deliverable}",
        choices=(Choice("Mark done without a link", Act.DONE, without_link),),
    )


def done_message(
    content: ContentSet,
    path: LearningPath,
    result: DoneResult,
    handed_in: bool,
    link_given: bool,
    last_sent_item_id: str | None,
    when: Moment | None,
) -> Message:
    position = path.items.index(result.done) + 1
    if result.already:
        lines = [f"**{result.done.title}** was already marked done."]
    else:
        lines = [f"Marked **{result.done.title}** done ({position}/{len(path.items)})."]
        if handed_in:
            lines[0] += " Your link is saved with your progress."
        elif link_given:
            lines.append("Links are kept for projects only; this lesson is done without it.")
    if result.next is None:
        lines.append(f"That was the last item. You have finished the {path.title} path!")
        others = [p for p in content.paths.values() if p.id != path.id]
        if others:
            lines.append("Where next? Pick a path, or `/mentor join <path>` later.")
        return Message(
            title="Well done",
            body="\n".join(lines),
            choices=tuple(Choice(f"Join {p.title}", Act.JOIN, p.id) for p in others),
        )
    if _already_sent(path, last_sent_item_id, result.next):
        later = "it is already in your DMs, and `/mentor today` shows it again."
    elif when:
        later = f"it arrives {moment_token(when)}, or read it now with `/mentor today`."
    else:
        later = "read it now with `/mentor today`."
    lines.append(f"Next: day {result.next.day}, **{result.next.title}**: {later}")
    return Message(
        title="Well done" if not result.already else "Already done",
        body="\n".join(lines),
        choices=(Choice("Read the next one now", Act.TODAY, style=Style.PRIMARY),),
    )


def _already_sent(path: LearningPath, last_sent_item_id: str | None, upcoming: Item) -> bool:
    """Whether the next item went out by DM before the member got to it."""
    if last_sent_item_id is None:
        return False
    ids = [item.id for item in path.items]
    return last_sent_item_id in ids and ids.index(upcoming.id) <= ids.index(last_sent_item_id)


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def progress_message(
    report: Progress,
    status: MemberStatus,
    reason: str | None,
    schedule: str,
    when: Moment | None,
) -> Message:
    deliveries = STATUS_TEXT.get(status, status)
    if status == MemberStatus.UNREACHABLE and reason:
        deliveries += f" ({reason})"
    lines = [f"`{progress_bar(report.done, report.total)}` {report.done}/{report.total} done"]
    if report.current is not None:
        lines.append(f"Up next: day {report.current.day}, {report.current.title}")
    else:
        lines.append("You have finished this path. `/mentor paths` to choose another.")
    if report.projects:
        lines.append(f"Projects handed in: {report.projects_done} of {report.projects}")
        lines.extend(f"• {title}: {link}" for title, link in report.project_links)
    fields = [
        Field("Streak", _days(report.streak)),
        Field("Best streak", _days(report.best_streak)),
        Field("Deliveries", deliveries, inline=False),
        Field("Schedule", schedule, inline=False),
    ]
    if when is not None:
        fields.append(Field("Next delivery", moment_token(when), inline=False))
    return Message(
        title=f"Your progress on the {report.path.title} path",
        body="\n".join(lines),
        fields=tuple(fields),
        footer="Days off your schedule and paused days never break a streak.",
    )


def home_message(
    report: Progress | None,
    status: MemberStatus | None,
    schedule: str | None,
    when: Moment | None,
) -> Message:
    """The member's home page (Slack's App Home): their path at a glance and what to do next."""
    if report is None:
        return Message(
            title="Welcome to mentorbot",
            body="A short placement quiz puts you on a path: AI engineer (build products on "
            "existing models), ML engineer (train and ship models), or Explorer if you are "
            "undecided. Then one lesson or project arrives by DM each day at your time.\n\n"
            "`/mentor help` lists every command.",
            choices=(
                Choice("Take the placement quiz", Act.START, style=Style.PRIMARY),
                Choice("See the paths", Act.PATHS),
            ),
        )
    lines = [f"`{progress_bar(report.done, report.total)}` {report.done}/{report.total} done"]
    if report.current is not None:
        lines.append(f"Up next: day {report.current.day}, **{report.current.title}**")
    else:
        lines.append("You have finished this path. `/mentor paths` to choose another.")
    if status is not None and status != MemberStatus.ACTIVE:
        lines.append(f"Deliveries are {STATUS_TEXT.get(status, status)}.")
    fields = [Field("Next lesson", moment_token(when) if when else "nothing scheduled")]
    if schedule:
        fields.append(Field("Schedule", schedule))
    fields.append(Field("Streak", _days(report.streak)))
    paused = status == MemberStatus.PAUSED
    return Message(
        title=f"Your {report.path.title} path",
        body="\n".join(lines),
        fields=tuple(fields),
        choices=(
            Choice("Today's lesson", Act.TODAY, style=Style.PRIMARY),
            Choice("Resume deliveries", Act.RESUME)
            if paused
            else Choice("Pause deliveries", Act.PAUSE),
            Choice("Change schedule", Act.SCHEDULE),
        ),
    )
