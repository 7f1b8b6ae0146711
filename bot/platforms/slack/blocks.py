"""Neutral messages and forms as Block Kit, within Slack's limits.

Every text goes through `safe_message` or `plain`/`to_mrkdwn` (which neutralise mentions) on
the way in, so nothing rendered here can broadcast, whoever wrote the message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.markup import split_text
from bot.core.messages import Choice, FileInput, Form, Message, Select, Style
from bot.core.safety import safe_message
from bot.platforms.slack import limits
from bot.platforms.slack.mrkdwn import escape, plain, to_mrkdwn

Block = dict[str, Any]
# A link button still sends a click to the app; this id says there is nothing to do.
LINK = "link"
_SEPARATOR = "#"
SHORTENED = "_…shortened: Slack shows at most this much in one message._"


@dataclass(frozen=True)
class Rendered:
    """One Slack message: the notification text and the blocks."""

    text: str
    blocks: list[Block]


def action_id(action: str, index: int | str) -> str:
    """Slack wants every action id in a message to differ, so the choice's place is added."""
    return f"{action}{_SEPARATOR}{index}"


def action_of(action_id_: str) -> str:
    return action_id_.rpartition(_SEPARATOR)[0] or action_id_


def render(message: Message, max_blocks: int = limits.MESSAGE_BLOCKS) -> list[Rendered]:
    """The message as one Slack message, or several when its text needs more blocks than one
    may hold (the buttons come with the last)."""
    message = safe_message(message)
    head, body, tail = _parts(message)
    blocks = head + body + tail
    text = _notification(message)
    if len(blocks) <= max_blocks:
        return [Rendered(text, blocks)]
    pages = [blocks[start : start + max_blocks] for start in range(0, len(blocks), max_blocks)]
    return [Rendered(text, page) for page in pages]


def render_one(message: Message, max_blocks: int = limits.MESSAGE_BLOCKS) -> Rendered:
    """The message as exactly one Slack message (an edit, a home tab), its text shortened if it
    does not fit."""
    message = safe_message(message)
    head, body, tail = _parts(message)
    room = max_blocks - len(head) - len(tail)
    if len(body) > room:
        body = [*body[: max(room - 1, 0)], _section(SHORTENED)]
    return Rendered(_notification(message), head + body + tail)


def _parts(message: Message) -> tuple[list[Block], list[Block], list[Block]]:
    head: list[Block] = []
    if message.title:
        head.append(
            {
                "type": "header",
                "text": _plain_text(message.title, limits.HEADER_CHARS),
            }
        )
    body = [_section(piece) for piece in split_text(to_mrkdwn(message.body), limits.SECTION_CHARS)]
    tail: list[Block] = []
    fields = [
        {
            "type": "mrkdwn",
            "text": _cut(f"*{to_mrkdwn(f.name)}*\n{to_mrkdwn(f.value)}", limits.FIELD_CHARS),
        }
        for f in message.fields
    ]
    for start in range(0, len(fields), limits.FIELDS_PER_SECTION):
        tail.append(
            {"type": "section", "fields": fields[start : start + limits.FIELDS_PER_SECTION]}
        )
    if message.footer:
        text = _cut(to_mrkdwn(message.footer), limits.CONTEXT_CHARS)
        tail.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
    buttons = [_button(choice, index) for index, choice in enumerate(message.choices)]
    for start in range(0, len(buttons), limits.BUTTONS_PER_BLOCK):
        tail.append(
            {"type": "actions", "elements": buttons[start : start + limits.BUTTONS_PER_BLOCK]}
        )
    if message.select is not None:
        tail.append({"type": "actions", "elements": [_select(message.select)]})
    return head, body, tail


def _notification(message: Message) -> str:
    """What a notification or a screen reader shows for the message."""
    return escape(_cut(plain(message.title or message.body or "mentorbot"), 300))


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _plain_text(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _cut(plain(text), limit) or " ", "emoji": True}


def _button(choice: Choice, index: int) -> Block:
    button: Block = {
        "type": "button",
        "text": _plain_text(choice.label, limits.BUTTON_CHARS),
        "action_id": action_id(LINK if choice.url else choice.action, index),
    }
    if choice.url:
        button["url"] = choice.url
    elif choice.value:
        button["value"] = choice.value[: limits.BUTTON_VALUE_CHARS]
    if choice.style != Style.SECONDARY:
        button["style"] = choice.style.value
    return button


def _select(select: Select) -> Block:
    options = []
    for option in select.options[: limits.OPTIONS_PER_SELECT]:
        entry: Block = {
            "text": _plain_text(option.label, limits.OPTION_CHARS),
            "value": option.value[: limits.OPTION_VALUE_CHARS],
        }
        if option.description:
            entry["description"] = _plain_text(option.description, limits.OPTION_CHARS)
        options.append(entry)
    return {
        "type": "static_select",
        "action_id": action_id(select.action, "select"),
        "placeholder": _plain_text(select.placeholder, limits.PLACEHOLDER_CHARS),
        "options": options,
    }


def modal(form: Form, private_metadata: str) -> dict[str, Any]:
    """A form as a modal; a title longer than a modal's goes above the inputs instead."""
    blocks: list[Block] = []
    title = plain(form.title)
    if len(title) > limits.MODAL_TITLE_CHARS:
        blocks.append(_section(f"*{to_mrkdwn(form.title)}*"))
        title = "mentorbot"
    for field in form.inputs:
        block: Block = {
            "type": "input",
            "block_id": field.id,
            "optional": not field.required,
            "label": _plain_text(field.label, limits.INPUT_LABEL_CHARS),
        }
        if isinstance(field, FileInput):
            block["element"] = {"type": "file_input", "action_id": field.id, "max_files": 1}
        else:
            element: Block = {
                "type": "plain_text_input",
                "action_id": field.id,
                "multiline": field.long,
                "max_length": min(field.max_length, limits.INPUT_MAX_LENGTH),
            }
            if field.default:
                element["initial_value"] = field.default
            if field.placeholder:
                element["placeholder"] = _plain_text(field.placeholder, limits.PLACEHOLDER_CHARS)
            block["element"] = element
        blocks.append(block)
    return {
        "type": "modal",
        "callback_id": form.action,
        "private_metadata": private_metadata[: limits.PRIVATE_METADATA_CHARS],
        "title": _plain_text(title, limits.MODAL_TITLE_CHARS),
        "submit": _plain_text(form.submit, limits.MODAL_TITLE_CHARS),
        "close": _plain_text("Cancel", limits.MODAL_TITLE_CHARS),
        "blocks": blocks,
    }


def home_view(message: Message) -> dict[str, Any]:
    return {"type": "home", "blocks": render_one(message, limits.VIEW_BLOCKS).blocks}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
