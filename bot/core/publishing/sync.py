"""Which content a process uses: the content directory at start, then whatever revision is newest.

At start the content directory is compared with the revision it was last imported as. The first
start imports it as revision 1; a start whose directory differs imports it as a new revision
(author "content directory"), so a deploy from git wins over earlier chat publishes. A start with
an unchanged directory keeps the newest revision, chat publishes included. While running, every
process looks for a newer revision now and then and swaps it in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlmodel import col, select

from bot.core.clock import Clock
from bot.core.content import ContentError, ContentSet, Problem
from bot.core.content.loader import load_files, read_directory
from bot.core.db import SessionFactory
from bot.core.models import ContentRevision, RevisionOrigin
from bot.core.publishing.revisions import (
    RevisionConflict,
    all_retired,
    checksum,
    content_of,
    load_newest,
    newest_version,
    revision,
    snapshot_of,
    store,
)
from bot.core.services import ContentStore

log = logging.getLogger(__name__)

DIRECTORY_AUTHOR = "content directory"
# Two processes starting together may both import; the one that loses reads the winner's.
IMPORT_ATTEMPTS = 3


def read_checked(directory: Path) -> dict[str, bytes]:
    """The content directory's files; ContentError if they are not valid (the bot then does
    not start, as a broken deploy must never reach members half-loaded)."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ContentError([Problem(directory, 0, "content directory not found; check the path")])
    files = read_directory(directory)
    load_files(files, directory)
    return files


async def open_content(
    db: SessionFactory, files: dict[str, bytes], clock: Clock
) -> tuple[ContentSet, int]:
    """The content this process starts with and its version, given the content directory's
    files from `read_checked` (see the module's docstring)."""
    snapshot = snapshot_of(files)
    digest = checksum(snapshot)
    for attempt in range(IMPORT_ATTEMPTS):
        try:
            async with db() as session, session.begin():
                await _import_if_changed(session, snapshot, digest, clock)
            break
        except RevisionConflict:
            if attempt == IMPORT_ATTEMPTS - 1:
                raise
    async with db() as session:
        loaded = await load_newest(session)
    assert loaded is not None
    return loaded


async def _import_if_changed(session, snapshot: dict[str, str], digest: str, clock: Clock) -> None:
    newest = await revision(session)
    if newest is not None and newest.checksum == digest:
        if not newest.directory:
            # Exported and committed, say: from now on this is what the directory holds.
            newest.directory = True
            session.add(newest)
        return
    if newest is not None:
        imported = (
            await session.exec(
                select(ContentRevision.checksum)
                .where(col(ContentRevision.directory))
                .order_by(col(ContentRevision.version).desc())
                .limit(1)
            )
        ).first()
        if imported == digest:
            return
    base = None
    if newest is not None:
        base = (content_of(newest.snapshot, await all_retired(session)), newest.version)
    content = content_of(snapshot)
    row = await store(
        session, snapshot, content, base, DIRECTORY_AUTHOR, RevisionOrigin.DIRECTORY, clock
    )
    log.info("content directory imported as revision %s: %s", row.version, row.summary)


async def refresh(content: ContentStore, db: SessionFactory) -> bool:
    """Swap in the newest revision if it is not the one in use; True if it was swapped."""
    async with db() as session:
        version = await newest_version(session)
        if version is None or version == content.version:
            return False
        newest = await revision(session, version)
        retired = await all_retired(session)
    assert newest is not None
    # Parsing some hundred files takes a moment: off the event loop, so commands keep flowing.
    loaded = await asyncio.to_thread(content_of, newest.snapshot, retired)
    content.replace(loaded, version)
    log.info("now using content revision %s", version)
    return True


def content_watcher(
    content: ContentStore,
    db: SessionFactory,
    interval: float,
    also: Callable[[], Awaitable[None]] | None = None,
) -> Callable[[asyncio.Event], Awaitable[None]]:
    """A side service: every `interval` seconds, swap in a newer revision (then run `also`)."""

    async def watch(stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)
            if stop.is_set():
                return
            try:
                await refresh(content, db)
                if also is not None:
                    await also()
            except Exception:
                log.exception("looking for new content failed; trying again in %s s", interval)

    return watch
