"""The audit log: who did what, allowed or refused, for moderators to look back on."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.models import AuditEntry
from bot.core.ports import Caller


def actor_of(caller: Caller) -> str:
    """A caller as the log names them: platform, user id and the name shown."""
    return f"{caller.platform}:{caller.user_id} {caller.display_name}"[:100]


def author_of(caller: Caller) -> str:
    """A caller as the content history names them."""
    return f"{caller.display_name} ({caller.platform})"[:100]


def record(session: AsyncSession, clock: Clock, actor: str, action: str, **detail: Any) -> None:
    session.add(AuditEntry(at=clock.now(), actor=actor[:100], action=action[:64], detail=detail))
