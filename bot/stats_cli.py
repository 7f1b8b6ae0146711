"""`mentorbot stats [--csv DIR]`: the moderators' numbers on the command line."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from bot.settings import Settings


def stats(settings: Settings, directory: Path | None) -> int:
    """`mentorbot stats [--csv DIR]`: on a database that exists and is up to date."""
    from bot.checks import sqlite_missing

    if missing := sqlite_missing(settings):
        # Opening a SQLite file creates it; stats must not leave an empty one behind.
        print(
            f"mentorbot stats: there is no database at {missing} yet; `mentorbot run` creates it.",
            file=sys.stderr,
        )
        return 2
    if directory is not None:
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"mentorbot stats: cannot use {directory}: {error.strerror}", file=sys.stderr)
            return 2
    return asyncio.run(_stats_from(settings, directory))


async def _stats_from(settings: Settings, directory: Path | None) -> int:
    from bot.checks import check_database
    from bot.core.db import create_engine, revisions
    from bot.core.stats.export import export_csv

    await check_database(settings)
    engine = create_engine(settings.resolved_database_url)
    try:
        current, head = await revisions(engine)
        if current != head:
            print(
                f"mentorbot stats: the database is at revision {current or 'none'}, this "
                f"code at {head}; run `mentorbot db upgrade` first.",
                file=sys.stderr,
            )
            return 2
        if directory is None:
            return await _summary(engine, settings)
        try:
            written = await export_csv(engine, directory)
        except OSError as error:
            print(f"mentorbot stats: cannot write to {directory}: {error}", file=sys.stderr)
            return 2
    finally:
        await engine.dispose()
    for path, rows in written:
        print(f"{path}: {rows} row{'s' if rows != 1 else ''}")
    return 0


async def _summary(engine: AsyncEngine, settings: Settings) -> int:
    from bot.core.clock import SystemClock
    from bot.core.content import ContentError, load_content
    from bot.core.db import session_factory
    from bot.core.stats import community_stats, stats_summary

    try:
        content = load_content(settings.content_dir)
    except ContentError:
        print(
            "mentorbot stats: the content has problems; `mentorbot content validate` lists them.",
            file=sys.stderr,
        )
        return 2
    now = SystemClock().now()
    async with session_factory(engine)() as session:
        stats = await community_stats(session, content, now)
    print(stats_summary(stats))
    return 0
