"""What moderators and the community read about publishing: outcomes, history, previews."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from bot.core.actions import Act
from bot.core.content import ContentSet, Item, LearningPath, Problem
from bot.core.markup import split_text
from bot.core.messages import Choice, Message, Style
from bot.core.models import ContentRevision
from bot.core.publishing.merge import Checked
from bot.core.publishing.revisions import describe
from bot.core.views import item_message

# Discord shows 4,096 characters in an embed; every problem is shown, over several messages.
PROBLEMS_PER_MESSAGE_CHARS = 3500
ORIGINS = {"directory": "imported", "publish": "published", "rollback": "rolled back"}
CONFIRM = "confirm"
CANCEL = "cancel"


def problem_lines(problems: Sequence[Problem]) -> str:
    return "\n".join(f"• {problem}" for problem in problems)


def refused_messages(checked: Checked) -> list[Message]:
    """Every problem with its file and line; nothing was changed."""
    count = len(checked.problems)
    text = (
        f"{problem_lines(checked.problems)}\n\nNothing was changed. Fix the file(s) and send "
        "them again."
    )
    parts = split_text(text, PROBLEMS_PER_MESSAGE_CHARS)
    title = f"{checked.upload.name}: {count} problem(s), not published"
    return [
        Message(
            title=title if i == 0 else f"{title} ({i + 1}/{len(parts)})", body=part, private=True
        )
        for i, part in enumerate(parts)
    ]


def unchanged_message(name: str) -> Message:
    return Message(
        body=f"{name} matches the live content: there is nothing to publish.", private=True
    )


def confirm_message(checked: Checked, token: str) -> Message:
    """A valid upload, waiting for the moderator to say publish."""
    return Message(
        title=f"{checked.upload.name} is valid",
        body=f"Publishing it would: {describe(checked.changes)}.\n\n"
        "Members keep their place: an edited item arrives in its new form, a removed one is "
        "skipped, and an item added before where someone is does not reach them.",
        choices=(
            Choice("Publish", Act.PUBLISH, f"{CONFIRM}:{token}", Style.PRIMARY),
            Choice("Cancel", Act.PUBLISH, f"{CANCEL}:{token}"),
        ),
        private=True,
    )


def cancelled_message(name: str) -> Message:
    return Message(body=f"Not published: {name} was put aside.", private=True, replace=True)


def published_message(revision: ContentRevision, replace: bool = False) -> Message:
    return Message(
        title=f"Published as revision {revision.version}",
        body=f"{revision.summary}.\n\nEvery running process uses it within a minute. "
        f"`/mentor-admin rollback {revision.version - 1}` undoes it.",
        private=True,
        replace=replace,
    )


def rolled_back_message(revision: ContentRevision | None, version: int) -> Message:
    if revision is None:
        return Message(body=f"Revision {version}'s content is already in use.", private=True)
    return Message(
        title=f"Back to revision {version}'s content",
        body=f"Stored as revision {revision.version}: {revision.summary}.",
        private=True,
    )


def revision_line(version: int, by: str, at: datetime, origin: str, summary: str) -> str:
    """One revision: its number first, then who, when and what changed."""
    return f"{version}  {by}  {at:%Y-%m-%d %H:%M} UTC  {ORIGINS.get(origin, origin)}: {summary}"


def history_message(rows: Sequence) -> Message:
    lines = [revision_line(*row) for row in rows] or ["No revisions yet."]
    return Message(
        title="Content history, newest first",
        body="```\n" + "\n".join(lines) + "\n```\n`/mentor-admin rollback <n>` brings back "
        "revision n's content as a new revision.",
        private=True,
    )


def preview_message(item: Item, path: LearningPath) -> Message:
    """The item as a member gets it, shown only to the moderator and without its buttons."""
    message = item_message(item, path)
    return dataclasses.replace(
        message,
        choices=(),
        private=True,
        footer=f"{message.footer}\nPreview: members get this with Mark done, Ask about this and "
        "Snooze buttons.",
    )


def new_items_message(items: Sequence[Item], content: ContentSet) -> Message:
    lines = []
    for item in items:
        path = content.path(item.path_id)
        where = f"{path.title} path, day {item.day}" if path else item.path_id
        kind = "project" if item.is_project else "lesson"
        lines.append(f"• **{item.title}** (new {kind}, {where})")
    return Message(
        title="New on mentorbot",
        body="\n".join(lines) + "\n\nMembers on these paths get them as they reach them; "
        "`/mentor start` to join a path.",
    )
