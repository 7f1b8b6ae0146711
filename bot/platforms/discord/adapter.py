"""The Discord connection the runtime starts: log in, keep the gateway open until `stop`."""

from __future__ import annotations

import asyncio
import logging

import discord

from bot.core.errors import SetupError
from bot.platforms.discord.client import MentorClient, log_in
from bot.platforms.discord.messenger import DiscordMessenger, NotConnected

log = logging.getLogger(__name__)

# A delivery tick that starts before the login has finished waits this long for it.
LOGIN_WAIT = 10.0
# At a stop, commands being handled get this long to send their answers.
DRAIN = 10.0


class DiscordAdapter:
    platform = "discord"

    def __init__(self, client: MentorClient, token: str, api_base_url: str) -> None:
        self.client = client
        self._token = token
        self._api = api_base_url
        self._logged_in = asyncio.Event()
        # Lesson DMs go out on this client's REST session, sharing its rate-limit buckets.
        self.messenger = DiscordMessenger(self._logged_in_client)

    def connected(self) -> bool:
        return self.client.is_ready() and not self.client.is_closed()

    async def _logged_in_client(self) -> discord.Client:
        try:
            await asyncio.wait_for(self._logged_in.wait(), LOGIN_WAIT)
        except TimeoutError:
            raise NotConnected("not logged in to Discord yet") from None
        if self.client.is_closed():
            raise NotConnected("the Discord connection is closed")
        return self.client

    async def run(self, stop: asyncio.Event) -> None:
        await log_in(self.client, self._token, self._api)
        self._logged_in.set()
        connection = asyncio.create_task(self.client.connect(reconnect=True), name="gateway")
        stopped = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({connection, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            interactions = self.client.interactions
            if interactions is not None:
                interactions.closing = True
                if not await interactions.drained(DRAIN):
                    log.warning("stopping with interactions still being handled")
            await self.client.close()
            # Closing ends the gateway loop; it only needs a moment to return.
            await asyncio.wait({connection}, timeout=10)
            connection.cancel()
        if connection.cancelled() or stop.is_set():
            return
        error = connection.exception()
        if error is not None:
            raise _explained(error) from error


def _explained(error: BaseException) -> BaseException:
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return SetupError("Discord asks for privileged intents, which mentorbot does not use.")
    if isinstance(error, discord.ConnectionClosed) and error.code == 4004:
        return SetupError("Discord closed the gateway: DISCORD_TOKEN is not valid any more.")
    return error
