"""`mentorbot bench fanout`: N enrolled members all due at once, delivered by K worker processes.

Each worker is a process of its own with its own engine and the real dispatcher, sending through
a zero-latency fake messenger that records every (member, item) it is given, so the parent can
count duplicates and misses. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import queue
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.core.clock import FixedClock
from bot.core.content import ContentSet, Item, LearningPath
from bot.core.content.model import Quiz
from bot.core.db import create_engine, upgrade
from bot.core.delivery.dispatcher import Dispatcher
from bot.core.messages import Message
from bot.core.models import Delivery, Enrollment, Member
from bot.core.ports import Recipient, SendResult
from bot.core.services import ContentStore

PLATFORM = "bench"
PATH_ID = "bench-path"
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
SEED_CHUNK = 5000
IDLE_TICKS = 50
STARTUP_TIMEOUT = 120
# A lesson body as long as a real one, so building each DM costs what it does in production.
BODY = ("**Objective:** measure the fan-out. " + "Lorem ipsum dolor sit amet. " * 110)[:3000]


def bench_content() -> ContentStore:
    items = tuple(
        Item(
            path_id=PATH_ID,
            id=f"bench-item-{day}",
            kind="lesson",
            day=day,
            title=f"Bench lesson {day}",
            minutes=8,
            objectives=("Deliver quickly",),
            tags=(),
            deliverable=None,
            body=BODY,
            source=Path("bench"),
        )
        for day in range(1, 11)
    )
    path = LearningPath(PATH_ID, "Bench", "A path for benchmarks", "Bench path", items)
    quiz = Quiz(explorer_margin=3, fallback_path=PATH_ID, questions=())
    return ContentStore(ContentSet({PATH_ID: path}, quiz), Path("bench"))


class RecordingMessenger:
    """Sends nothing, takes no time, remembers who got what."""

    platform = PLATFORM
    rate = None

    def __init__(self) -> None:
        self.delivered: list[tuple[str, str]] = []

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        self.delivered.append((to.user_id, message.title or ""))
        return SendResult.sent()


def _peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL benchmark database when it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    server = create_async_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with server.connect() as conn:
            found = await conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if found.first() is None:
                await conn.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
    finally:
        await server.dispose()


async def _clear(conn) -> None:
    bench_members = select(Member.__table__.c.id).where(Member.__table__.c.platform == PLATFORM)
    for table in (Delivery.__table__, Enrollment.__table__):
        await conn.execute(delete(table).where(table.c.member_id.in_(bench_members)))
    await conn.execute(delete(Member.__table__).where(Member.__table__.c.platform == PLATFORM))


async def seed(url: str, members: int, now: datetime) -> None:
    await ensure_database(url)
    engine = create_engine(url)
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await _clear(conn)
        # Start each run as clean as the first: without this the dead rows of earlier runs pile
        # up wherever autovacuum is off, and every run measures its predecessors' leftovers.
        await _maintain(engine, "VACUUM ANALYZE")
        member, enrollment = Member.__table__, Enrollment.__table__
        first_item = "bench-item-1"
        for start in range(0, members, SEED_CHUNK):
            numbers = range(start, min(members, start + SEED_CHUNK))
            async with engine.begin() as conn:
                await conn.execute(
                    insert(member),
                    [
                        {
                            "platform": PLATFORM,
                            "workspace_id": PLATFORM,
                            "user_id": str(n),
                            "display_name": f"member {n}",
                            "timezone": ZONES[n % len(ZONES)],
                            "delivery_time": "09:00",
                            "delivery_days": "mon,tue,wed,thu,fri,sat,sun",
                            "status": "active",
                            "created_at": now,
                            "updated_at": now,
                            "next_due_at": now - timedelta(minutes=1),
                        }
                        for n in numbers
                    ],
                )
                ids = (
                    await conn.execute(
                        select(member.c.id).where(
                            member.c.platform == PLATFORM,
                            member.c.user_id.in_([str(n) for n in numbers]),
                        )
                    )
                ).scalars()
                await conn.execute(
                    insert(enrollment),
                    [
                        {
                            "member_id": member_id,
                            "path_id": PATH_ID,
                            "current_item_id": first_item,
                            "status": "active",
                            "started_at": now,
                        }
                        for member_id in ids
                    ],
                )
        # Statistics for the members just loaded, as autovacuum would soon have them.
        await _maintain(engine, "ANALYZE")
    finally:
        await engine.dispose()


async def _maintain(engine, command: str) -> None:
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(command)


def bench_dispatcher(engine, now: datetime, name: str, batch: int) -> Dispatcher:
    """The real dispatcher on the bench content, at a clock that stands at `now`."""
    messengers = [RecordingMessenger()]
    return Dispatcher(
        engine, bench_content(), FixedClock(now), messengers, worker=name, batch_size=batch
    )


async def drain(dispatcher: Dispatcher, now: datetime) -> None:
    """Tick until nothing is due at `now` that another worker is not already sending."""
    while True:
        if (await dispatcher.tick()).busy:
            continue
        wake = await dispatcher.next_wake()
        if wake is None or wake > now:
            return
        # What is due is claimed by the other worker right now; look again shortly.
        await asyncio.sleep(0.005)


async def _deliver(url: str, now: datetime, name: str, batch: int, barrier) -> list:
    engine = create_engine(url)
    dispatcher = bench_dispatcher(engine, now, name, batch)
    try:
        await dispatcher.next_wake()  # connect before the clock starts
        await asyncio.to_thread(barrier.wait)
        await drain(dispatcher, now)
    finally:
        await engine.dispose()
    return dispatcher.messengers[PLATFORM].delivered


def _worker(url: str, now: str, name: str, batch: int, barrier, results) -> None:
    delivered = asyncio.run(_deliver(url, datetime.fromisoformat(now), name, batch, barrier))
    results.put((delivered, _peak_rss_mb()))


async def _idle_tick_ms(url: str, now: datetime) -> float:
    engine = create_engine(url)
    dispatcher = Dispatcher(engine, bench_content(), FixedClock(now), [RecordingMessenger()])
    try:
        timings = []
        for _ in range(IDLE_TICKS):
            started = time.perf_counter()
            report = await dispatcher.tick()
            timings.append((time.perf_counter() - started) * 1000)
            if report.busy:
                raise RuntimeError("the idle tick found work: the fan-out did not finish")
        return statistics.median(timings)
    finally:
        await engine.dispose()


async def _cleanup(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await _clear(conn)
    finally:
        await engine.dispose()


def _collect(results, processes) -> list:
    outcomes = []
    while len(outcomes) < len(processes):
        try:
            outcomes.append(results.get(timeout=1))
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                raise RuntimeError("a benchmark worker died; its error is printed above") from None
    return outcomes


def fanout(members: int, database: str | None, workers: int, batch: int) -> dict:
    scratch = None if database else tempfile.mkdtemp(prefix="mentorbot-bench-")
    url = database or f"sqlite+aiosqlite:///{scratch}/bench.db"
    if make_url(url).get_backend_name() == "sqlite" and workers > 1:
        raise ValueError(
            "SQLite serves one process, so --workers above 1 needs a PostgreSQL --database"
        )
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        asyncio.run(seed(url, members, now))
        spawn = multiprocessing.get_context("spawn")
        barrier = spawn.Barrier(workers + 1)
        results = spawn.Queue()
        processes = [
            spawn.Process(
                target=_worker, args=(url, now.isoformat(), f"bench-{k}", batch, barrier, results)
            )
            for k in range(workers)
        ]
        for process in processes:
            process.start()
        barrier.wait(timeout=STARTUP_TIMEOUT)
        started = time.perf_counter()
        outcomes = _collect(results, processes)
        seconds = time.perf_counter() - started
        for process in processes:
            process.join()
        idle_ms = asyncio.run(_idle_tick_ms(url, now))
        sent = [pair for delivered, _ in outcomes for pair in delivered]
        reached = {user for user, _ in sent}
        if database and len(sent) == len(reached) == members:
            asyncio.run(_cleanup(url))
        elif database:
            print(f"bench: the rows are left in {database} to look into", file=sys.stderr)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    return {
        "members": members,
        "workers": workers,
        "delivered": len(sent),
        "duplicates": len(sent) - len(set(sent)),
        "missing": members - len(reached),
        "seconds": round(seconds, 2),
        "deliveries_per_s": round(len(sent) / seconds) if seconds else 0,
        "idle_tick_ms": round(idle_ms, 2),
        "peak_rss_mb": round(max([_peak_rss_mb()] + [rss for _, rss in outcomes]), 1),
    }


def main(members: int, database: str | None, workers: int, batch: int) -> int:
    print(json.dumps(fanout(members, database, workers, batch)))
    return 0
