"""Numbers for moderators: `/mentor-admin stats` (summary and chart) and the CSV export."""

from bot.core.stats.query import CommunityStats, PathStats, Step, community_stats
from bot.core.stats.view import stats_message, stats_summary

__all__ = [
    "CommunityStats",
    "PathStats",
    "Step",
    "community_stats",
    "stats_message",
    "stats_summary",
]
