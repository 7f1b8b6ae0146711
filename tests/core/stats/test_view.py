"""The stats message: a short summary that names where members are, with the chart attached."""

from __future__ import annotations

from bot.core.services import Services
from bot.core.stats import community_stats, stats_message
from tests.conftest import START


async def test_the_summary_says_the_hand_counted_numbers(seeded: Services):
    """Every number of the seeded community appears, in words a moderator reads at a glance."""
    async with seeded.db() as session:
        stats = await community_stats(session, seeded.content.current, START)
    message = stats_message(stats, b"\x89PNG...", START)
    ai = seeded.content.current.path("ai-engineer").items
    assert message.private and message.title == "Community stats"
    body = message.body
    assert "Members: 6 (1 paused, 1 held for pacing, 1 unreachable)" in body
    assert "4 in the last 7 days, 5 in the last 30" in body
    assert "Paths: AI engineer 3 · ML engineer 1 · Explorer 1 (1 finished)" in body
    stops = f"• AI engineer: day {ai[1].day} {ai[1].title} (2), day {ai[2].day} {ai[2].title} (1)"
    assert stops in body and "• ML engineer: day 1 " in body
    assert "Mentor, last 30 days: 4 questions · 👍 2 · 👎 1" in body
    assert "Unsure about (lessons worth writing): rag (2), general (1)" in body
    assert "• cy (discord): DMs closed" in body
    assert "private words" not in body
    [chart] = message.files
    assert (chart.name, chart.content_type) == ("mentorbot-stats-2026-03-02.png", "image/png")


async def test_without_a_chart_the_summary_says_so(services: Services):
    """When drawing failed, the numbers still go out with one line about the chart."""
    async with services.db() as session:
        stats = await community_stats(session, services.content.current, START)
    message = stats_message(stats, None, START)
    assert message.files == () and "could not be drawn" in message.body
