"""Telling the community about new lessons in a configured channel (MENTORBOT_ANNOUNCE_CHANNEL).

Each revision is announced once, by whichever running process claims it first, through every
adapter of that process that can post in a channel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import col, select

from bot.core.models import ContentRevision
from bot.core.ports import Announcer
from bot.core.publishing.revisions import claim_announcement
from bot.core.publishing.views import new_items_message
from bot.core.services import Services

log = logging.getLogger(__name__)


def channel_for(setting: str, platform: str) -> str | None:
    """`general` for every platform, or `discord:123,slack:C456` naming one per platform."""
    parts = [part.strip() for part in setting.split(",") if part.strip()]
    for part in parts:
        name, sep, channel = part.partition(":")
        if sep and name == platform:
            return channel.strip() or None
    plain = [part for part in parts if ":" not in part]
    return plain[0] if plain else None


@dataclass
class Announcements:
    services: Services
    targets: list[tuple[Announcer, str]]
    # Revisions after this one are announced: not those published before this process started.
    since: int

    @classmethod
    def configured(
        cls, services: Services, setting: str | None, adapters: Sequence[object]
    ) -> Announcements | None:
        if not setting:
            return None
        targets = [
            (adapter, channel)
            for adapter in adapters
            if callable(getattr(adapter, "announce", None))
            and (channel := channel_for(setting, adapter.platform))
        ]
        if not targets:
            log.warning("MENTORBOT_ANNOUNCE_CHANNEL is set, but no platform here can post in it")
            return None
        return cls(services, targets, services.content.version or 0)

    async def send(self) -> int:
        """Announce the new items of every revision not announced yet; returns how many."""
        clock = self.services.clock
        async with self.services.db() as session, session.begin():
            rows = (
                await session.exec(
                    select(ContentRevision.version, ContentRevision.added)
                    .where(
                        ContentRevision.version > self.since,
                        col(ContentRevision.announced_at).is_(None),
                    )
                    .order_by(col(ContentRevision.version))
                )
            ).all()
            claimed = [row for row in rows if await claim_announcement(session, row.version, clock)]
        content = self.services.content.current
        sent = 0
        for row in claimed:
            items = [item for item_id in row.added if (item := content.item(item_id))]
            if not items:
                continue
            message = new_items_message(items, content)
            for announcer, channel in self.targets:
                try:
                    await announcer.announce(channel, message)
                    sent += 1
                except Exception:
                    log.exception("announcing revision %s on %s failed", row.version, channel)
        return sent
