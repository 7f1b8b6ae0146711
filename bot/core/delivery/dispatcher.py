"""The delivery tick: queue what fell due, claim it, send it through the pacer, record the outcome.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.core.clock import Clock, MovableClock
from bot.core.delivery.claim import MEMBER, claim_deliveries, next_wake
from bot.core.delivery.enqueue import enqueue_due
from bot.core.delivery.observe import lags, log_outcome
from bot.core.delivery.pacer import Pacer
from bot.core.delivery.record import Attempt, record, release
from bot.core.messages import Message
from bot.core.metrics import NoMetrics
from bot.core.models import DeliveryKind
from bot.core.ports import Messenger, Metrics, Outcome, Recipient, SendResult, SentBefore
from bot.core.safety import safe_message
from bot.core.services import ContentStore
from bot.core.views import item_message, nudge_message

log = logging.getLogger(__name__)

# How often a tick that is still sending looks for members who fell due meanwhile.
REQUEUE_EVERY = timedelta(seconds=15)
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


@dataclass
class _Job:
    row: Row
    recipient: Recipient | None
    message: Message | None
    # Why the row cannot be sent at all (its item left the content, say).
    skip: str | None = None


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
        """Queue every due member, then send every due delivery; cheap when nothing is due."""
        report = TickReport()
        async with self._lock:
            if self._stopping:
                return report
            wake = await self.next_wake()
            if wake is None or wake > self.clock.now():
                return report
            # A long, rate-limited send queues again now and then, so members who fall due
            # meanwhile do not wait for it to finish.
            queue_again_at = self.clock.now()
            while True:
                planned = TickReport()
                if self.clock.now() >= queue_again_at:
                    planned = await self._enqueue_all()
                    queue_again_at = self.clock.now() + REQUEUE_EVERY
                batch = await self._send_batch()
                report.add(planned)
                report.add(batch)
                if self._stopping or not (planned.busy or batch.busy):
                    return report

    async def tick_logged(self) -> None:
        """For the scheduler: a failed tick is logged and the next one tries again."""
        if self._lock.locked():
            return  # the previous tick is still sending; it queues what falls due meanwhile
        try:
            report = await self.tick()
        except Exception:
            log.exception("delivery tick failed in worker %s", self.worker)
            return
        if report.busy:
            log.info("delivery tick: %s", report)

    async def _enqueue_all(self) -> TickReport:
        report = TickReport()
        for platform in sorted(self.messengers):
            while True:
                async with self.engine.begin() as conn:
                    planned = await enqueue_due(
                        conn,
                        self.content.current,
                        platform,
                        self.clock.now(),
                        self.batch_size,
                        self.pacing_limit,
                    )
                report.members += planned.members
                report.queued += planned.items
                report.nudged += planned.nudges
                if planned.members < self.batch_size:
                    break
        self.metrics.queued(report.queued, report.nudged)
        return report

    async def _send_batch(self) -> TickReport:
        async with self.engine.begin() as conn:
            claimed = await claim_deliveries(
                conn, self.worker, self.clock.now(), self.lease, self.batch_size
            )
            if not claimed:
                return TickReport()
            jobs = await self._jobs(conn, claimed)
        return await self._send_and_record(jobs)

    async def _send_and_record(self, jobs: list[_Job]) -> TickReport:
        """Lanes send; one writer commits what they sent before they may send again."""
        report = TickReport()
        order = iter(jobs)
        written: list[tuple[Attempt, asyncio.Future]] = []
        unsent: list[_Job] = []
        ready = asyncio.Event()
        lanes_done = False

        # A few lanes share one iterator: sends overlap on a slow network without a task each.
        async def lane() -> None:
            for job in order:
                if self._stopping:
                    unsent.append(job)
                    continue
                result = await self._send_one(job)
                committed = asyncio.get_running_loop().create_future()
                written.append((Attempt(job.row, result, job.skip), committed))
                ready.set()
                await committed

        async def lanes() -> None:
            nonlocal lanes_done
            running = (lane() for _ in range(min(self.concurrency, len(jobs))))
            results = await asyncio.gather(*running, return_exceptions=True)
            lanes_done = True
            ready.set()
            for result in results:
                if isinstance(result, BaseException):
                    raise result

        async def writer(conn: AsyncConnection) -> None:
            failure: Exception | None = None
            while written or not lanes_done:
                await ready.wait()
                ready.clear()
                batch = written[:]
                del written[:]
                if batch and failure is None:
                    try:
                        await self._write(conn, [attempt for attempt, _ in batch], report)
                    except Exception as error:
                        # The lanes stop; their rows stay claimed until the lease lapses.
                        failure = error
                for _, committed in batch:
                    if failure is None:
                        committed.set_result(None)
                    else:
                        committed.set_exception(failure)
            if failure is not None:
                raise failure

        # One connection for the whole batch: a transaction per handful of DMs is the hot path.
        async with self.engine.connect() as conn:
            await asyncio.gather(lanes(), writer(conn))
            if unsent:
                async with conn.begin():
                    await release(conn, [job.row for job in unsent], self.clock.now())
                log.info("stopping: %d claimed deliveries put back in the queue", len(unsent))
        return report

    async def _write(
        self, conn: AsyncConnection, attempts: list[Attempt], report: TickReport
    ) -> None:
        now = self.clock.now()
        async with conn.begin():
            counts = await record(conn, attempts, now)
        for name, count in counts.items():
            setattr(report, name, getattr(report, name) + count)
        self.metrics.deliveries(counts, lags(attempts, now))

    async def _jobs(self, conn: AsyncConnection, claimed: Sequence[Row]) -> list[_Job]:
        member_ids = list({row.member_id for row in claimed})
        members = {
            m.id: m
            for m in await conn.execute(
                select(
                    MEMBER.c.id,
                    MEMBER.c.platform,
                    MEMBER.c.workspace_id,
                    MEMBER.c.user_id,
                    MEMBER.c.display_name,
                    MEMBER.c.timezone,
                ).where(MEMBER.c.id.in_(member_ids))
            )
        }
        content = self.content.current
        jobs = []
        for row in claimed:
            member = members.get(row.member_id)
            path = content.path(row.path_id)
            item = path.item(row.item_id) if path else None
            if member is None or path is None or item is None:
                jobs.append(_Job(row, None, None, skip="the member or the item no longer exists"))
                continue
            recipient = Recipient(
                member.platform,
                member.workspace_id,
                member.user_id,
                member.display_name,
                member.timezone,
            )
            if row.kind == DeliveryKind.NUDGE:
                message = nudge_message(path, self.pacing_limit)
            else:
                message = item_message(item, path)
            jobs.append(_Job(row, recipient, message))
        return jobs

    async def _send_one(self, job: _Job) -> SendResult | Exception | None:
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
            result = await messenger.send_dm(
                job.recipient, safe_message(job.message), delivery_key(job.row.id)
            )
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
