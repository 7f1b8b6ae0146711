"""Discord's published limits for application commands, checked independently of the code
that builds them: a sync Discord would refuse shows up here as a list of problems."""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
SUBCOMMAND = 1


def problems(commands: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    if len(commands) > 100:
        found.append(f"{len(commands)} top-level commands (at most 100)")
    for command in commands:
        _named(command, command["name"], found)
        if _characters(command) > 8000:
            found.append(f"/{command['name']} has {_characters(command)} characters (8,000)")
        _options(command, f"/{command['name']}", found)
    return found


def _options(parent: dict[str, Any], where: str, found: list[str]) -> None:
    options = parent.get("options") or []
    if len(options) > 25:
        found.append(f"{where}: {len(options)} options (at most 25)")
    required = [o.get("required", False) for o in options if o["type"] != SUBCOMMAND]
    if required != sorted(required, reverse=True):
        found.append(f"{where}: a required option after an optional one")
    for option in options:
        here = f"{where} {option['name']}"
        _named(option, here, found)
        choices = option.get("choices") or []
        if len(choices) > 25:
            found.append(f"{here}: {len(choices)} choices (at most 25)")
        if choices and option.get("autocomplete"):
            found.append(f"{here}: choices and autocomplete together")
        for choice in choices:
            if not 1 <= len(choice["name"]) <= 100 or len(str(choice["value"])) > 100:
                found.append(f"{here}: choice {choice['name']!r} too long")
        if option["type"] == SUBCOMMAND:
            _options(option, here, found)


def _named(item: dict[str, Any], where: str, found: list[str]) -> None:
    if not NAME.match(item["name"]):
        found.append(f"{where}: name {item['name']!r} is not 1-32 lowercase letters, digits, -, _")
    if not 1 <= len(item.get("description", "")) <= 100:
        found.append(f"{where}: description of {len(item.get('description', ''))} characters")


def _characters(item: dict[str, Any]) -> int:
    total = len(item["name"]) + len(item.get("description", ""))
    for choice in item.get("choices") or []:
        total += len(choice["name"]) + len(str(choice["value"]))
    return total + sum(_characters(o) for o in item.get("options") or [])
