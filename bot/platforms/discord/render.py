"""Neutral messages as Discord embeds and components, within Discord's limits.

A message's body is cut at paragraph breaks into embeds of at most 4,096 characters; embeds are
packed into Discord messages of at most 10 embeds and 6,000 characters. The title opens the
first embed, fields and the footer close the last, and the buttons or select go under the last
message. Times become Discord timestamps, which each reader sees in their own zone.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field

import discord

from bot.core.markup import checkboxes, plain_moments, replace_moments, split_text
from bot.core.messages import Choice, Markup, Message, Moment, Select, Style
from bot.platforms.discord import limits
from bot.platforms.discord.components import ChoiceButton, ChoiceSelect, button_id, select_id
from bot.platforms.discord.limits import cut

log = logging.getLogger(__name__)

COLOUR = discord.Colour(0x5865F2)
STYLES = {
    Style.PRIMARY: discord.ButtonStyle.primary,
    Style.SECONDARY: discord.ButtonStyle.secondary,
    Style.DANGER: discord.ButtonStyle.danger,
}
# Titles, field names and footers show markdown literally.
_INLINE_MARKS = re.compile(r"\*\*|__|`")


@dataclass
class Page:
    """One Discord message."""

    embeds: list[discord.Embed]
    view: discord.ui.View | None = None
    files: list[discord.File] = field(default_factory=list)


def timestamp(moment: Moment) -> str:
    """`<t:…:t> (<t:…:R>)`: the time of day in the reader's zone, and how far off it is."""
    at = int(moment.at.timestamp())
    return f"<t:{at}:t> (<t:{at}:R>)"


def render(message: Message) -> list[Page]:
    """The message as one or more Discord messages, in order."""
    body, choices = _numbered(message)
    embeds = _embeds(message, body)
    pages: list[Page] = []
    current: list[discord.Embed] = []
    for embed in embeds:
        size = sum(len(e) for e in current)
        if current and (
            len(current) == limits.EMBEDS_PER_MESSAGE
            or size + len(embed) > limits.EMBED_CHARACTERS_PER_MESSAGE
        ):
            pages.append(Page(current))
            current = []
        current.append(embed)
    pages.append(Page(current))
    pages[-1].view = view(choices, message.select)
    pages[0].files = [
        discord.File(io.BytesIO(f.data), filename=f.name, description=None) for f in message.files
    ]
    return pages


def render_one(message: Message) -> Page:
    """The message as a single Discord message (an edit can only replace one): what does not
    fit is cut, with a mark."""
    pages = render(message)
    if len(pages) == 1:
        return pages[0]
    log.warning("a %d-message reply was cut to one Discord message for an edit", len(pages))
    first = pages[0]
    last = first.embeds[-1]
    # Cut by as much as the mark adds, so the message stays within its limits.
    kept = last.description or ""
    last.description = (kept[: len(kept) - 3] + "\n\n…").strip()
    first.view = pages[-1].view
    return first


def text(value: str, markup: Markup = Markup.MARKDOWN) -> str:
    """Body text as Discord shows it: timestamps for times, boxes for checklists."""
    if markup == Markup.PLAIN:
        value = discord.utils.escape_markdown(value)
    return checkboxes(replace_moments(value, timestamp))


def plain(value: str, limit: int) -> str:
    """Text for places that show markdown literally (titles, footers, field names)."""
    return cut(_INLINE_MARKS.sub("", plain_moments(value)), limit)


def _embeds(message: Message, body: str) -> list[discord.Embed]:
    pieces = split_text(text(body, message.markup), limits.EMBED_DESCRIPTION) or [""]
    embeds = [discord.Embed(description=piece or None, colour=COLOUR) for piece in pieces]
    if message.title:
        embeds[0].title = plain(message.title, limits.EMBED_TITLE)
    last = embeds[-1]
    fields = message.fields[: limits.EMBED_FIELDS]
    if fields and len(last) + sum(len(f.name) + len(f.value) for f in fields) > (
        limits.EMBED_CHARACTERS_PER_MESSAGE - limits.EMBED_FOOTER
    ):
        # Long fields would push one embed past the message limit: they get an embed of their own.
        last = discord.Embed(colour=COLOUR)
        embeds.append(last)
    for item in fields:
        last.add_field(
            name=plain(item.name, limits.FIELD_NAME) or "\u200b",
            value=cut(text(item.value), limits.FIELD_VALUE) or "\u200b",
            inline=item.inline,
        )
    if message.footer:
        last.set_footer(text=plain(message.footer, limits.EMBED_FOOTER))
    return embeds


def _numbered(message: Message) -> tuple[str, tuple[Choice, ...]]:
    """Choices whose labels are too long for a button are listed in the body and the buttons
    carry their numbers."""
    actions = [c for c in message.choices if not c.url]
    if all(len(c.label) <= limits.BUTTON_LABEL for c in actions):
        return message.body, message.choices
    listed = "\n".join(f"**{n}.** {c.label}" for n, c in enumerate(actions, 1))
    numbers = iter(range(1, len(actions) + 1))
    choices = tuple(
        c if c.url else Choice(str(next(numbers)), c.action, c.value, c.style)
        for c in message.choices
    )
    return f"{message.body}\n\n{listed}".strip(), choices


def view(choices: tuple[Choice, ...], select: Select | None) -> discord.ui.View | None:
    """Buttons in rows of five, then the select on a row of its own. The view is stopped at
    once: discord.py keeps nothing, clicks are dispatched by their custom ids."""
    if not choices and select is None:
        return None
    result = discord.ui.View(timeout=None)
    rows = limits.ROWS - (1 if select is not None else 0)
    room = rows * limits.BUTTONS_PER_ROW
    if len(choices) > room:
        log.error(
            "%d choices do not fit a Discord message; the last %d are left out",
            len(choices),
            len(choices) - room,
        )
    seen: dict[str, int] = {}
    for index, choice in enumerate(choices[:room]):
        result.add_item(_button(choice, index // limits.BUTTONS_PER_ROW, seen))
    if select is not None:
        result.add_item(_select(select, rows))
    result.stop()
    return result


def _button(choice: Choice, row: int, seen: dict[str, int]) -> discord.ui.Item:
    label = cut(choice.label, limits.BUTTON_LABEL)
    if choice.url:
        return discord.ui.Button(label=label, url=choice.url, row=row)
    key = f"{choice.action}:{choice.value}"
    copy = seen[key] = seen.get(key, -1) + 1
    button = discord.ui.Button(
        label=label,
        style=STYLES.get(choice.style, discord.ButtonStyle.secondary),
        custom_id=button_id(choice.action, choice.value, copy),
        row=row,
    )
    return ChoiceButton(button, choice.action, choice.value)


def _select(select: Select, row: int) -> discord.ui.Item:
    options = [
        discord.SelectOption(
            label=cut(option.label, limits.OPTION_TEXT),
            value=option.value[: limits.OPTION_TEXT],
            description=cut(option.description, limits.OPTION_TEXT) if option.description else None,
        )
        for option in select.options[: limits.SELECT_OPTIONS]
    ]
    menu = discord.ui.Select(
        custom_id=select_id(select.action),
        placeholder=cut(select.placeholder, limits.SELECT_PLACEHOLDER),
        options=options,
        row=row,
    )
    return ChoiceSelect(menu, select.action)
