"""The Discord connection the runtime starts: log in, keep the gateway open until `stop`."""

from __future__ import annotations

import asyncio
import logging

import discord
from discord.utils import MISSING

from bot.checks import StartupProblem
from bot.core.messages import Message
from bot.core.safety import safe_message
from bot.platforms.discord.client import NO_MENTIONS, MentorClient, log_in
from bot.platforms.discord.messenger import DiscordMessenger, NotConnected
from bot.platforms.discord.render import render

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

    async def announce(self, channel: str, message: Message) -> None:
        """Post in a server channel, named by id or by name (the first channel of that name in
        the bot's servers). The bot needs Send Messages and Embed Links there."""
        target = self._channel(channel)
        for page in render(safe_message(message)):
            await target.send(
                embeds=page.embeds,
                view=page.view or MISSING,
                files=page.files or MISSING,
                allowed_mentions=NO_MENTIONS,
            )

    def _channel(self, channel: str) -> discord.abc.Messageable:
        name = channel.strip().lstrip("#")
        if name.isdigit():
            return self.client.get_partial_messageable(int(name))
        for found in self.client.get_all_channels():
            if isinstance(found, discord.TextChannel) and found.name == name:
                return found
        raise ValueError(f"no text channel called #{name} in the bot's servers")

    async def run(self, stop: asyncio.Event) -> None:
        stopped = asyncio.create_task(stop.wait())
        login = asyncio.create_task(log_in(self.client, self._token, self._api))
        # A stop while Discord is slow to answer the login must not wait for it.
        await asyncio.wait({login, stopped}, return_when=asyncio.FIRST_COMPLETED)
        if not login.done() or login.exception() is not None:
            stopped.cancel()
            login.cancel()
            await self.client.close()
            if login.done() and not login.cancelled():
                login.result()  # the refusal, for the operator
            return
        self._logged_in.set()
        connection = asyncio.create_task(self.client.connect(reconnect=True), name="gateway")
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
        return StartupProblem("Discord asks for privileged intents, which mentorbot does not use")
    if isinstance(error, discord.ConnectionClosed) and error.code == 4004:
        return StartupProblem("DISCORD_TOKEN: Discord closed the gateway, the token is not valid")
    return error
