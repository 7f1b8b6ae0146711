"""Neutral outgoing messages: every adapter renders these in its platform's own way.

A `Message` maps to a Discord embed with buttons or a select, a Slack Block Kit message, or
numbered lines in the console. `Choice.action` and `Choice.value` come back to the core
unchanged as an `Action` when the member picks one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Style(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True)
class Choice:
    label: str
    action: str
    value: str = ""
    style: Style = Style.SECONDARY


@dataclass(frozen=True)
class Message:
    body: str
    title: str | None = None
    choices: tuple[Choice, ...] = ()
    footer: str | None = None
    # Only the caller sees it (Discord ephemeral, Slack chat.postEphemeral).
    private: bool = False
    # Many choices read better as a dropdown (Discord select, Slack static_select).
    as_select: bool = False
    # A plain reply after this message (in its thread or DM, or the console's next line)
    # continues the conversation as a follow-up `/mentor ask`.
    follow_up: bool = False


@dataclass(frozen=True)
class Action:
    """A member picked a `Choice`."""

    action: str
    value: str = ""


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be edited as an answer streams in."""

    platform: str
    channel_id: str
    message_id: str
    extra: dict[str, str] = field(default_factory=dict)
