"""The pacer: token buckets per platform or workspace, and Retry-After blocks."""

from __future__ import annotations

import pytest

from bot.core.delivery.pacer import Pacer
from bot.core.ports import Rate
from bot.platforms.discord import limits as discord_limits
from bot.platforms.slack import limits as slack_limits

# The rates the Discord and Slack messengers declare.
PLATFORM_RATES = {"discord": discord_limits.RATE, "slack": slack_limits.RATE}


class Time:
    """A monotonic clock and sleep that move only when the pacer sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def time() -> Time:
    return Time()


def pacer(time: Time, rates: dict[str, Rate] | None = None) -> Pacer:
    return Pacer(
        PLATFORM_RATES if rates is None else rates, monotonic=time.monotonic, sleep=time.sleep
    )


async def test_discord_sends_a_burst_then_twenty_a_second(time: Time):
    """The bucket starts full (20); the 21st DM waits 1/20 s; 40 DMs take one second."""
    discord = pacer(time)
    key = discord.key("discord", "guild-1")
    for _ in range(20):
        await discord.acquire(key)
    assert time.slept == []
    for _ in range(20):
        await discord.acquire(key)
    assert time.now - 1000.0 == pytest.approx(1.0)
    assert max(time.slept) == pytest.approx(1 / 20)


async def test_discord_limit_is_per_bot_and_slack_limit_per_workspace(time: Time):
    """Two Discord guilds share one bucket; two Slack workspaces have one each."""
    paced = pacer(time)
    assert paced.key("discord", "a") == paced.key("discord", "b")
    assert paced.key("slack", "T1") != paced.key("slack", "T2")
    slack = PLATFORM_RATES["slack"]
    for _ in range(slack.burst):
        await paced.acquire(paced.key("slack", "T1"))
    assert paced.delay(paced.key("slack", "T1")) > 0
    assert paced.delay(paced.key("slack", "T2")) == 0


async def test_retry_after_blocks_the_key_for_that_long(time: Time):
    """After a 429 with Retry-After 7.5 s nothing goes out under that key for 7.5 s."""
    paced = pacer(time)
    key = paced.key("discord", "guild")
    paced.block(key, 7.5)
    assert paced.delay(key) == pytest.approx(7.5)
    await paced.acquire(key)
    assert time.now - 1000.0 == pytest.approx(7.5)


async def test_unlisted_platforms_are_not_paced_but_honour_retry_after(time: Time):
    """The console is never slowed down, yet a Retry-After still holds it back."""
    paced = pacer(time, rates={})
    key = paced.key("console", "local")
    for _ in range(1000):
        await paced.acquire(key)
    assert time.slept == []
    paced.block(key, 3)
    assert paced.delay(key) == pytest.approx(3)
