"""Which time zone names the bot accepts: canonical IANA zones only."""

from __future__ import annotations

import re
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

# Files in the zone database that are not places: the host's own setting, a template for POSIX
# rules, and a placeholder that reads "Local time zone must be set".
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
# Copies of the whole database under other rules (leap seconds), not names of their own.
_VARIANT_TREES = ("posix/", "right/")
_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*")


def is_known_zone(name: str) -> bool:
    """Whether `name` is an IANA zone such as Europe/Berlin or UTC."""
    if name in _NOT_ZONES or name.startswith(_VARIANT_TREES) or not _ZONE_NAME.fullmatch(name):
        return False
    try:
        # Loading one zone takes microseconds; listing them all (below) takes tens of ms.
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """Every accepted zone name, sorted; listing them takes tens of milliseconds once."""
    return tuple(sorted(available_timezones() - _NOT_ZONES))


def close_zone(name: str) -> str | None:
    """The zone a near miss such as 'berlin' or 'new york' most likely means."""
    lowered = name.lower().replace(" ", "_")
    for zone in zone_names():
        if zone.lower() == lowered or zone.lower().endswith("/" + lowered):
            return zone
    return None
