"""Where answers go when Slack's first choice is closed: expired response_urls, edits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core.messages import Form, Message, TextInput
from bot.platforms.slack.replier import EPHEMERAL, SlackReplier, Where
from bot.platforms.slack.web import SlackWeb
from bot.testing.fake_slack import BOT_TOKEN, FakeSlack
from tests.platforms.slack.conftest import ADA, text_of


@pytest.fixture
async def web(fake: FakeSlack) -> AsyncIterator[SlackWeb]:
    web = SlackWeb(BOT_TOKEN, fake.base_url)
    yield web
    await web.aclose()


async def test_an_expired_response_url_sends_the_answer_by_dm(web: SlackWeb, fake: FakeSlack):
    """Slack refusing the response_url (more than 30 minutes, five uses) is no lost answer."""
    expired = f"{fake.root}/respond/gone"
    ref = await SlackReplier(web, Where(ADA, response_url=expired)).send(Message(body="hi"))
    (post,) = fake.called("chat.postMessage")
    assert post.args["channel"] == ADA and ref.channel_id == fake.dm(ADA)


async def test_a_sixth_private_answer_goes_by_dm(web: SlackWeb, fake: FakeSlack):
    """A response_url takes five messages; the sixth answer goes to the member's DM."""
    url = fake.response_url()
    reply = SlackReplier(web, Where(ADA, response_url=url))
    for n in range(6):
        await reply.send(Message(body=f"answer {n}"))
    assert len(fake.posted(url)) == 5
    (post,) = fake.called("chat.postMessage")
    assert "answer 5" in text_of(post.args["blocks"])


async def test_a_private_answer_is_edited_through_its_response_url(web: SlackWeb, fake: FakeSlack):
    """An ephemeral message has no ts: its edit replaces it through the response_url."""
    url = fake.response_url()
    reply = SlackReplier(web, Where(ADA, response_url=url))
    ref = await reply.send(Message(body="first"))
    await reply.edit(ref, Message(body="second"))
    first, second = fake.posted(url)
    assert ref.channel_id == EPHEMERAL
    assert (first["replace_original"], second["replace_original"]) == (False, True)
    assert "second" in text_of(second["blocks"])


async def test_no_trigger_means_no_form(web: SlackWeb):
    """Without a trigger_id (a DM message) the caller gets the typed alternative."""
    assert await SlackReplier(web, Where(ADA)).form(Form("a", "t", (TextInput("x", "x"),))) is False
