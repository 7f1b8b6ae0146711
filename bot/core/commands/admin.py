"""`/mentor-admin …`: moderator commands."""

from __future__ import annotations

import asyncio

from sqlalchemy import func
from sqlmodel import select

from bot.core.commands.base import Context
from bot.core.content import ContentError, load_content
from bot.core.messages import Message
from bot.core.models import Completion, Enrollment, EnrollmentStatus, Member, MemberStatus

MAX_PROBLEMS_SHOWN = 20
MAX_UNREACHABLE_SHOWN = 10


async def validate(ctx: Context) -> None:
    directory = ctx.services.content.directory
    try:
        # Reading files blocks; the bot's other members are served meanwhile.
        content = await asyncio.to_thread(load_content, directory)
    except ContentError as error:
        shown = error.problems[:MAX_PROBLEMS_SHOWN]
        more = len(error.problems) - len(shown)
        body = "\n".join(f"• {p}" for p in shown) + (f"\n…and {more} more." if more > 0 else "")
        await ctx.reply.send(
            Message(
                title=f"Content has {len(error.problems)} problem(s)",
                body=body + "\n\nFix them and run `/mentor-admin validate` again.",
                private=True,
            )
        )
        return
    await ctx.reply.send(Message(title="Content is valid", body=content.summary(), private=True))


async def stats(ctx: Context) -> None:
    async with ctx.services.db() as session:
        members = (await session.exec(select(func.count()).select_from(Member))).one()
        by_status = dict(
            (await session.exec(select(Member.status, func.count()).group_by(Member.status))).all()
        )
        by_path = dict(
            (
                await session.exec(
                    select(Enrollment.path_id, func.count())
                    .where(Enrollment.status == EnrollmentStatus.ACTIVE)
                    .group_by(Enrollment.path_id)
                )
            ).all()
        )
        completions = (await session.exec(select(func.count()).select_from(Completion))).one()
        unreachable = (
            await session.exec(
                select(Member.display_name, Member.platform, Member.status_reason)
                .where(Member.status == MemberStatus.UNREACHABLE)
                .order_by(Member.updated_at.desc())
                .limit(MAX_UNREACHABLE_SHOWN)
            )
        ).all()
    lines = [
        f"Members: {members} ({by_status.get(MemberStatus.PAUSED, 0)} paused, "
        f"{by_status.get(MemberStatus.HELD, 0)} held for pacing, "
        f"{by_status.get(MemberStatus.UNREACHABLE, 0)} unreachable)",
        "On a path: "
        + (", ".join(f"{_title(ctx, p)} {n}" for p, n in sorted(by_path.items())) or "nobody yet"),
        f"Items completed: {completions}",
    ]
    if unreachable:
        lines.append("Cannot be DMed (they see this in `/mentor progress`):")
        lines.extend(f"• {name} ({platform}): {reason}" for name, platform, reason in unreachable)
    await ctx.reply.send(Message(title="Community stats", body="\n".join(lines), private=True))


def _title(ctx: Context, path_id: str) -> str:
    path = ctx.services.content.current.path(path_id)
    return path.title if path is not None else path_id
