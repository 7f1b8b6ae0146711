"""Several workers on one PostgreSQL database: each due item is sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from bot.bench.fanout import PLATFORM, RecordingMessenger, bench_content, fanout, seed
from bot.core.clock import FixedClock
from bot.core.db import create_engine
from bot.core.delivery.dispatcher import Dispatcher

MEMBERS = 120


async def drain(dispatcher: Dispatcher, now: datetime) -> None:
    while True:
        if (await dispatcher.tick()).busy:
            continue
        wake = await dispatcher.next_wake()
        if wake is None or wake > now:
            return
        await asyncio.sleep(0.001)


async def test_two_workers_in_one_loop_send_each_item_once(postgres_url: str):
    """Two dispatchers with their own connections, claiming small batches at once."""
    now = datetime(2026, 3, 3, 9, tzinfo=UTC)
    await seed(postgres_url, MEMBERS, now)
    workers = []
    for name in ("one", "two"):
        engine = create_engine(postgres_url)
        messenger = RecordingMessenger()
        dispatcher = Dispatcher(
            engine,
            bench_content(),
            FixedClock(now),
            {PLATFORM: messenger},
            worker=name,
            batch_size=7,
        )
        workers.append((engine, messenger, dispatcher))
    try:
        await asyncio.gather(*(drain(dispatcher, now) for _, _, dispatcher in workers))
    finally:
        for engine, _, _ in workers:
            await engine.dispose()
    sent = Counter(pair for _, messenger, _ in workers for pair in messenger.delivered)
    assert len(sent) == MEMBERS
    assert set(sent.values()) == {1}


def test_two_worker_processes_send_each_item_once(postgres_url: str):
    """`bench fanout --workers 2`: separate processes sharing the database, no duplicates."""
    result = fanout(MEMBERS, postgres_url, workers=2, batch=10)
    assert (result["delivered"], result["duplicates"], result["missing"]) == (MEMBERS, 0, 0)
