"""Autocomplete: what a parameter may hold, narrowed by what the member has typed so far."""

from __future__ import annotations

from functools import lru_cache

from bot.core.commands.base import Suggest
from bot.core.messages import Option
from bot.core.services import Services
from bot.core.zones import zone_names

# Discord shows at most 25 suggestions.
LIMIT = 25


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(z for z in zone_names() if "/" in z and not z.startswith("Etc/"))


def suggestions(source: Suggest, services: Services, typed: str) -> list[Option]:
    typed = typed.strip().lower()
    if source == Suggest.PATHS:
        options = [Option(p.title, p.id) for p in services.content.current.paths.values()]
    elif source == Suggest.ITEMS:
        options = [
            Option(f"{item.id} · {item.title}"[:100], item.id)
            for path in services.content.current.paths.values()
            for item in path.items
        ]
    else:
        options = [Option(zone, zone) for zone in _zones()]
    if typed:
        starts = [o for o in options if o.value.lower().startswith(typed)]
        within = [o for o in options if o not in starts and typed in o.label.lower()]
        options = starts + within
    return options[:LIMIT]
