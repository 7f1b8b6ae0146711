"""Publishing, rolling back and exporting content: the steps the command line and chat share.

Every upload is checked whole against the newest revision; only a valid one becomes a new
revision, in one transaction. The process that publishes swaps the new content in at once;
the others find it within their polling interval. Every attempt is written to the audit log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.core import audit
from bot.core.clock import Clock
from bot.core.content import ContentError, ContentSet
from bot.core.content.loader import PATH_FILE, QUIZ_FILE, read_directory
from bot.core.db import SessionFactory
from bot.core.errors import UserError
from bot.core.models import ContentRevision, RevisionOrigin
from bot.core.publishing.merge import Checked, Snapshot, check
from bot.core.publishing.revisions import (
    RevisionConflict,
    all_retired,
    content_of,
    revision,
    store,
)
from bot.core.publishing.sync import refresh
from bot.core.publishing.upload import Upload
from bot.core.services import ContentStore


@dataclass
class Published:
    checked: Checked
    # None when nothing was stored: problems, no changes, or only checked.
    revision: ContentRevision | None = None


@dataclass(frozen=True)
class Live:
    snapshot: Snapshot
    content: ContentSet
    version: int


async def live(db: SessionFactory, store_: ContentStore | None = None) -> Live:
    """The newest revision; the content in use when it is that one, else parsed afresh."""
    async with db() as session:
        newest = await revision(session)
        if newest is None:
            raise UserError("There is no content revision yet: start the bot once to import it.")
        if store_ is not None and store_.version == newest.version:
            return Live(newest.snapshot, store_.current, newest.version)
        retired = await all_retired(session)
    return Live(newest.snapshot, content_of(newest.snapshot, retired), newest.version)


async def publish(
    db: SessionFactory,
    upload: Upload,
    *,
    author: str,
    actor: str,
    clock: Clock,
    path_id: str | None = None,
    content: ContentStore | None = None,
    apply: bool = True,
) -> Published:
    """Check `upload` against the newest revision and, if `apply` and valid, store it."""
    for _ in range(2):
        base = await live(db, content)
        checked = check(upload, base.snapshot, base.content, path_id)
        result = Published(checked)
        try:
            async with db() as session, session.begin():
                if checked.ok and apply and not checked.changes.empty:
                    assert checked.snapshot is not None and checked.content is not None
                    result.revision = await store(
                        session,
                        checked.snapshot,
                        checked.content,
                        (base.content, base.version),
                        author,
                        RevisionOrigin.PUBLISH,
                        clock,
                    )
                audit.record(
                    session,
                    clock,
                    actor,
                    "content-publish" if apply else "content-check",
                    upload=upload.name,
                    files=sorted(upload.files)[:50],
                    outcome=_outcome(result),
                )
        except RevisionConflict:
            continue  # another publish landed first: check again on top of it
        break
    if result.revision is not None and content is not None:
        await refresh(content, db)
    return result


async def rollback(
    db: SessionFactory,
    version: int,
    *,
    author: str,
    actor: str,
    clock: Clock,
    content: ContentStore | None = None,
) -> ContentRevision | None:
    """A new revision holding exactly revision `version`'s files; None if that is in use."""
    base = await live(db, content)
    refusal: str | None = None
    stored: ContentRevision | None = None
    async with db() as session, session.begin():
        target = await revision(session, version)
        if target is None:
            refusal = (
                f"There is no revision {version}; the newest is {base.version}. "
                "`history` lists them."
            )
        elif target.snapshot != base.snapshot:
            try:
                restored = content_of(target.snapshot)
            except ContentError as error:
                refusal = (
                    f"Revision {version} does not pass today's checks, so it cannot come back "
                    f"({len(error.problems)} problem(s), the first: {error.problems[0]})."
                )
            else:
                stored = await store(
                    session,
                    dict(target.snapshot),
                    restored,
                    (base.content, base.version),
                    author,
                    RevisionOrigin.ROLLBACK,
                    clock,
                    note=f"back to {version}",
                )
        outcome = f"revision {stored.version}" if stored else "already in use"
        audit.record(
            session,
            clock,
            actor,
            "content-rollback",
            version=version,
            outcome=f"refused: {refusal}"[:200] if refusal else outcome,
        )
    if refusal is not None:
        raise UserError(refusal)
    if stored is not None and content is not None:
        await refresh(content, db)
    return stored


def export(snapshot: Snapshot, directory: Path) -> tuple[int, int]:
    """Write the snapshot's files under `directory`; content files it no longer holds are
    deleted (other files are left alone). Returns (files written, files deleted)."""
    directory = Path(directory)
    root = directory.resolve()
    for name in snapshot:
        target = (directory / name).resolve()
        if not target.is_relative_to(root) or _unsafe(name):
            raise UserError(f"the revision holds a file name that cannot be written: {name!r}")
    stale = (
        [name for name in read_directory(directory) if name not in snapshot]
        if (directory.is_dir())
        else []
    )
    for name, text in snapshot.items():
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for name in stale:
        (directory / name).unlink()
    return len(snapshot), len(stale)


def _unsafe(name: str) -> bool:
    parts = name.split("/")
    return (
        os.path.isabs(name)
        or ".." in parts
        or not (name == QUIZ_FILE or (len(parts) == 3 and parts[0] == "paths"))
        or not (name.endswith(".md") or parts[-1] in (PATH_FILE, QUIZ_FILE))
    )


def _outcome(result: Published) -> str:
    checked = result.checked
    if checked.problems:
        return f"refused: {len(checked.problems)} problem(s)"
    if checked.changes.empty:
        return "no changes"
    if result.revision is None:
        return "valid"
    return f"revision {result.revision.version}"
