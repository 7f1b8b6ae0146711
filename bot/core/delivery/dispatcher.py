"""The delivery tick: queue and claim what fell due, send it through the pacer, record the outcome.

Everything lives in the delivery table, so a restart picks up where the last run stopped. The
guarantee is at-least-once with a recorded outcome: each DM's outcome is written down the moment
it is known, so a worker that dies between sending and writing leaves just that row claimed;
when its lease lapses another worker sends that one message again (one per sending lane at
most). Nothing else repeats (see docs/delivery.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.core.clock import Clock, MovableClock
from bot.core.delivery.claim import claim_deliveries, next_wake, recipients
from bot.core.delivery.enqueue import Claim, enqueue_due
from bot.core.delivery.jobs import Job, build_jobs
from bot.core.delivery.lanes import send_and_record
from bot.core.delivery.observe import lags, log_outcome
from bot.core.delivery.pacer import Pacer
from bot.core.delivery.record import Attempt
from bot.core.metrics import NoMetrics
from bot.core.ports import Messenger, Metrics, Outcome, SendResult, SentBefore
from bot.core.services import ContentStore

log = logging.getLogger(__name__)

# A platform with no messenger in this process (say the bot runs with --platform console on a
# database that also has Discord members) keeps its rows; they are looked at again this late.
NO_MESSENGER_RETRY = 600.0


@dataclass
class TickReport:
    members: int = 0
    queued: int = 0
    nudged: int = 0
    sent: int = 0
    retry_later: int = 0
    unreachable: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def busy(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def add(self, other: TickReport) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def delivery_key(delivery_id: int) -> str:
    """The name a platform deduplicates a delivery's DM by (Discord nonce, Slack metadata)."""
    return f"mentorbot-delivery-{delivery_id}"


