"""Who is talking: a Slack user as a `Caller`, with the zone and the role from their profile.

users.info is asked once per user every few minutes; a member's zone starts as the one in
their Slack profile, and the workspace's admins and owners moderate, beside SLACK_MODERATOR_IDS.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.ports import Caller

log = logging.getLogger(__name__)

PLATFORM = "slack"
PROFILE_SECONDS = 600.0
PROFILES_KEPT = 10_000


@dataclass(frozen=True)
class Profile:
    name: str
    timezone: str | None
    admin: bool


class People:
    def __init__(self, client: AsyncWebClient, moderators: frozenset[str]) -> None:
        self.client = client
        self.moderators = moderators
        self._profiles: OrderedDict[str, tuple[float, Profile]] = OrderedDict()

    async def caller(self, team_id: str, user_id: str, name: str = "") -> Caller:
        profile = await self.profile(user_id)
        return Caller(
            platform=PLATFORM,
            workspace_id=team_id,
            user_id=user_id,
            display_name=(profile.name if profile else name) or user_id,
            is_moderator=user_id in self.moderators or bool(profile and profile.admin),
            timezone=profile.timezone if profile else None,
        )

    async def profile(self, user_id: str) -> Profile | None:
        now = time.monotonic()
        kept = self._profiles.get(user_id)
        if kept is not None and now - kept[0] < PROFILE_SECONDS:
            return kept[1]
        try:
            user = (await self.client.users_info(user=user_id))["user"]
        except SlackApiError as error:
            # Without the profile the member still gets answers: in the default zone, and as a
            # moderator only when listed in SLACK_MODERATOR_IDS.
            log.warning("users.info for %s failed: %s", user_id, error.response.get("error"))
            return None
        info = user.get("profile") or {}
        profile = Profile(
            name=info.get("display_name") or info.get("real_name") or user.get("name") or "",
            timezone=_zone(user.get("tz")),
            admin=bool(user.get("is_admin") or user.get("is_owner")),
        )
        self._profiles[user_id] = (now, profile)
        self._profiles.move_to_end(user_id)
        while len(self._profiles) > PROFILES_KEPT:
            self._profiles.popitem(last=False)
        return profile


def _zone(name: str | None) -> str | None:
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name
