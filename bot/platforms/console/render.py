"""Neutral messages as plain text, with numbered choices."""

from __future__ import annotations

from bot.core.markup import checkboxes, plain_moments
from bot.core.messages import Action, Message


def text(value: str) -> str:
    """Markdown as the console shows it: local times in words, checklists as boxes."""
    return checkboxes(plain_moments(value))


def render(message: Message, first_number: int = 1) -> str:
    parts: list[str] = []
    if message.title:
        parts.append(f"== {text(message.title)} ==")
    parts.append(text(message.body))
    parts.extend(f"{field.name}: {text(field.value)}" for field in message.fields)
    extras = render_extras(message, first_number)
    if extras:
        parts.append(extras)
    return "\n".join(parts)


def render_extras(message: Message, first_number: int = 1) -> str:
    """The numbered choices, links and the footer: what follows the body."""
    parts: list[str] = []
    number = first_number
    for choice in message.choices:
        if choice.url:
            parts.append(f"  {choice.label}: {choice.url}")
        else:
            parts.append(f"  [{number}] {choice.label}")
            number += 1
    if message.select is not None:
        parts.append(f"  {message.select.placeholder}")
        for option in message.select.options:
            detail = f" ({option.description})" if option.description else ""
            parts.append(f"  [{number}] {option.label}{detail}")
            number += 1
    if message.footer:
        parts.append(f"-- {text(message.footer)}")
    return "\n".join(parts)


def pickable(message: Message) -> tuple[Action, ...]:
    """What each number picks, in the order `render_extras` numbers them."""
    picks = [Action(c.action, c.value) for c in message.choices if not c.url]
    if message.select is not None:
        picks += [Action(message.select.action, o.value) for o in message.select.options]
    return tuple(picks)
