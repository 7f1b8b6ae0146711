"""Every command and click is counted by its registered name and outcome, never by what was
typed after it."""

from __future__ import annotations

from bot.core.commands import Router, build_actions, build_commands
from bot.core.messages import Action
from bot.core.ports import Caller
from bot.core.services import Services
from bot.ops import PrometheusMetrics
from tests.conftest import Replies

MEMBER = Caller("discord", "guild", "ada", "Ada")


async def test_commands_are_counted_by_name_and_outcome(services: Services):
    """ok, user_error, refused, unknown and a click, each under its own label."""
    services.metrics = PrometheusMetrics()
    router = Router(services, build_commands(), build_actions())
    for line in (
        "/mentor join ai-engineer",
        "/mentor join secret-path-name",
        "/mentor-admin stats",
        "/mentor whatever I typed",
    ):
        await router.text(MEMBER, line, Replies())
    await router.action(MEMBER, Action("today"), Replies())
    value = services.metrics.registry.get_sample_value
    counted = {
        (labels["command"], labels["outcome"]): sample.value
        for metric in services.metrics.registry.collect()
        if metric.name == "mentorbot_commands"
        for sample in metric.samples
        if sample.name.endswith("_total")
        for labels in [sample.labels]
    }
    assert counted == {
        ("/mentor join", "ok"): 1,
        ("/mentor join", "user_error"): 1,
        ("/mentor-admin stats", "refused"): 1,
        ("unknown", "unknown"): 1,
        ("action today", "ok"): 1,
    }
    assert value("mentorbot_command_seconds_count", {"command": "/mentor join"}) == 2
