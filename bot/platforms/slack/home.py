"""The App Home tab: the core's home page, published when the member opens the tab and after
each of their commands and clicks, so it never shows yesterday's state."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.home import home
from bot.core.ports import Caller
from bot.core.services import Services
from bot.platforms.slack.blocks import home_view

log = logging.getLogger(__name__)


class HomeTab:
    def __init__(self, services: Services, client: AsyncWebClient) -> None:
        self.services = services
        self.client = client

    async def publish(self, caller: Caller) -> None:
        page = await home(self.services, caller)
        try:
            await self.client.views_publish(user_id=caller.user_id, view=home_view(page))
        except SlackApiError as error:
            # The answer has gone out already; a stale tab is fixed the next time it opens.
            log.warning("could not publish the home tab: %s", error.response.get("error"))
