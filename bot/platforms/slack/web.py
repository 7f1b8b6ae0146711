"""The process's one HTTP session to Slack: Web API calls, response_url posts and file
downloads share it, with 429s waited out and retried."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.core.messages import Message
from bot.platforms.slack import limits
from bot.platforms.slack.blocks import render

# Slack serves files from its own hosts; the bot token is sent to no other.
_FILE_HOSTS = (".slack.com", ".slack-gov.com")


class SlackWeb:
    def __init__(self, token: str, base_url: str) -> None:
        self._token = token
        self._api_host = urlsplit(base_url).hostname or ""
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self.retry_handlers = [
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=limits.RATE_LIMIT_RETRIES),
        ]
        self.client = AsyncWebClient(
            token=token,
            base_url=base_url,
            session=self.session,
            retry_handlers=self.retry_handlers,
        )

    async def post(self, channel: str, message: Message, **extra: Any) -> Any:
        """Post `message` as the bot, in as many messages as its length needs; returns Slack's
        answer for the last one."""
        response: Any = None
        for page in render(message):
            response = await self.client.chat_postMessage(
                channel=channel, text=page.text, blocks=page.blocks, unfurl_links=False, **extra
            )
        return response

    async def respond(self, response_url: str, body: dict[str, Any]) -> bool:
        """Post to an interaction's response_url; False when Slack no longer takes it."""
        hook = AsyncWebhookClient(
            response_url, session=self.session, retry_handlers=self.retry_handlers
        )
        response = await hook.send_dict(body)
        return response.status_code == 200

    async def download(self, url: str) -> bytes:
        """A file a member shared, fetched with the bot token (Slack's files are private)."""
        host = urlsplit(url).hostname or ""
        if host != self._api_host and not host.endswith(_FILE_HOSTS):
            raise ValueError(f"not a Slack file address: {host}")
        headers = {"Authorization": f"Bearer {self._token}"}
        async with self.session.get(url, headers=headers) as response:
            response.raise_for_status()
            return await response.read()

    async def aclose(self) -> None:
        await self.session.close()
