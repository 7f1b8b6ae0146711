"""A small community seeded row by row, so every stats number can be counted by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.core.models import Completion, Enrollment, Member, Question
from bot.core.services import Services
from tests.conftest import START

DAY = timedelta(days=1)


def ago(delta: timedelta):
    return START - delta


@pytest.fixture
async def seeded(services: Services) -> Services:
    """Six members (see each line); START is the stats' now.

    ada  active       ai-engineer, at item 3; did items 1 (1 day ago) and 2 (2 days ago)
    bo   paused       ai-engineer, at item 2; did item 1 (10 days ago); asked 20 days ago
                      (unsure about rag, 👎)
    cy   unreachable  ml-engineer, at item 1; asked 3 days ago (👍)
    di   held         ai-engineer, at item 2; did item 1 (40 days ago); asked 40 days ago
                      (unsure about gpu) and 5 days ago (unsure, no topic, 👍)
    ed   active       finished explorer 60 days ago; left ml-engineer after its item 1
                      (50 days ago)
    fa   active       on no path; asked an hour ago (unsure about rag)
    """
    content = services.content.current
    ai, ml, explorer = (content.path(p).items for p in ("ai-engineer", "ml-engineer", "explorer"))
    rows: list = []
    async with services.db() as session, session.begin():
        ids = {}
        for name, status, reason in (
            ("ada", "active", None),
            ("bo", "paused", None),
            ("cy", "unreachable", "DMs closed"),
            ("di", "held", "pacing"),
            ("ed", "active", None),
            ("fa", "active", None),
        ):
            member = Member(
                platform="discord",
                workspace_id="guild",
                user_id=name,
                display_name=name,
                status=status,
                status_reason=reason,
                created_at=ago(90 * DAY),
                updated_at=ago(DAY),
            )
            session.add(member)
            await session.flush()
            ids[name] = member.id

        def enrol(name, path, current, status="active"):
            rows.append(
                Enrollment(
                    member_id=ids[name],
                    path_id=path[0].path_id,
                    current_item_id=current.id if current else None,
                    status=status,
                    started_at=ago(80 * DAY),
                )
            )

        def did(name, item, when):
            rows.append(
                Completion(
                    member_id=ids[name], path_id=item.path_id, item_id=item.id, completed_at=when
                )
            )

        def asked(name, when, unsure=False, topic=None, feedback=None):
            rows.append(
                Question(
                    member_id=ids[name],
                    conversation_id=name,
                    question="private words",
                    answer="an answer",
                    unsure=unsure,
                    topic=topic,
                    feedback=feedback,
                    created_at=when,
                )
            )

        enrol("ada", ai, ai[2])
        did("ada", ai[0], ago(DAY))
        did("ada", ai[1], ago(2 * DAY))
        enrol("bo", ai, ai[1])
        did("bo", ai[0], ago(10 * DAY))
        asked("bo", ago(20 * DAY), unsure=True, topic="rag", feedback=-1)
        enrol("cy", ml, ml[0])
        asked("cy", ago(3 * DAY), feedback=1)
        enrol("di", ai, ai[1])
        did("di", ai[0], ago(40 * DAY))
        asked("di", ago(40 * DAY), unsure=True, topic="gpu")
        asked("di", ago(5 * DAY), unsure=True, feedback=1)
        enrol("ed", ml, ml[1], status="left")
        did("ed", ml[0], ago(50 * DAY))
        enrol("ed", explorer, None, status="finished")
        for item in explorer:
            did("ed", item, ago(60 * DAY))
        asked("fa", ago(timedelta(hours=1)), unsure=True, topic="rag")
        session.add_all(rows)
    return services
