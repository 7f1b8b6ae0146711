"""What the Slack adapter itself says, beside the core's answers."""

from __future__ import annotations

from bot.core.commands import Command, Kind
from bot.core.messages import Message


def answer_in_dm() -> Message:
    return Message(
        body="My answer is in our DM: open mentorbot's *Messages* tab.",
        private=True,
    )


def file_needs_a_command(commands: list[Command]) -> Message:
    """A file shared in the DM with no command that takes it."""
    taking = [c for c in commands if any(p.kind == Kind.ATTACHMENT for p in c.params)]
    if not taking:
        return Message(body="I don't take files here. `/mentor help` lists what I can do.")
    examples = ", ".join(f"`{c.group} {c.name}`" for c in taking)
    return Message(
        body="To give me a file, write the command it is for as the file's message, for "
        f"example {examples}."
    )
