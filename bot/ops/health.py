"""`GET /healthz`: is the database answering, is the delivery scheduler ticking, is every
platform connected. Healthy only when all three are."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.ports import Adapter
from bot.runtime import DeliveryScheduler

DATABASE_TIMEOUT = 2.0
# A scheduler is late when no tick has ended for this many intervals (and a minute at least)
# while none is running; a long fan-out in progress is work, not a stall.
LATE_TICKS = 3
LATE_AT_LEAST = 60.0


@dataclass(frozen=True)
class HealthSources:
    engine: AsyncEngine
    scheduler: DeliveryScheduler
    adapters: Sequence[Adapter] = ()


async def check(sources: HealthSources) -> tuple[bool, dict[str, Any]]:
    """Whether the process is healthy, and the JSON body that says why."""
    database = await _database(sources.engine)
    scheduler = _scheduler(sources.scheduler)
    platforms = {a.platform: {"connected": is_connected(a)} for a in sources.adapters}
    healthy = (
        database["reachable"]
        and scheduler["healthy"]
        and all(p["connected"] for p in platforms.values())
    )
    body = {
        "status": "ok" if healthy else "unhealthy",
        "database": database,
        "scheduler": scheduler,
        "platforms": platforms,
    }
    return healthy, body


async def _database(engine: AsyncEngine) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        async with asyncio.timeout(DATABASE_TIMEOUT):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception as error:
        # The error's kind only: its text may carry the database URL.
        return {"reachable": False, "error": type(error).__name__}
    return {"reachable": True, "seconds": round(time.perf_counter() - started, 4)}


def _scheduler(scheduler: DeliveryScheduler) -> dict[str, Any]:
    status = scheduler.status()
    late_after = max(LATE_TICKS * status.interval, LATE_AT_LEAST)
    healthy = status.running_for is not None or status.since_last <= late_after
    return {
        "healthy": healthy,
        "last_tick_age_seconds": round(status.since_last, 3),
        "running_tick_seconds": None
        if status.running_for is None
        else round(status.running_for, 3),
        "ticks": status.ticks,
        "interval_seconds": status.interval,
        "late_after_seconds": late_after,
    }


def is_connected(adapter: Adapter) -> bool:
    """What the adapter says; an adapter that cannot say is not connected."""
    try:
        return bool(adapter.connected())
    except Exception:
        return False
