"""Who is talking: names, zones and moderators from users.info, asked once per user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.platforms.slack.people import People
from bot.platforms.slack.web import SlackWeb
from bot.testing.fake_slack import BOT_TOKEN, TEAM, FakeSlack, user
from tests.platforms.slack.conftest import ADA, MOD, OWNER


@pytest.fixture
async def people(fake: FakeSlack) -> AsyncIterator[People]:
    web = SlackWeb(BOT_TOKEN, fake.base_url)
    yield People(web.client, frozenset({MOD}))
    await web.aclose()


async def test_the_profile_gives_name_zone_and_role_and_is_asked_once(
    people: People, fake: FakeSlack
):
    """Display name and zone come from the profile; owners moderate; one users.info a user."""
    ada = await people.caller(TEAM, ADA)
    again = await people.caller(TEAM, ADA)
    owner = await people.caller(TEAM, OWNER)
    assert (ada.display_name, ada.timezone, ada.is_moderator) == ("Ada", "America/New_York", False)
    assert again == ada and owner.is_moderator
    assert [c.args["user"] for c in fake.called("users.info")] == [ADA, OWNER]


async def test_without_a_profile_the_member_still_gets_an_answer(people: People, fake: FakeSlack):
    """users.info failing: the name Slack sent, the default zone, moderator only if listed."""
    stranger = await people.caller(TEAM, "UGHOST", "ghost")
    assert (stranger.display_name, stranger.timezone, stranger.is_moderator) == (
        "ghost",
        None,
        False,
    )
    fake.users.pop(MOD)
    assert (await people.caller(TEAM, MOD)).is_moderator


async def test_an_unknown_zone_in_a_profile_is_ignored(people: People, fake: FakeSlack):
    """A zone the bot's time zone database does not know leaves the default zone in place."""
    fake.users["UODD"] = user("UODD", "Odd", "Mars/Olympus_Mons")
    assert (await people.caller(TEAM, "UODD")).timezone is None
