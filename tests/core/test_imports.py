"""The core stays platform-neutral, and heavy SDKs load only when configured."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import bot

FORBIDDEN = ("discord", "slack_bolt", "slack_sdk", "anthropic")
CORE = Path(bot.__file__).parent / "core"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_no_platform_sdk():
    """No module under bot/core imports discord, slack_bolt, slack_sdk or anthropic."""
    offenders = [
        f"{path.relative_to(CORE.parent)} imports {name}"
        for path in sorted(CORE.rglob("*.py"))
        for name in _imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_the_check_would_catch_an_sdk_import(tmp_path: Path):
    """The import walker sees both `import x` and `from x import y` forms."""
    sample = tmp_path / "sample.py"
    sample.write_text("import discord\nfrom slack_sdk.web import WebClient\n")
    assert {"discord", "slack_sdk.web"} <= _imported_modules(sample)


def test_console_start_path_loads_no_sdk(clean_env):
    """Building the console app imports no platform or LLM SDK."""
    code = (
        "import sys, bot.cli, bot.app, bot.platforms.console;"
        f"print([m for m in {FORBIDDEN!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
