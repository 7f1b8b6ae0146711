"""`/mentor-admin stats` counts a seeded community exactly as counted by hand."""

from __future__ import annotations

from bot.core.services import Services
from bot.core.stats import community_stats
from tests.conftest import START


async def test_stats_match_the_hand_counted_numbers(seeded: Services):
    """Members by status, paths, active learners, questions, ratings, gaps and the unreachable."""
    async with seeded.db() as session:
        stats = await community_stats(session, seeded.content.current, START)
    assert (stats.members, stats.paused, stats.held, stats.unreachable) == (6, 1, 1, 1)
    paths = {path.path_id: (path.active, path.finished) for path in stats.paths}
    # ed's left ML enrollment counts nowhere; fa is on no path.
    assert paths == {"ai-engineer": (3, 0), "ml-engineer": (1, 0), "explorer": (0, 1)}
    # 7 days: ada (done), cy, di, fa (asked). 30 days: bo too (done and asked).
    assert (stats.active_7, stats.active_30) == (4, 5)
    # Within 30 days: bo, cy, di's second, fa; di's first is 40 days old.
    assert (stats.questions, stats.helpful, stats.unhelpful) == (4, 2, 1)
    assert stats.unsure_topics == (("rag", 2), ("general", 1))
    assert stats.unreachable_members == (("cy", "discord", "DMs closed"),)


async def test_the_funnel_counts_completions_and_where_members_are(seeded: Services):
    """Per item: members who marked it done (left paths included) and members at it now."""
    async with seeded.db() as session:
        stats = await community_stats(session, seeded.content.current, START)
    by_path = {path.path_id: path for path in stats.paths}
    ai = by_path["ai-engineer"].steps
    assert [s.completed for s in ai[:3]] == [3, 1, 0] and sum(s.completed for s in ai) == 4
    assert [s.current for s in ai[:3]] == [0, 2, 1] and sum(s.current for s in ai) == 3
    ml = by_path["ml-engineer"].steps
    assert (ml[0].completed, ml[0].current) == (1, 1)
    assert sum(s.completed for s in ml) == 1 and sum(s.current for s in ml) == 1
    explorer = by_path["explorer"].steps
    assert {s.completed for s in explorer} == {1} and sum(s.current for s in explorer) == 0
    assert [s.day for s in ai] == [
        item.day for item in seeded.content.current.path("ai-engineer").items
    ]


async def test_an_empty_community_counts_zero(services: Services):
    """No members: every number is zero and each path is listed with an empty funnel."""
    async with services.db() as session:
        stats = await community_stats(session, services.content.current, START)
    assert (stats.members, stats.active_7, stats.active_30, stats.questions) == (0, 0, 0, 0)
    assert all(p.members == 0 and not any(s.completed for s in p.steps) for p in stats.paths)
