"""The slash-command tree, built from the Router's command list and nothing else.

Each command group (`/mentor`, `/mentor-admin`) becomes a Discord command group and each command
a subcommand with typed options from its `Param`s: descriptions, choices, autocomplete and
attachments. A group whose commands are all for moderators is hidden by default from members
without Manage Server (server admins can change that under Integrations) and only offered in
servers; the Router checks again on every use.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands

from bot.core.commands import Command, Kind, Param
from bot.platforms.discord import limits
from bot.platforms.discord.interactions import Interactions, option_name
from bot.platforms.discord.limits import cut

TYPES: dict[Kind, type] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.INTEGER: int,
    Kind.ATTACHMENT: discord.Attachment,
}
GROUP_DESCRIPTIONS = {
    "mentor": "Your mentor: the placement quiz, daily lessons, progress and questions",
    "mentor-admin": "Moderator tools: content, publishing, stats and questions",
}
MODERATORS = discord.Permissions(manage_guild=True)
SERVERS_AND_DMS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
SERVERS_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
# Installed to servers; not a user-installed app that follows members elsewhere.
SERVER_INSTALL = app_commands.AppInstallationType(guild=True, user=False)


class MentorTree(app_commands.CommandTree):
    def __init__(self, client: discord.Client, interactions: Interactions | None) -> None:
        super().__init__(client, allowed_contexts=SERVERS_AND_DMS, allowed_installs=SERVER_INSTALL)
        self.interactions = interactions

    async def on_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        if self.interactions is not None:
            await self.interactions.failed(interaction, error)


def build_tree(
    client: discord.Client, commands: Sequence[Command], interactions: Interactions | None
) -> MentorTree:
    """The tree for `commands`; without `interactions` it only describes them (for sync)."""
    tree = MentorTree(client, interactions)
    groups: dict[str, list[Command]] = {}
    for command in commands:
        groups.setdefault(command.group, []).append(command)
    for name, members in groups.items():
        moderators_only = all(c.moderator for c in members)
        group = app_commands.Group(
            name=name,
            description=_described(GROUP_DESCRIPTIONS.get(name, f"/{name} commands")),
            default_permissions=MODERATORS if moderators_only else None,
            allowed_contexts=SERVERS_ONLY if moderators_only else SERVERS_AND_DMS,
            allowed_installs=SERVER_INSTALL,
        )
        for command in members:
            group.add_command(_subcommand(command, interactions))
        tree.add_command(group)
    return tree


def _subcommand(command: Command, interactions: Interactions | None) -> app_commands.Command:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        if interactions is not None:
            await interactions.command(interaction, command, values)

    # discord.py reads a command's options from its callback's signature; this one is made
    # from the command's parameters.
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [_parameter(p) for p in command.params]
    )
    decorate = [
        app_commands.describe(
            **{option_name(p.name): _described(p.description) for p in command.params}
        )
    ]
    renamed = {option_name(p.name): p.name for p in command.params if option_name(p.name) != p.name}
    if renamed:
        decorate.append(app_commands.rename(**renamed))
    listed = {
        option_name(p.name): [
            app_commands.Choice(name=cut(c, limits.CHOICE_TEXT), value=c) for c in p.choices
        ]
        for p in command.params
        if p.choices and len(p.choices) <= limits.CHOICES
    }
    if listed:
        decorate.append(app_commands.choices(**listed))
    completed = {
        option_name(p.name): _autocomplete(p, interactions)
        for p in command.params
        if p.suggest is not None or len(p.choices) > limits.CHOICES
    }
    if completed:
        decorate.append(app_commands.autocomplete(**completed))
    for decorator in decorate:
        decorator(callback)
    return app_commands.Command(
        name=command.name, description=_described(command.summary), callback=callback
    )


def _parameter(param: Param) -> inspect.Parameter:
    return inspect.Parameter(
        option_name(param.name),
        inspect.Parameter.KEYWORD_ONLY,
        annotation=TYPES[param.kind],
        default=inspect.Parameter.empty if param.required else None,
    )


def _autocomplete(param: Param, interactions: Interactions | None):
    source = param.suggest

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if source is not None:
            return await interactions.suggest(source, current) if interactions else []
        # More choices than Discord lists: offer the ones that match what was typed.
        typed = current.strip().lower()
        matching = [c for c in param.choices if typed in c.lower()]
        return [
            app_commands.Choice(name=cut(c, limits.CHOICE_TEXT), value=c)
            for c in matching[: limits.CHOICES]
        ]

    return complete


def payloads(tree: app_commands.CommandTree) -> list[dict[str, Any]]:
    """What `sync` sends Discord: one entry per top-level command."""
    return [command.to_dict(tree) for command in tree.get_commands()]


def _described(text: str) -> str:
    """A description Discord takes: 1 to 100 characters."""
    return cut(text.strip() or "…", limits.COMMAND_DESCRIPTION)
