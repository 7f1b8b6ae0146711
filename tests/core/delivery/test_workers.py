"""Several workers on one PostgreSQL database: each due item is sent exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime

from bot.bench.fanout import PLATFORM, bench_dispatcher, drain, fanout, seed
from bot.core.db import create_engine

MEMBERS = 120


async def test_two_workers_in_one_loop_send_each_item_once(postgres_url: str):
    """Two dispatchers with their own connections, claiming small batches at once."""
    now = datetime(2026, 3, 3, 9, tzinfo=UTC)
    await seed(postgres_url, MEMBERS, now)
    engines = [create_engine(postgres_url) for _ in range(2)]
    workers = [bench_dispatcher(engine, now, f"w{n}", 7) for n, engine in enumerate(engines)]
    try:
        await asyncio.gather(*(drain(dispatcher, now) for dispatcher in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    sent = Counter(pair for w in workers for pair in w.messengers[PLATFORM].delivered)
    assert len(sent) == MEMBERS
    assert set(sent.values()) == {1}


def test_two_worker_processes_send_each_item_once(postgres_url: str):
    """`bench fanout --workers 2`: separate processes sharing the database, no duplicates."""
    result = fanout(MEMBERS, postgres_url, workers=2, batch=10)
    assert (result["delivered"], result["duplicates"], result["missing"]) == (MEMBERS, 0, 0)
