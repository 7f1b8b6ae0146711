"""Lesson DMs over Discord's REST API: open the DM channel, post the embeds with the buttons.

The same code sends for `mentorbot run` (on the connected client) and `mentorbot worker` (on a
client that only logs in to REST and never opens the gateway). Each part of a DM carries a nonce
made from the delivery's key, and discord.py sends `enforce_nonce`, so Discord drops a resend of
the same part made within a few minutes (after a crash between sending and recording).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable

import aiohttp
import discord
from discord.utils import MISSING

from bot.core.messages import Message
from bot.core.ports import RETRY_AFTER_SERVER_ERROR, Recipient, SendResult
from bot.platforms.discord import limits
from bot.platforms.discord.client import NO_MENTIONS, MentorClient, log_in
from bot.platforms.discord.render import render

log = logging.getLogger(__name__)

Connect = Callable[[], Awaitable[discord.Client]]


class NotConnected(Exception):
    """The client is not logged in (yet, or any more); the DM waits in the queue."""


def nonce(key: str, part: int) -> str:
    """At most 25 characters, the same for the same delivery and part every time."""
    return hashlib.sha256(f"{key}:{part}".encode()).hexdigest()[: limits.NONCE]


class DiscordMessenger:
    platform = "discord"
    rate = limits.RATE

    def __init__(self, connect: Connect, close: Callable[[], Awaitable[None]] | None = None):
        self._connect = connect
        self._close = close

    async def open(self) -> None:
        """Log in now, so a bad token stops a worker at start instead of failing every DM."""
        await self._connect()

    async def aclose(self) -> None:
        if self._close is not None:
            await self._close()

    async def send_dm(self, to: Recipient, message: Message, key: str) -> SendResult:
        try:
            client = await self._connect()
            channel = await client.create_dm(discord.Object(int(to.user_id)))
            for part, page in enumerate(render(message)):
                await channel.send(
                    embeds=page.embeds,
                    view=page.view or MISSING,
                    files=page.files or MISSING,
                    nonce=nonce(key, part),
                    allowed_mentions=NO_MENTIONS,
                )
        except NotConnected as error:
            return SendResult.retry_later(RETRY_AFTER_SERVER_ERROR, str(error))
        except discord.RateLimited as error:
            return SendResult.retry_later(error.retry_after)
        except discord.HTTPException as error:
            return _refused(error)
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            log.warning("cannot reach Discord to DM user %s: %s", to.user_id, error)
            return SendResult.retry_later(
                RETRY_AFTER_SERVER_ERROR, f"cannot reach Discord: {error}"
            )
        return SendResult.sent()


def _refused(error: discord.HTTPException) -> SendResult:
    reason = limits.UNREACHABLE.get(error.code)
    if reason is not None:
        return SendResult.unreachable(reason)
    if error.status == 429:
        # discord.py retried already; what is left waits in the queue.
        retry = error.response.headers.get("Retry-After", RETRY_AFTER_SERVER_ERROR)
        return SendResult.retry_later(float(retry), "rate limited by Discord")
    if error.status >= 500:
        return SendResult.retry_later(RETRY_AFTER_SERVER_ERROR, f"Discord answered {error.status}")
    raise error


class RestLogin:
    """A client that logs in to REST on first use and never opens the gateway (the worker's)."""

    def __init__(self, token: str, api_base_url: str) -> None:
        self._token = token
        self._api = api_base_url
        self._client: MentorClient | None = None
        self._lock = asyncio.Lock()

    async def __call__(self) -> discord.Client:
        async with self._lock:
            if self._client is None:
                client = MentorClient()
                await log_in(client, self._token, self._api)
                self._client = client
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
