"""Buttons, selects and forms whose custom id carries the core's action and value.

Nothing about a component is kept in memory: a click is dispatched by its custom id alone
(discord.py `DynamicItem`), so a button in a week-old DM still works after a restart. Forms
(modals) are read from the submission the same way, in `read_form`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

import discord
from discord.ui import DynamicItem

from bot.core.messages import Attachment, FileInput, Form, TextInput
from bot.platforms.discord import limits
from bot.platforms.discord.limits import cut

# "mb" a button, "ms" a select, "mf" a form; a digit after the prefix keeps two equal
# buttons in one message apart (Discord wants custom ids unique per message).
BUTTON_ID = re.compile(r"mb\d*:(?P<action>[a-z0-9-]+):(?P<value>.*)", re.S)
SELECT_ID = re.compile(r"ms\d*:(?P<action>[a-z0-9-]+)")
FORM_ID = re.compile(r"mf:(?P<action>[a-z0-9-]+):(?P<value>.*)", re.S)


class ChoiceHandler(Protocol):
    async def choice(self, interaction: discord.Interaction, action: str, value: str) -> None: ...


def _handler(interaction: discord.Interaction) -> ChoiceHandler:
    # The client carries the adapter's interaction handler (bot.platforms.discord.client).
    return interaction.client.interactions  # type: ignore[attr-defined]


def _checked(custom_id: str) -> str:
    if len(custom_id) > limits.CUSTOM_ID:
        raise ValueError(
            f"custom id {custom_id[:40]!r}… is {len(custom_id)} characters; Discord takes "
            f"{limits.CUSTOM_ID}: shorten the choice's value"
        )
    return custom_id


def button_id(action: str, value: str, copy: int = 0) -> str:
    return _checked(f"mb{copy or ''}:{action}:{value}")


def select_id(action: str, copy: int = 0) -> str:
    return _checked(f"ms{copy or ''}:{action}")


def form_id(action: str, value: str) -> str:
    return _checked(f"mf:{action}:{value}")


class ChoiceButton(DynamicItem[discord.ui.Button], template=BUTTON_ID):
    """A `Choice`: its click comes back to the core as `Action(action, value)`."""

    def __init__(self, button: discord.ui.Button, action: str, value: str) -> None:
        super().__init__(button)
        self.action = action
        self.value = value

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ) -> ChoiceButton:
        return cls(item, match["action"], match["value"])  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction) -> None:
        await _handler(interaction).choice(interaction, self.action, self.value)


class ChoiceSelect(DynamicItem[discord.ui.Select], template=SELECT_ID):
    """A `Select`: the picked option's value comes back as `Action(action, value)`."""

    def __init__(self, select: discord.ui.Select, action: str) -> None:
        super().__init__(select)
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str]
    ) -> ChoiceSelect:
        return cls(item, match["action"])  # type: ignore[arg-type]

    async def callback(self, interaction: discord.Interaction) -> None:
        values = (interaction.data or {}).get("values") or [""]
        await _handler(interaction).choice(interaction, self.action, str(values[0]))


DYNAMIC_ITEMS = (ChoiceButton, ChoiceSelect)


def form_modal(form: Form) -> discord.ui.Modal:
    """The form as a modal; its submission is read back by `read_form`, never by this object."""
    modal = discord.ui.Modal(
        title=cut(form.title, limits.MODAL_TITLE),
        custom_id=form_id(form.action, form.value),
        timeout=None,
    )
    for field in form.inputs[: limits.MODAL_INPUTS]:
        if isinstance(field, TextInput):
            component: discord.ui.Item = discord.ui.TextInput(
                custom_id=field.id,
                placeholder=cut(field.placeholder, limits.INPUT_PLACEHOLDER) or None,
                required=field.required,
                style=discord.TextStyle.long if field.long else discord.TextStyle.short,
                default=field.default[: limits.INPUT_VALUE] or None,
                max_length=min(field.max_length, limits.INPUT_VALUE),
            )
        elif isinstance(field, FileInput):
            component = discord.ui.FileUpload(custom_id=field.id, required=field.required)
        else:
            continue
        modal.add_item(
            discord.ui.Label(text=cut(field.label, limits.INPUT_LABEL), component=component)
        )
    # Stopped before it is sent, so discord.py keeps no copy: the submission is dispatched by
    # its custom id, restart or not.
    modal.stop()
    return modal


ReadFile = Callable[[str], Awaitable[bytes]]


def read_form(
    data: dict[str, Any], read_file: ReadFile
) -> tuple[str, str, dict[str, str], tuple[Attachment, ...]] | None:
    """A modal submission's action, value, text fields and files; None if it is not ours."""
    match = FORM_ID.fullmatch(str(data.get("custom_id", "")))
    if match is None:
        return None
    fields: dict[str, str] = {}
    files: list[Attachment] = []
    resolved = (data.get("resolved") or {}).get("attachments") or {}
    for component in _inputs(data.get("components") or []):
        custom_id = str(component.get("custom_id", ""))
        if "value" in component:
            fields[custom_id] = str(component["value"])
        for attachment_id in component.get("values") or []:
            payload = resolved.get(str(attachment_id))
            if payload is not None:
                files.append(_attachment(payload, read_file))
    return match["action"], match["value"], fields, tuple(files)


def _inputs(components: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The inputs inside action rows (type 1) and labels (type 18)."""
    found: list[dict[str, Any]] = []
    for component in components:
        if "components" in component:
            found.extend(_inputs(component["components"]))
        elif "component" in component:
            found.extend(_inputs([component["component"]]))
        else:
            found.append(component)
    return found


def attachment_of(file: discord.Attachment) -> Attachment:
    return Attachment(file.filename, file.size, file.content_type or "", file.read)


def _attachment(payload: dict[str, Any], read_file: ReadFile) -> Attachment:
    url = str(payload.get("url", ""))

    async def read() -> bytes:
        return await read_file(url)

    return Attachment(
        str(payload.get("filename", "file")),
        int(payload.get("size", 0)),
        str(payload.get("content_type", "")),
        read,
    )
