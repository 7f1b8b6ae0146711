"""Delivery outcomes and the lag behind each member's own due time reach the metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.ports import SendResult
from bot.ops import PrometheusMetrics
from tests.core.delivery.conftest import World


async def test_outcomes_and_the_lag_from_the_scheduled_time(world: World):
    """A bot down three hours past ada's 09:00 sends with a lag of three hours; bo's refusal
    counts as unreachable; a rate limit's retry counts, then its send a minute later."""
    metrics = PrometheusMetrics()
    dispatcher = world.dispatcher
    dispatcher.metrics = metrics
    for name in ("ada", "bo", "cy"):
        await world.join(name, "ai-engineer", "09:00 UTC")
    world.messenger.answer("bo", SendResult.unreachable("DMs closed"))
    world.messenger.answer("cy", SendResult.retry_later(60))
    world.clock.set(datetime(2026, 3, 3, 12, 0, tzinfo=UTC))
    await dispatcher.tick()
    world.clock.advance(timedelta(seconds=60))
    await dispatcher.tick()
    value = metrics.registry.get_sample_value
    outcomes = {
        outcome: value("mentorbot_deliveries_total", {"outcome": outcome})
        for outcome in ("sent", "unreachable", "retry_later", "failed")
    }
    assert outcomes == {"sent": 2, "unreachable": 1, "retry_later": 1, "failed": 0}
    assert value("mentorbot_deliveries_queued_total", {"kind": "item"}) == 3
    assert value("mentorbot_delivery_lag_seconds_count") == 2
    assert value("mentorbot_delivery_lag_seconds_sum") == 3 * 3600 + (3 * 3600 + 60)
    assert value("mentorbot_delivery_lag_seconds_bucket", {"le": "10800.0"}) == 1
