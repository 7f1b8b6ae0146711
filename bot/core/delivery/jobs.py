"""What a lane sends for each claimed delivery row: the recipient and the DM, built once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Row

from bot.core.content import ContentSet
from bot.core.messages import Message
from bot.core.models import DeliveryKind
from bot.core.ports import Recipient
from bot.core.safety import safe_message
from bot.core.views import item_message, nudge_message


@dataclass
class Job:
    # A claimed delivery row (`claim.CLAIMED`).
    row: Row
    recipient: Recipient | None
    message: Message | None
    # Why the row cannot be sent at all (its item left the content, say).
    skip: str | None = None


def build_jobs(
    claimed: Sequence[Row],
    recipients: Mapping[int, Row],
    content: ContentSet,
    pacing_limit: int,
) -> list[Job]:
    """A job per claimed row; `recipients` has each member's `claim.RECIPIENT` columns."""
    messages = _Messages(content, pacing_limit)
    jobs = []
    for row in claimed:
        member = recipients.get(row.member_id)
        message = messages.get(row.kind, row.path_id, row.item_id)
        if member is None or message is None:
            jobs.append(Job(row, None, None, skip="the member or the item no longer exists"))
            continue
        recipient = Recipient(
            member.platform,
            member.workspace_id,
            member.user_id,
            member.display_name,
            member.timezone,
        )
        jobs.append(Job(row, recipient, message))
    return jobs


class _Messages:
    """Each item's DM built and made safe once per batch, however many members it goes to."""

    def __init__(self, content: ContentSet, pacing_limit: int) -> None:
        self.content = content
        self.pacing_limit = pacing_limit
        self._built: dict[tuple[str, str, str], Message | None] = {}

    def get(self, kind: str, path_id: str, item_id: str) -> Message | None:
        """The DM for a delivery row; None when its path or item left the content."""
        key = (kind, path_id, item_id)
        if key not in self._built:
            self._built[key] = self._build(kind, path_id, item_id)
        return self._built[key]

    def _build(self, kind: str, path_id: str, item_id: str) -> Message | None:
        path = self.content.path(path_id)
        item = path.item(item_id) if path else None
        if path is None or item is None:
            return None
        if kind == DeliveryKind.NUDGE:
            return safe_message(nudge_message(path, self.pacing_limit))
        return safe_message(item_message(item, path))
