"""The core stays platform-neutral: no platform or LLM SDK, no adapter, no mentor internals,
and no metrics library (it reports through the `Metrics` port)."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = (
    "discord",
    "slack_bolt",
    "slack_sdk",
    "anthropic",
    "bot.platforms",
    "bot.mentor",
    "prometheus_client",
    "bot.ops",
)


def test_core_imports_no_sdk_and_nothing_outside_it():
    """No module under bot/core imports an SDK, an adapter or the mentor package."""
    offenders = []
    for file in Path(bot.core.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if any(name == f or name.startswith(f + ".") for f in FORBIDDEN):
                    offenders.append(f"{file.name}: {name}")
    assert offenders == []
