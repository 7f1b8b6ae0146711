"""Sending a batch: a few lanes send, one writer commits what they sent before they go on.

Each lane sends one DM and waits until its outcome is committed. The outcomes that arrive while
the writer is busy form the next group: one transaction (`writer.group_writer`) and one future
that all their lanes wait on. So a worker that dies can have sent at most one DM per lane that
is not written down, and only those go out again once their claim lapses. A worker that is
stopping sends nothing more and puts the rest of the batch back in the queue.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.delivery.jobs import Job
from bot.core.delivery.record import Attempt, record, release
from bot.core.delivery.writer import GroupWriter, group_writer
from bot.core.ports import SendResult

log = logging.getLogger(__name__)

SendOne = Callable[[Job], Awaitable[SendResult | Exception | None]]
# Told each group's outcome counts, the attempts and the moment they were recorded.
Recorded = Callable[[Counter, list[Attempt], datetime], None]


async def send_and_record(
    engine: AsyncEngine,
    jobs: list[Job],
    send_one: SendOne,
    lanes: int,
    now: Callable[[], datetime],
    *,
    stopping: Callable[[], bool] = lambda: False,
    recorded: Recorded | None = None,
) -> Counter:
    """Send every job and store its outcome; how many outcomes of each kind there were."""
    counts: Counter = Counter()
    unsent: list[Job] = []
    order = iter(jobs)
    loop = asyncio.get_running_loop()
    waiting: list[Attempt] = []
    group: asyncio.Future = loop.create_future()
    arrived = asyncio.Event()
    lanes_done = False

    # The lanes share one iterator: sends overlap on a slow network without a task each.
    async def lane() -> None:
        for job in order:
            if stopping():
                unsent.append(job)
                continue
            result = await send_one(job)
            waiting.append(Attempt(job.row, result, job.skip))
            joined = group
            arrived.set()
            await joined

    async def all_lanes() -> None:
        nonlocal lanes_done
        running = (lane() for _ in range(min(lanes, len(jobs))))
        results = await asyncio.gather(*running, return_exceptions=True)
        lanes_done = True
        arrived.set()
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def writer(out: GroupWriter) -> None:
        nonlocal waiting, group
        failure: Exception | None = None
        while waiting or not lanes_done:
            await arrived.wait()
            arrived.clear()
            if not waiting:
                continue
            attempts, written = waiting, group
            waiting, group = [], loop.create_future()
            if failure is None:
                try:
                    moment = now()
                    outcomes = await record(out, attempts, moment)
                except Exception as error:
                    # The lanes stop; their rows stay claimed until the lease lapses.
                    failure = error
                else:
                    counts.update(outcomes)
                    if recorded is not None:
                        recorded(outcomes, attempts, moment)
            if written.done():
                continue  # cancelled: the tick is being shut down
            if failure is None:
                written.set_result(None)
            else:
                written.set_exception(failure)
        if failure is not None:
            raise failure

    async with group_writer(engine) as out:
        await asyncio.gather(all_lanes(), writer(out))
    if unsent:
        async with engine.begin() as conn:
            await release(conn, [job.row for job in unsent], now())
        log.info("stopping: %d claimed deliveries put back in the queue", len(unsent))
    return counts
