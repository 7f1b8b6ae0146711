"""The command surface: every action id has its handler, and commands fit every platform."""

from __future__ import annotations

import re

from bot.core.actions import Act
from bot.core.commands import build_actions, build_commands

# Discord's rules are the strictest of the platforms: names 1-32 lowercase, descriptions 1-100.
_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


def test_every_action_id_has_a_handler_and_no_handler_is_orphaned():
    """Buttons and handlers meet on `Act`: each id is registered exactly once."""
    assert set(build_actions()) == set(Act)


def test_commands_and_params_have_names_and_summaries_every_platform_accepts():
    """Command and parameter names are short lowercase words; summaries fit in 100 characters."""
    for command in build_commands():
        assert _NAME.match(command.name), command.name
        assert 1 <= len(command.summary) <= 100, command.name
        for param in command.params:
            assert _NAME.match(param.name), (command.name, param.name)
            assert 1 <= len(param.description) <= 100, (command.name, param.name)
        required = [p.required for p in command.params]
        assert required == sorted(required, reverse=True), "required params come first"