def default_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class Dispatcher:
    def __init__(
        self,
        engine: AsyncEngine,
        content: ContentStore,
        clock: Clock,
        messengers: Iterable[Messenger] = (),
        *,
        pacer: Pacer | None = None,
        pacing_limit: int = 3,
        worker: str | None = None,
        batch_size: int = 500,
        lease: timedelta = timedelta(minutes=10),
        concurrency: int = 8,
        max_wait: float = 5.0,
        metrics: Metrics | None = None,
    ) -> None:
        self.engine = engine
        self.content = content
        self.clock = clock
        self.messengers: dict[str, Messenger] = {}
        self.pacer = pacer or Pacer()
        for messenger in messengers:
            self.add_messenger(messenger)
        self.pacing_limit = pacing_limit
        self.worker = worker or default_worker_name()
        self.batch_size = batch_size
        self.lease = lease
        self.concurrency = concurrency
        # Longer than this behind a rate limit, a row goes back to the queue instead of waiting.
        self.max_wait = max_wait
        self.metrics = metrics or NoMetrics()
        self._lock = asyncio.Lock()
        self._stopping = False

    def stop(self) -> None:
        """Send nothing new: a running tick records what is in flight, puts back what it
        claimed and has not sent, and returns; later ticks do nothing."""
        self._stopping = True

    def add_messenger(self, messenger: Messenger) -> None:
        self.messengers[messenger.platform] = messenger
        self.pacer.set_rate(messenger.platform, messenger.rate)

    async def next_wake(self) -> datetime | None:
        async with self.engine.connect() as conn:
            return await next_wake(conn, sorted(self.messengers))

    async def tick(self) -> TickReport:
        """Queue and send every due member, then every due delivery; cheap when nothing is due.

        Members are queued a batch at a time and each batch is sent before the next is queued,
        so those who fall due during a long, rate-limited send are picked up as it goes.
        """
        report = TickReport()
        async with self._lock:
            if self._stopping:
                return report
            wake = await self.next_wake()
            if wake is None or wake > self.clock.now():
                return report
            while True:
                batch = await self._queue_and_send()
                if not self._stopping:
                    batch.add(await self._send_batch())
                report.add(batch)
                if self._stopping or not batch.busy:
                    return report

    async def tick_logged(self) -> None:
        """For the scheduler: a failed tick is logged and the next one tries again."""
        if self._lock.locked():
            return  # the previous tick is still sending; it queues what falls due as it goes
        try:
            report = await self.tick()
        except Exception:
            log.exception("delivery tick failed in worker %s", self.worker)
            return
        if report.busy:
            log.info("delivery tick: %s", report)

    async def _queue_and_send(self) -> TickReport:
        """A batch of due members of each platform: queued, claimed in the same step, sent."""
        report = TickReport()
        for platform in sorted(self.messengers):
            if self._stopping:
                break
            async with self.engine.begin() as conn:
                planned = await enqueue_due(
                    conn,
                    self.content.current,
                    platform,
                    self.clock.now(),
                    self.batch_size,
                    self.pacing_limit,
                    Claim(self.worker, self.lease),
                )
            report.members += planned.members
            report.queued += planned.items
            report.nudged += planned.nudges
            self.metrics.queued(planned.items, planned.nudges)
            if planned.claimed:
                report.add(await self._send(planned.claimed, planned.recipients))
        return report

    async def _send_batch(self) -> TickReport:
        """A batch of rows due again: retries, and claims a dead worker left to lapse."""
        async with self.engine.begin() as conn:
            claimed = await claim_deliveries(
                conn, self.worker, self.clock.now(), self.lease, self.batch_size
            )
            if not claimed:
                return TickReport()
            members = await recipients(conn, list({row.member_id for row in claimed}))
        return await self._send(claimed, members)

    async def _send(self, claimed: Sequence[Row], members: Mapping[int, Row]) -> TickReport:
        jobs = build_jobs(claimed, members, self.content.current, self.pacing_limit)
        counts = await send_and_record(
            self.engine,
            jobs,
            self._send_one,
            self.concurrency,
            self.clock.now,
            stopping=lambda: self._stopping,
            recorded=self._recorded,
        )
        return TickReport(**counts)

    def _recorded(self, counts: Counter, attempts: list[Attempt], now: datetime) -> None:
        self.metrics.deliveries(counts, lags(attempts, now))

    async def _send_one(self, job: Job) -> SendResult | Exception | None:
        if job.recipient is None or job.message is None:
            return None
        messenger = self.messengers.get(job.recipient.platform)
        if messenger is None:
            return SendResult.retry_later(
                NO_MESSENGER_RETRY, f"no {job.recipient.platform} messenger in this process"
            )
        if job.row.attempts > 1 and isinstance(messenger, SentBefore):
            # An earlier attempt may have posted it without its outcome being written down.
            try:
                if await messenger.already_sent(job.recipient, delivery_key(job.row.id)):
                    return SendResult.sent()
            except Exception as error:
                log.exception("looking for delivery %s in the DMs failed", job.row.id)
                return error
        key = self.pacer.key(job.recipient.platform, job.recipient.workspace_id)
        wait = self.pacer.delay(key)
        if wait > self.max_wait:
            return SendResult.retry_later(wait, "held back by the platform's rate limit")
        await self.pacer.acquire(key)
        try:
            result = await messenger.send_dm(job.recipient, job.message, delivery_key(job.row.id))
        except Exception as error:
            log.exception(
                "sending delivery %s (%s) to %s user %s failed",
                job.row.id,
                job.row.item_id,
                job.recipient.platform,
                job.recipient.user_id,
            )
            return error
        if result.outcome == Outcome.RETRY_LATER:
            self.pacer.block(key, result.retry_after)
        log_outcome(job.row, job.recipient, result)
        return result


async def pass_time(
    dispatcher: Dispatcher, clock: MovableClock, delta: timedelta, max_steps: int = 10_000
) -> None:
    """Move a simulated clock forward, ticking at each moment something falls due on the way.

    The console's `/wait 3d` shows three days of lessons, each at its own local time, as a bot
    left running would have sent them; a restart after downtime is different (one catch-up).
    """
    target = clock.now() + delta
    for _ in range(max_steps):
        wake = await dispatcher.next_wake()
        if wake is None or wake > target:
            break
        if wake > clock.now():
            clock.advance(wake - clock.now())
        if not (await dispatcher.tick()).busy:
            break
    if target > clock.now():
        clock.advance(target - clock.now())
    await dispatcher.tick()
