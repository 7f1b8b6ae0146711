"""Lanes and the group writer: outcomes that arrive together are committed before lanes go on."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.core.delivery.pacer import Pacer
from bot.core.messages import Message
from bot.core.ports import Recipient, SendResult
from tests.core.delivery.conftest import FakeMessenger, World, make_dispatcher

DUE = datetime(2026, 3, 3, 9, tzinfo=UTC)
NAMES = ("ada", "bob", "cy", "dee", "eve", "fay", "gus")
LANES = 3


class RoundsMessenger(FakeMessenger):
    """Each DM takes the platform a second; the DMs of a round of lanes are answered together."""

    def __init__(self, world: World, lanes: int) -> None:
        super().__init__(world.clock)
        self.round = asyncio.Barrier(lanes)
        self.together = len(NAMES) // lanes * lanes
        self.asked = 0

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        self.clock.advance(timedelta(seconds=1))
        self.asked += 1
        if self.asked <= self.together:
            await asyncio.wait_for(self.round.wait(), timeout=10)
        return await super().send_dm(to, message, key)


async def _due(world: World) -> None:
    for name in NAMES:
        await world.join(name, "ai-engineer")
    world.clock.set(DUE)


async def test_outcomes_that_arrive_together_are_committed_before_any_lane_sends_again(
    world: World,
):
    """Three lanes' DMs answered at once are written down, together, before DM four goes out."""
    await _due(world)
    messenger = RoundsMessenger(world, LANES)
    dispatcher = make_dispatcher(
        world.engine,
        world.services,
        world.clock,
        messenger,
        concurrency=LANES,
        pacer=Pacer(rates={}),
    )
    report = await dispatcher.tick()
    assert report.sent == len(NAMES)
    # A row's sent_at is the moment its group was written: after the last DM of its round.
    written = {}
    for sent in messenger.sent:
        (row,) = await world.deliveries(sent.user_id)
        written[sent.user_id] = int((row.sent_at - DUE).total_seconds())
    assert [written[sent.user_id] for sent in messenger.sent] == [3, 3, 3, 6, 6, 6, 7]


async def test_a_worker_dying_between_groups_repeats_at_most_one_message_per_lane(world: World):
    """The worker stops mid-group: only DMs sent and not yet committed go again, once each."""
    await _due(world)
    doomed = make_dispatcher(
        world.engine,
        world.services,
        world.clock,
        world.messenger,
        concurrency=LANES,
        pacer=Pacer(rates={}),
    )
    original = world.messenger.send_dm
    ticking = asyncio.create_task(doomed.tick())

    async def send_then_die(to, message, key):
        result = await original(to, message, key)
        if len(world.messenger.sent) == LANES + 2:
            ticking.cancel()  # nothing of the worker runs after this: no more sends, no writes
        return result

    world.messenger.send_dm = send_then_die
    with pytest.raises(asyncio.CancelledError):
        await ticking
    world.messenger.send_dm = original
    before = Counter(sent.user_id for sent in world.messenger.sent)
    world.clock.advance(doomed.lease + timedelta(seconds=1))
    await world.tick()
    after = Counter(sent.user_id for sent in world.messenger.sent)
    assert set(after) == set(NAMES)
    repeated = [name for name in NAMES if after[name] == 2]
    assert 0 < len(repeated) <= LANES
    assert set(repeated) <= set(before)
    assert max(after.values()) == 2
