"""Neutral messages in and out: every adapter renders these in its platform's own way.

A `Message` maps to a Discord embed with buttons or a select, a Slack Block Kit message, or
numbered lines in the console. `Choice.action` and `Choice.value` come back to the core
unchanged as an `Action` when the member picks one; a submitted `Form` comes back the same way,
with the fields the member filled in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class Style(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


class Markup(StrEnum):
    """How a message's text is written. Lessons and replies are CommonMark: Discord renders it,
    Slack gets it converted (mrkdwn or its `markdown` block), the console prints it plainly."""

    MARKDOWN = "markdown"
    PLAIN = "plain"


@dataclass(frozen=True)
class Choice:
    """A button. With `url` it is a link button: it opens the address and never calls back."""

    label: str
    action: str = ""
    value: str = ""
    style: Style = Style.SECONDARY
    url: str | None = None


@dataclass(frozen=True)
class Option:
    label: str
    value: str
    description: str | None = None


@dataclass(frozen=True)
class Select:
    """A dropdown; the picked option's value comes back as `Action(action, value)`."""

    action: str
    options: tuple[Option, ...]
    placeholder: str = "Choose…"


@dataclass(frozen=True)
class Field:
    """A short labelled value (Discord embed field, Slack section field)."""

    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True)
class OutgoingFile:
    """A file sent with the message: a PNG chart, an exported archive."""

    name: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass(frozen=True)
class Message:
    body: str
    title: str | None = None
    choices: tuple[Choice, ...] = ()
    footer: str | None = None
    # Only the caller sees it (Discord ephemeral, Slack chat.postEphemeral).
    private: bool = False
    select: Select | None = None
    fields: tuple[Field, ...] = ()
    files: tuple[OutgoingFile, ...] = ()
    markup: Markup = Markup.MARKDOWN
    # An answer to a click replaces the message that was clicked (a quiz step replaces the
    # question) instead of adding one below it; elsewhere it is sent as a new message.
    replace: bool = False
    # A plain reply after this message (in its thread or DM, or the console's next line)
    # continues the conversation as a follow-up `/mentor ask`.
    follow_up: bool = False


@dataclass(frozen=True)
class TextInput:
    id: str
    label: str
    placeholder: str = ""
    required: bool = True
    long: bool = False
    default: str = ""
    max_length: int = 4000


@dataclass(frozen=True)
class FileInput:
    id: str
    label: str
    required: bool = True


@dataclass(frozen=True)
class Form:
    """A small form (Discord and Slack modals). Submitted, it comes back as
    `Action(action, value, fields=…, attachments=…)`."""

    action: str
    title: str
    inputs: tuple[TextInput | FileInput, ...]
    value: str = ""
    submit: str = "Submit"


@dataclass(frozen=True)
class Attachment:
    """A file a member or moderator sent with a command or a form; `read` fetches its bytes."""

    name: str
    size: int
    content_type: str
    read: Callable[[], Awaitable[bytes]] = field(repr=False, compare=False)


@dataclass(frozen=True)
class MessageRef:
    """Where a sent message lives, so it can be edited as an answer streams in."""

    platform: str
    channel_id: str
    message_id: str
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Action:
    """A member picked a `Choice` or an `Option`, or submitted a `Form`."""

    action: str
    value: str = ""
    fields: Mapping[str, str] = field(default_factory=dict, compare=False)
    attachments: tuple[Attachment, ...] = ()
    # The message that was clicked, where the platform says which.
    origin: MessageRef | None = None


@dataclass(frozen=True)
class Moment:
    """A point in time shown to a member: each platform writes it its own way (Discord
    timestamps show the reader's local time; Slack's date token too; the console the zone's)."""

    at: datetime
    timezone: str
