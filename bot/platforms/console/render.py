"""Neutral messages as plain text, with numbered choices."""

from __future__ import annotations

from bot.core.messages import Message


def render(message: Message, first_number: int = 1) -> str:
    parts: list[str] = []
    if message.title:
        parts.append(f"== {message.title} ==")
    parts.append(message.body)
    for offset, choice in enumerate(message.choices):
        parts.append(f"  [{first_number + offset}] {choice.label}")
    if message.footer:
        parts.append(f"-- {message.footer}")
    return "\n".join(parts)
