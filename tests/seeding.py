"""Members put straight into the database, as many as a test needs, whose lesson is due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

from bot.core.db import create_engine, upgrade
from bot.core.models import Enrollment, Member


def member_row(user_id: str, now: datetime, platform: str = "discord", **values) -> dict:
    """A member table row as the bot writes one, delivered to every day at 09:00 UTC."""
    return {
        "platform": platform,
        "workspace_id": "local",
        "user_id": user_id,
        "display_name": f"member {user_id}",
        "timezone": "UTC",
        "delivery_time": "09:00",
        "delivery_days": "mon,tue,wed,thu,fri,sat,sun",
        "status": "active",
        "created_at": now,
        "updated_at": now,
        **values,
    }


async def seed_due_members(url: str, platform: str, user_ids: list[str]) -> None:
    """Members on the AI path whose first lesson fell due a minute ago."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(
                insert(Member.__table__),
                [
                    member_row(user_id, now, platform, next_due_at=now - timedelta(minutes=1))
                    for user_id in user_ids
                ],
            )
            member = Member.__table__
            ids = (
                await conn.execute(
                    select(member.c.id).where(
                        member.c.platform == platform, member.c.user_id.in_(user_ids)
                    )
                )
            ).scalars()
            await conn.execute(
                insert(Enrollment.__table__),
                [
                    {
                        "member_id": member_id,
                        "path_id": "ai-engineer",
                        "current_item_id": "ai-role",
                        "status": "active",
                        "started_at": now,
                    }
                    for member_id in ids
                ],
            )
    finally:
        await engine.dispose()
