"""Valid uploads waiting for their moderator's Publish click, held in the process they came to."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.core.publishing.upload import Upload

# Long enough to read the summary and preview a lesson; an older upload is sent again.
HELD_FOR = timedelta(minutes=30)
MAX_HELD = 20


@dataclass(frozen=True)
class Pending:
    upload: Upload
    path_id: str | None
    who: tuple[str, str]
    until: datetime


class PendingUploads:
    def __init__(self) -> None:
        self._held: dict[str, Pending] = {}

    def hold(self, who: tuple[str, str], upload: Upload, path_id: str | None, now: datetime) -> str:
        """Keep `upload` for `who` (platform, user id); returns the token its buttons carry."""
        self._held = {t: p for t, p in self._held.items() if p.until > now}
        while len(self._held) >= MAX_HELD:
            self._held.pop(next(iter(self._held)))
        token = secrets.token_urlsafe(9)
        self._held[token] = Pending(upload, path_id, who, now + HELD_FOR)
        return token

    def take(self, token: str, who: tuple[str, str], now: datetime) -> Pending | None:
        """The upload held under `token` for `who`, once; None if expired or someone else's."""
        pending = self._held.get(token)
        if pending is None or pending.who != who:
            return None
        del self._held[token]
        return pending if pending.until > now else None
