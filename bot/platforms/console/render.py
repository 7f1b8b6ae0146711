"""Neutral messages as plain text, with numbered choices."""

from __future__ import annotations

from bot.core.messages import Message


def render(message: Message, first_number: int = 1) -> str:
    parts: list[str] = []
    if message.title:
        parts.append(f"== {message.title} ==")
    parts.append(message.body)
    extras = render_extras(message, first_number)
    if extras:
        parts.append(extras)
    return "\n".join(parts)


def render_extras(message: Message, first_number: int = 1) -> str:
    """The numbered choices and the footer: what follows the body."""
    parts = [f"  [{first_number + n}] {choice.label}" for n, choice in enumerate(message.choices)]
    if message.footer:
        parts.append(f"-- {message.footer}")
    return "\n".join(parts)
