"""The turnstile lets work start one piece per trip around the event loop, in order, and none
while something more urgent is pending."""

from __future__ import annotations

import asyncio

from bot.platforms.turnstile import Turnstile


async def test_waiters_pass_in_order_one_per_trip_around_the_loop():
    """Between two waiters passing, a callback scheduled meanwhile (reading a socket, say) runs."""
    gate = Turnstile()
    events: list[str] = []
    loop = asyncio.get_running_loop()

    async def work(name: str) -> None:
        await gate.wait()
        events.append(name)
        # Something that arrives while this work runs gets its turn before the next work.
        loop.call_soon(events.append, f"after {name}")

    await asyncio.gather(*(work(name) for name in "abc"))
    assert events == ["a", "after a", "b", "after b", "c", "after c"]


async def test_nothing_passes_while_held_and_a_nudge_lets_it_through():
    pending = {"ack"}
    gate = Turnstile(hold=lambda: bool(pending))
    passed = asyncio.create_task(gate.wait())
    for _ in range(20):
        await asyncio.sleep(0)
    assert not passed.done()
    pending.clear()
    gate.nudge()
    await asyncio.wait_for(passed, timeout=1)


async def test_a_hold_that_never_ends_lets_work_through_after_the_longest_hold():
    gate = Turnstile(hold=lambda: True, longest_hold=0.05)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(gate.wait(), timeout=1)
    assert asyncio.get_running_loop().time() - started >= 0.05


async def test_under_a_hold_that_never_ends_each_waiter_waits_the_longest_hold_once():
    """Waiters that arrived together all pass once their own longest hold is over, not one
    longest hold after another."""
    gate = Turnstile(hold=lambda: True, longest_hold=0.1)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(asyncio.gather(*(gate.wait() for _ in range(5))), timeout=1)
    assert asyncio.get_running_loop().time() - started < 0.3


async def test_a_cancelled_waiter_does_not_block_those_behind_it():
    gate = Turnstile(hold=lambda: False)
    first = asyncio.create_task(gate.wait())
    second = asyncio.create_task(gate.wait())
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.wait_for(second, timeout=1)
    assert first.cancelled()
