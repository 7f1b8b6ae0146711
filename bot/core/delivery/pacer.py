"""Keeps each platform under its sending limits and honours the Retry-After it sends back.

One token bucket per platform (Discord's limit is per bot) or per workspace (Slack's is per
workspace), at the rate each platform's messenger declares. A 429 blocks the bucket for the
Retry-After the platform gave; nothing is dropped: the dispatcher puts the refused delivery back
in the queue for after that time.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from bot.core.ports import Rate

Key = tuple[str, str]


class _Bucket:
    def __init__(self, rate: Rate | None, now: float) -> None:
        self.rate = rate
        self.tokens = float(rate.burst) if rate else 0.0
        self.updated = now
        self.blocked_until = 0.0

    def wait(self, now: float) -> float:
        """Seconds until a send is allowed; 0 means go ahead now."""
        if now < self.blocked_until:
            return self.blocked_until - now
        if self.rate is None:
            return 0.0
        elapsed = now - self.updated
        self.tokens = min(float(self.rate.burst), self.tokens + elapsed * self.rate.per_second)
        self.updated = now
        # A hair under one token is one token: float sums of refills seldom land exactly on 1.
        if self.tokens >= 1 - 1e-9:
            return 0.0
        return (1 - self.tokens) / self.rate.per_second

    def take(self) -> None:
        if self.rate is not None:
            self.tokens = max(0.0, self.tokens - 1)


class Pacer:
    def __init__(
        self,
        rates: dict[str, Rate | None] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        # Platforms with no rate (the console, the benchmark's fake) are not paced, but a
        # Retry-After from them is still honoured.
        self._rates = dict(rates or {})
        self._monotonic = monotonic
        self._sleep = sleep
        self._buckets: dict[Key, _Bucket] = {}

    def set_rate(self, platform: str, rate: Rate | None) -> None:
        self._rates[platform] = rate
        for key in [k for k in self._buckets if k[0] == platform]:
            del self._buckets[key]

    def key(self, platform: str, workspace_id: str) -> Key:
        rate = self._rates.get(platform)
        return (platform, workspace_id if rate is not None and rate.per_workspace else "")

    def _bucket(self, key: Key) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self._rates.get(key[0]), self._monotonic())
        return bucket

    def delay(self, key: Key) -> float:
        """How long a send under `key` would have to wait now."""
        return self._bucket(key).wait(self._monotonic())

    async def acquire(self, key: Key) -> None:
        """Wait for a token, then take it."""
        bucket = self._bucket(key)
        while (wait := bucket.wait(self._monotonic())) > 0:
            await self._sleep(wait)
        bucket.take()

    def block(self, key: Key, seconds: float) -> None:
        """The platform said 429: send nothing more under `key` for `seconds`."""
        bucket = self._bucket(key)
        bucket.blocked_until = max(bucket.blocked_until, self._monotonic() + seconds)
