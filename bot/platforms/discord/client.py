"""The discord.py client mentorbot runs: where it connects, what it asks Discord for, and the
defaults every message it sends inherits."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import aiohttp
import discord
import yarl

from bot.checks import StartupProblem
from bot.core.commands import Command
from bot.platforms.discord.commands import MentorTree, build_tree
from bot.platforms.discord.components import DYNAMIC_ITEMS
from bot.platforms.discord.interactions import Interactions
from bot.redact import mask_credentials, mask_url
from bot.settings import Settings

log = logging.getLogger(__name__)

# Interactions arrive whatever the intents; the guilds intent keeps each server's roles at hand
# for the moderator role, and DM messages carry follow-up questions (their text comes without
# the message content intent). Nothing privileged (members, presences, message content).
INTENTS = discord.Intents(guilds=True, dm_messages=True)
NO_MENTIONS = discord.AllowedMentions.none()
# discord.py waits out a rate limit up to this long itself (30 s is its least); a longer one
# comes back as RateLimited, which the messenger hands to the delivery queue.
MAX_RATE_LIMIT_WAIT = 30.0


def point_at(settings: Settings) -> None:
    """Send REST calls and open the gateway where the settings say.

    discord.py builds every REST URL, the bot's and the interaction webhooks' alike, from
    `Route.BASE`, and opens the gateway at `DiscordWebSocket.DEFAULT_GATEWAY` (it resumes at the
    URL the READY event names). Both are class attributes, so one process talks to one Discord;
    they are set here, before any client is made.
    """
    discord.http.Route.BASE = settings.discord_api_base_url
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    # mentorbot has no voice; discord.py would warn at every start that voice is not installed.
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False


async def log_in(client: discord.Client, token: str, api_base_url: str) -> None:
    """Log in to REST; a refused token or an unreachable Discord is the operator's to fix."""
    try:
        await client.login(token)
    except discord.LoginFailure:
        await client.close()
        raise StartupProblem(
            "DISCORD_TOKEN: Discord refused the token. Copy it again from the Developer Portal "
            "(your application > Bot > Reset Token) into .env"
        ) from None
    except (aiohttp.ClientError, OSError, discord.HTTPException) as error:
        await client.close()
        raise StartupProblem(
            f"DISCORD_API_BASE_URL={mask_url(api_base_url)}: Discord cannot be reached "
            f"({mask_credentials(str(error))}); check the address and the network"
        ) from None


class MentorClient(discord.Client):
    """A client with mentorbot's defaults; with `interactions` it also serves the commands."""

    def __init__(
        self, commands: Sequence[Command] = (), interactions: Interactions | None = None
    ) -> None:
        super().__init__(
            intents=INTENTS,
            allowed_mentions=NO_MENTIONS,
            max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT,
            chunk_guilds_at_startup=False,
            member_cache_flags=discord.MemberCacheFlags.none(),
            # No message cache: the bot reads no messages.
            max_messages=None,
        )
        self.interactions = interactions
        self.tree: MentorTree = build_tree(self, commands, interactions)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)

    async def on_ready(self) -> None:
        log.info("connected to Discord as %s (application %s)", self.user, self.application_id)

    async def on_message(self, message: discord.Message) -> None:
        if self.interactions is not None and message.guild is None:
            await self.interactions.direct_message(message, str(self.application_id))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        # Commands and clicks reach the tree and the dynamic items; forms come here, so they
        # are read from the submission alone, whichever process opened them.
        if interaction.type is discord.InteractionType.modal_submit and self.interactions:
            await self.interactions.form(interaction)
