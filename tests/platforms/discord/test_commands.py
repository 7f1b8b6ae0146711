"""The slash-command tree is built from the Router's command list alone, within Discord's limits."""

from __future__ import annotations

from bot.core.commands import Command, Context, Kind, Param, Suggest, build_commands
from bot.platforms.discord.client import MentorClient
from bot.platforms.discord.commands import payloads
from tests.platforms.discord.limits_check import problems

STRING, INTEGER, ATTACHMENT = 3, 4, 11


async def nothing(ctx: Context) -> None:
    return None


def tree_of(commands: list[Command]) -> dict[str, dict]:
    return {c["name"]: c for c in payloads(MentorClient(commands).tree)}


def subcommand(group: dict, name: str) -> dict:
    return next(o for o in group["options"] if o["name"] == name)


async def test_the_shipped_surface_is_within_discords_limits():
    """Both groups, every subcommand of the command list, nothing Discord would refuse."""
    commands = build_commands()
    built = tree_of(commands)
    assert problems(list(built.values())) == []
    for command in commands:
        assert subcommand(built[command.group], command.name)["description"] == command.summary


async def test_every_kind_of_parameter_becomes_a_typed_option():
    """Text, integer and attachment types; listed choices; autocomplete for suggestions and for
    more choices than Discord lists; names with hyphens kept; required ones first."""
    many = tuple(f"choice-{n}" for n in range(40))
    params = (
        Param("note", "a note", required=False),
        Param("archive", "the archive", Kind.ATTACHMENT),
        Param("mode", "how", Kind.CHOICE, choices=("dry-run", "live")),
        Param("keep-days", "days to keep", Kind.INTEGER, required=False),
        Param("path", "a path", suggest=Suggest.PATHS),
        Param("variant", "one of many", Kind.CHOICE, choices=many, required=False),
    )
    publish = Command("mentor-admin", "publish", "publish content " * 10, nothing, params, True)
    built = tree_of([publish])
    assert problems(list(built.values())) == []
    options = {o["name"]: o for o in subcommand(built["mentor-admin"], "publish")["options"]}
    assert [o["required"] for o in options.values()] == [True] * 3 + [False] * 3
    assert options["archive"]["type"] == ATTACHMENT
    assert options["keep-days"]["type"] == INTEGER
    assert [c["value"] for c in options["mode"]["choices"]] == ["dry-run", "live"]
    assert options["path"]["autocomplete"] and options["variant"]["autocomplete"]
    assert options["note"]["type"] == STRING
    assert len(subcommand(built["mentor-admin"], "publish")["description"]) == 100


async def test_a_group_of_moderator_commands_is_for_manage_server_in_servers_only():
    """Moderator groups default to Manage Server and are not offered in DMs; member groups are
    offered in servers and in the bot's DMs, to everyone."""
    built = tree_of(build_commands())
    mentor, admin = built["mentor"], built["mentor-admin"]
    assert (mentor["default_member_permissions"], mentor["contexts"]) == (None, [0, 1])
    assert (int(admin["default_member_permissions"]), admin["contexts"]) == (1 << 5, [0])
    assert mentor["integration_types"] == admin["integration_types"] == [0]


async def test_a_group_with_one_member_command_is_open_to_members():
    """Default permissions hide a whole group, so a mixed group keeps none; the Router still
    refuses its moderator commands to members."""
    mixed = [
        Command("club", "join", "join the club", nothing),
        Command("club", "ban", "ban someone", nothing, moderator=True),
    ]
    assert tree_of(mixed)["club"]["default_member_permissions"] is None
