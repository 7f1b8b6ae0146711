"""`mentorbot discord sync`: register the slash commands with Discord.

Registration is a step of its own, never part of a start: Discord limits how often commands may
be re-registered, and several bot processes would otherwise race to do it.
"""

from __future__ import annotations

import discord

from bot.checks import StartupProblem
from bot.core.commands import build_commands
from bot.platforms.discord.client import MentorClient, log_in, point_at
from bot.platforms.discord.commands import payloads
from bot.settings import Settings


async def sync(settings: Settings, guild_id: int | None) -> list[str]:
    """Register the commands in one server (`guild_id`) or globally; returns lines to print."""
    if settings.discord_token is None:
        raise StartupProblem("Set DISCORD_TOKEN to register the commands.")
    point_at(settings)
    client = MentorClient(build_commands())
    await log_in(client, settings.discord_token.get_secret_value(), settings.discord_api_base_url)
    try:
        guild = discord.Object(guild_id) if guild_id else None
        if guild is not None:
            client.tree.copy_global_to(guild=guild)
        synced = await client.tree.sync(guild=guild)
    except discord.Forbidden:
        raise StartupProblem(
            f"Discord refused to register commands in server {guild_id}: invite the bot there "
            "with the applications.commands scope (docs/discord.md), then sync again."
        ) from None
    except discord.HTTPException as error:
        raise StartupProblem(f"Discord refused the commands: {error}") from None
    finally:
        await client.close()
    where = f"in server {guild_id} (they show at once)" if guild_id else "globally"
    lines = [f"Registered {len(synced)} commands {where}:"]
    for command in payloads(client.tree):
        names = ", ".join(option["name"] for option in command.get("options", []))
        lines.append(f"  /{command['name']}: {names}")
    return lines
