"""Lesson DMs through the real dispatcher and slack-sdk to the local Slack: metadata, 429s,
refusals, and no second post after a crash."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.errors import SlackApiError
from sqlmodel import select

from bot.app import App, build_app, create_messenger
from bot.core.clock import FixedClock
from bot.core.delivery.claim import claim_deliveries
from bot.core.delivery.dispatcher import delivery_key
from bot.core.members import Caller
from bot.core.messages import Message
from bot.core.models import Delivery, DeliveryStatus, Member, MemberStatus
from bot.core.ports import Outcome, Recipient
from bot.platforms.slack import limits
from bot.platforms.slack.messenger import SlackMessenger
from bot.testing.fake_slack import TEAM, FakeSlack
from tests.conftest import START, Replies
from tests.core.delivery.test_resend import LEASE
from tests.platforms.slack.conftest import ADA, slack_settings

DUE = datetime(2026, 3, 3, 9, tzinfo=UTC)
CALLER = Caller("slack", TEAM, ADA, "Ada", timezone="UTC")


@dataclass
class Post:
    app: App
    fake: FakeSlack
    clock: FixedClock
    messenger: SlackMessenger

    async def join(self) -> None:
        for line in ("/mentor schedule 09:00 UTC", "/mentor join ai-engineer"):
            await self.app.router.text(CALLER, line, Replies())

    async def deliveries(self) -> list[Delivery]:
        async with self.app.services.db() as session:
            return list((await session.exec(select(Delivery).order_by(Delivery.id))).all())

    def posts(self) -> list[dict]:
        return [c.args for c in self.fake.called("chat.postMessage")]


@pytest.fixture
async def post(clean_env: None, tmp_path: Path, fake: FakeSlack) -> AsyncIterator[Post]:
    """The app with the Slack messenger `mentorbot worker` uses, on a clock the test moves."""
    settings = slack_settings(tmp_path, fake)
    clock = FixedClock(START)
    app = await build_app(settings, clock)
    messenger = create_messenger("slack", settings)
    app.dispatcher.add_messenger(messenger)
    yield Post(app, fake, clock, messenger)
    await messenger.aclose()
    await app.close()


async def test_a_lesson_dm_goes_out_after_a_429_with_its_delivery_in_the_metadata(post: Post):
    """A 429 is waited out for its Retry-After and retried; the DM names its delivery."""
    await post.join()
    post.fake.rate_limit("chat.postMessage", 1)
    post.clock.set(DUE)
    report = await post.app.dispatcher.tick()
    assert report.sent == 1
    first, second = post.fake.called("chat.postMessage")
    assert second.at - first.at >= 1.0
    (row,) = await post.deliveries()
    assert row.status == DeliveryStatus.SENT
    (dm,) = post.posts()[1:]
    assert dm["channel"] == ADA
    assert dm["metadata"] == {
        "event_type": limits.DELIVERY_EVENT,
        "event_payload": {"key": delivery_key(row.id)},
    }
    assert dm["blocks"][0]["text"]["text"].startswith("Day 1 · Lesson:")
    assert all(len(b["text"]["text"]) <= 3000 for b in dm["blocks"] if b["type"] == "section")


async def test_still_limited_after_the_retries_the_dm_waits_and_is_not_dropped(post: Post):
    """Past the retry handler's retries the row goes back to the queue, then goes out once."""
    await post.join()
    post.fake.rate_limit("chat.postMessage", *[0] * (limits.RATE_LIMIT_RETRIES + 1))
    post.clock.set(DUE)
    report = await post.app.dispatcher.tick()
    assert (report.sent, report.retry_later) == (0, 1)
    (row,) = await post.deliveries()
    assert row.status == DeliveryStatus.PENDING
    post.clock.advance(timedelta(seconds=5))
    assert (await post.app.dispatcher.tick()).sent == 1
    assert len(post.posts()) == limits.RATE_LIMIT_RETRIES + 2


async def test_no_second_post_after_a_crash_between_sending_and_recording(post: Post):
    """Claimed, posted, not recorded: the resend finds the key in the DM's history instead."""
    await post.join()
    post.clock.set(DUE)
    await post.app.dispatcher._enqueue_all()
    async with post.app.engine.begin() as conn:
        (row,) = await claim_deliveries(conn, "crashed", DUE, LEASE, 10)
    to = Recipient("slack", TEAM, ADA, "Ada", "UTC")
    sent = await post.messenger.send_dm(to, Message(body="the lesson"), delivery_key(row.id))
    assert sent.outcome == Outcome.SENT
    post.clock.advance(LEASE + timedelta(seconds=1))
    report = await post.app.dispatcher.tick()
    assert report.sent == 1 and len(post.posts()) == 1
    (history,) = post.fake.called("conversations.history")
    assert history.args["include_all_metadata"] in ("1", "true")
    (stored,) = await post.deliveries()
    assert stored.status == DeliveryStatus.SENT


async def test_a_refusal_marks_the_member_unreachable_at_the_first(post: Post):
    """cannot_dm_bot: no retry, the member is unreachable and told why in progress."""
    await post.join()
    post.fake.refusals[ADA] = "cannot_dm_bot"
    post.clock.set(DUE)
    report = await post.app.dispatcher.tick()
    assert report.unreachable == 1 and len(post.posts()) == 1
    async with post.app.services.db() as session:
        member = (await session.exec(select(Member))).one()
    assert member.status == MemberStatus.UNREACHABLE
    assert member.status_reason.startswith(limits.UNREACHABLE["cannot_dm_bot"])


@pytest.mark.parametrize("code", sorted(limits.UNREACHABLE))
async def test_every_refusal_in_the_table_means_unreachable(post: Post, code: str):
    """Each Slack error that means "no DMs for this member" comes back as unreachable."""
    post.fake.refusals[ADA] = code
    to = Recipient("slack", TEAM, ADA, "Ada", "UTC")
    result = await post.messenger.send_dm(to, Message(body="hi"), "k")
    assert result.outcome == Outcome.UNREACHABLE and code in (result.reason or "")


async def test_a_bad_token_is_our_fault_and_raised(post: Post):
    """invalid_auth is not the member's doing: it is raised for the dispatcher to log."""
    post.messenger.web.client.token = "xoxb-wrong"
    to = Recipient("slack", TEAM, ADA, "Ada", "UTC")
    with pytest.raises(SlackApiError):
        await post.messenger.send_dm(to, Message(body="hi"), "k")
