"""Lets waiting work start one piece per trip around the event loop, and none while something
more urgent is pending.

A command on a SQLite file runs to its answer without giving the event loop a turn (the
statements run in the loop's own thread). When a burst of interactions is woken together,
their commands would run back to back in one trip, and nothing else, not even reading the next
interaction off the socket to acknowledge it, would happen until all were done. Passing a
turnstile first, each starts in a trip of its own, after the loop has looked at its sockets,
and only while `hold()` is false (no interaction waits for its acknowledgement, say). On
PostgreSQL a command gives the loop a turn at its first statement anyway, so this costs little
there.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Callable

# However long `hold()` stays true, work starts again after this long (seconds).
LONGEST_HOLD = 1.0


class Turnstile:
    def __init__(
        self, hold: Callable[[], bool] = lambda: False, longest_hold: float = LONGEST_HOLD
    ) -> None:
        self._hold = hold
        self._longest_hold = longest_hold
        # Each waiter, and when it passes however long `hold()` stays true.
        self._queue: deque[tuple[asyncio.Future[None], float]] = deque()
        self._pump: asyncio.Task[None] | None = None
        self._moved = asyncio.Event()

    def nudge(self) -> None:
        """What `hold()` depends on has changed."""
        self._moved.set()

    async def wait(self) -> None:
        """Return in a trip around the loop of its own, in the order of arrival."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._queue.append((future, loop.time() + self._longest_hold))
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._let_through())
        await future

    async def _let_through(self) -> None:
        while self._queue:
            future, deadline = self._queue[0]
            await self._while_held(deadline)
            self._queue.popleft()
            if not future.done():  # its waiter was cancelled
                future.set_result(None)
                # The waiter runs before this task does again: one per trip.
                await asyncio.sleep(0)

    async def _while_held(self, deadline: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout_at(deadline):
                while self._hold():
                    self._moved.clear()
                    await self._moved.wait()
