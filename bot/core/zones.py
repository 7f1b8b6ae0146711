"""Which time zone names the bot accepts: canonical IANA zones only."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

# Files in the zone database that are not places: the host's own setting, a template for POSIX
# rules, and a placeholder that reads "Local time zone must be set".
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    return frozenset(available_timezones() - _NOT_ZONES)


def is_known_zone(name: str) -> bool:
    """Whether `name` is an IANA zone such as Europe/Berlin or UTC."""
    return name in known_zones()


def close_zone(name: str) -> str | None:
    """The zone a near miss such as 'berlin' or 'new york' most likely means."""
    lowered = name.lower().replace(" ", "_")
    for zone in sorted(known_zones()):
        if zone.lower() == lowered or zone.lower().endswith("/" + lowered):
            return zone
    return None
