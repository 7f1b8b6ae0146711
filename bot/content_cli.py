"""`mentorbot content publish|export|history|rollback`: the same steps as chat, from a shell.

They work while `mentorbot run` runs on the same database (SQLite too: the single-process guard
is only for `run`); the running bot picks a new revision up within its polling interval.
"""

from __future__ import annotations

import getpass
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.core.clock import SystemClock
from bot.core.db import SessionFactory, create_engine, session_factory, upgrade
from bot.core.errors import UserError
from bot.core.publishing.publish import export, live, publish, rollback
from bot.core.publishing.revisions import describe, history, newest_version
from bot.core.publishing.sync import open_content, read_checked
from bot.core.publishing.upload import from_path
from bot.core.publishing.views import revision_line
from bot.settings import Settings

T = TypeVar("T")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def _author() -> str:
    return f"{_user()} (command line)"


def _actor() -> str:
    return f"command-line:{_user()}"


async def _run(settings: Settings, work: Callable[[SessionFactory], Awaitable[T]]) -> T:
    """Open the database; with no revision yet, the content directory becomes revision 1."""
    engine = create_engine(settings.resolved_database_url)
    try:
        await upgrade(engine)
        db = session_factory(engine)
        async with db() as session:
            empty = await newest_version(session) is None
        if empty:
            await open_content(db, read_checked(settings.content_dir), SystemClock())
        return await work(db)
    finally:
        await engine.dispose()


async def publish_command(
    settings: Settings, source: Path, path_id: str | None, check_only: bool
) -> int:
    upload = from_path(source)

    async def work(db: SessionFactory) -> int:
        result = await publish(
            db,
            upload,
            author=_author(),
            actor=_actor(),
            clock=SystemClock(),
            path_id=path_id,
            apply=not check_only,
        )
        checked = result.checked
        if checked.problems:
            for problem in checked.problems:
                print(problem)
            print(f"\n{len(checked.problems)} problem(s) found; nothing was changed.")
            return 1
        if checked.changes.empty:
            print(f"{source}: matches the live content; nothing to publish.")
            return 0
        if result.revision is None:
            print(f"{source}: valid. Publishing it would: {describe(checked.changes)}.")
            return 0
        print(
            f"Published as revision {result.revision.version}: {result.revision.summary}.\n"
            "Running bots use it within a minute."
        )
        return 0

    return await _guarded(settings, work)


async def export_command(settings: Settings, directory: Path) -> int:
    async def work(db: SessionFactory) -> int:
        newest = await live(db)
        written, removed = export(newest.snapshot, directory)
        print(
            f"Revision {newest.version} written to {directory}: {written} files"
            + (f", {removed} no longer in it deleted." if removed else ".")
        )
        return 0

    return await _guarded(settings, work)


async def history_command(settings: Settings, limit: int) -> int:
    async def work(db: SessionFactory) -> int:
        async with db() as session:
            rows = await history(session, limit)
        for row in rows:
            print(revision_line(*row))
        return 0

    return await _guarded(settings, work)


async def rollback_command(settings: Settings, version: int) -> int:
    async def work(db: SessionFactory) -> int:
        stored = await rollback(db, version, author=_author(), actor=_actor(), clock=SystemClock())
        if stored is None:
            print(f"Revision {version}'s content is already in use; nothing changed.")
        else:
            print(f"Back to revision {version}'s content, stored as revision {stored.version}.")
        return 0

    return await _guarded(settings, work)


async def _guarded(settings: Settings, work: Callable[[SessionFactory], Awaitable[int]]) -> int:
    try:
        return await _run(settings, work)
    except UserError as error:
        print(f"mentorbot: {error.message}")
        return 1
