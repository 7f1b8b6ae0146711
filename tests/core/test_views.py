"""View functions: how a lesson's footer states the time it takes."""

from __future__ import annotations

from bot.core.content import ContentSet
from bot.core.views import duration_text, item_message


def test_duration_reads_in_minutes_then_hours():
    """Under an hour shows minutes; longer estimates show hours and any leftover minutes."""
    assert duration_text(45) == "45 min"
    assert duration_text(120) == "2 h"
    assert duration_text(90) == "1 h 30 min"


def test_item_footer_states_the_estimate(content: ContentSet):
    """A lesson's footer carries its estimate in words a member reads at a glance."""
    path = content.path("ai-engineer")
    item = path.items[0]
    assert f"about {duration_text(item.minutes)} ·" in item_message(item, path).footer
