"""View functions: how a lesson's footer states the time it takes."""

from __future__ import annotations

from dataclasses import replace

from bot.core.content import ContentSet
from bot.core.views import item_message


def test_footer_states_short_estimates_in_minutes(content: ContentSet):
    """A lesson's estimate under an hour and a half reads in minutes."""
    path = content.path("ai-engineer")
    lesson = replace(path.items[0], minutes=45)
    assert "· about 45 min ·" in item_message(lesson, path).footer


def test_footer_states_a_project_of_several_sittings_in_hours(content: ContentSet):
    """A project's estimate of 600 minutes reads as hours."""
    path = content.path("ai-engineer")
    project = replace(next(i for i in path.items if i.is_project), minutes=600)
    assert "· about 10 hours ·" in item_message(project, path).footer
