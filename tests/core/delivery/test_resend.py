"""A resend after a crash or an unclear failure asks the platform first: nothing arrives twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.core.delivery.claim import DELIVERY, claim_deliveries
from bot.core.delivery.dispatcher import delivery_key
from bot.core.messages import Message
from bot.core.models import DeliveryStatus
from bot.core.ports import Recipient, SendResult
from tests.core.delivery.conftest import FakeMessenger, World

DUE = datetime(2026, 3, 3, 9, tzinfo=UTC)
LEASE = timedelta(minutes=10)


class CheckingMessenger(FakeMessenger):
    """A platform that remembers which delivery keys it has posted, as Slack's metadata does."""

    def __init__(self, clock) -> None:
        super().__init__(clock)
        self.posted: set[str] = set()
        self.checked: list[str] = []

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        result = await super().send_dm(to, message, key)
        self.posted.add(key)
        return result

    async def already_sent(self, to: Recipient, key: str) -> bool:
        self.checked.append(key)
        return key in self.posted


def checking(world: World) -> CheckingMessenger:
    messenger = CheckingMessenger(world.clock)
    world.messenger = messenger
    world.dispatcher.add_messenger(messenger)
    return messenger


async def test_a_delivery_sent_by_a_worker_that_died_is_recorded_not_sent_again(world: World):
    """Claimed, posted, never recorded: once the lease lapses the DM is found and not resent."""
    messenger = checking(world)
    await world.join("ada", "ai-engineer")
    world.clock.set(DUE)
    await world.dispatcher._enqueue_all()
    async with world.engine.begin() as conn:
        (row,) = await claim_deliveries(conn, "dead-worker", DUE, LEASE, 10)
    # The dead worker's DM reached the platform; its outcome never reached the database.
    messenger.posted.add(delivery_key(row.id))
    world.clock.advance(LEASE + timedelta(seconds=1))
    await world.tick()
    assert messenger.attempts == []
    assert messenger.checked == [delivery_key(row.id)]
    (stored,) = await world.deliveries("ada")
    assert stored.status == DeliveryStatus.SENT
    enrollment = await world.enrollment("ada")
    assert enrollment.last_sent_item_id == row.item_id


async def test_first_attempts_and_waits_after_a_429_do_not_look(world: World):
    """Only a possible repeat costs a look-up: a first send and a retry after a 429 post at once."""
    messenger = checking(world)
    await world.join("ada", "ai-engineer")
    messenger.answer("ada", SendResult.retry_later(60))
    world.clock.set(DUE)
    await world.tick()
    world.clock.advance(timedelta(seconds=60))
    await world.tick()
    assert messenger.checked == []
    assert len(messenger.sent) == 1


async def test_after_an_unclear_failure_the_retry_looks_and_sends_when_missing(world: World):
    """A send that raised may or may not have posted: the retry looks, finds nothing, sends once."""
    messenger = checking(world)
    await world.join("ada", "ai-engineer")
    messenger.answer("ada", TimeoutError("no answer from the platform"))
    world.clock.set(DUE)
    await world.tick()
    async with world.engine.begin() as conn:
        await conn.execute(update(DELIVERY).values(due_at=DUE))
    await world.tick()
    assert len(messenger.checked) == 1
    assert len(messenger.sent) == 1
