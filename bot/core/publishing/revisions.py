"""Content revisions in the database: each publish, rollback or content-directory import is a
new version holding the whole snapshot, what changed, and where members' places move."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import Row, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.core.clock import Clock
from bot.core.content import ContentSet
from bot.core.content.loader import load_files
from bot.core.models import ContentRevision, RevisionOrigin
from bot.core.publishing.merge import Changes, Snapshot, changes_between, retired_between

SUMMARY_CHARS = 200
MAX_IDS_NAMED = 6
Retired = dict[str, dict[str, str | None]]


class RevisionConflict(Exception):
    """Another process stored the same version first."""


def snapshot_of(files: Mapping[str, bytes]) -> Snapshot:
    return {name: data.decode("utf-8").removeprefix("\ufeff") for name, data in files.items()}


def checksum(snapshot: Snapshot) -> str:
    encoded = json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def content_of(snapshot: Snapshot, retired: Retired | None = None) -> ContentSet:
    """The content set a snapshot holds, with the places of items that left each path."""
    content = load_files({name: text.encode() for name, text in snapshot.items()}, Path())
    if not retired:
        return content
    paths = {
        path_id: dataclasses.replace(path, retired=retired.get(path_id, {}))
        for path_id, path in content.paths.items()
    }
    return dataclasses.replace(content, paths=paths)


def describe(changes: Changes) -> str:
    """One line: what a revision added, changed and removed."""
    parts = [
        f"{label} {_ids(ids)}"
        for label, ids in (
            ("added", changes.added),
            ("changed", changes.changed),
            ("removed", changes.removed),
        )
        if ids
    ]
    parts += [f"changed {', '.join(changes.other)}"] if changes.other else []
    return "; ".join(parts) or "no changes"


def _ids(ids: tuple[str, ...]) -> str:
    if len(ids) <= MAX_IDS_NAMED:
        return ", ".join(ids)
    return f"{len(ids)} items ({', '.join(ids[:2])}, …)"


async def newest_version(session: AsyncSession) -> int | None:
    return (await session.exec(select(func.max(ContentRevision.version)))).one()


async def revision(session: AsyncSession, version: int | None = None) -> ContentRevision | None:
    """Version `version`, or the newest."""
    statement = select(ContentRevision)
    if version is None:
        statement = statement.order_by(col(ContentRevision.version).desc()).limit(1)
    else:
        statement = statement.where(ContentRevision.version == version)
    return (await session.exec(statement)).first()


async def history(session: AsyncSession, limit: int = 20) -> list[Row]:
    """The newest `limit` revisions, newest first, without their snapshots."""
    statement = (
        select(
            ContentRevision.version,
            ContentRevision.published_by,
            ContentRevision.published_at,
            ContentRevision.origin,
            ContentRevision.summary,
        )
        .order_by(col(ContentRevision.version).desc())
        .limit(limit)
    )
    return list((await session.exec(statement)).all())


async def all_retired(session: AsyncSession) -> Retired:
    """Every revision's departed items, later revisions overriding earlier ones."""
    rows = await session.exec(
        select(ContentRevision.retired).order_by(col(ContentRevision.version))
    )
    merged: Retired = {}
    for retired in rows:
        for path_id, items in (retired or {}).items():
            merged.setdefault(path_id, {}).update(items)
    return merged


async def load_newest(session: AsyncSession) -> tuple[ContentSet, int] | None:
    newest = await revision(session)
    if newest is None:
        return None
    return content_of(newest.snapshot, await all_retired(session)), newest.version


async def store(
    session: AsyncSession,
    snapshot: Snapshot,
    content: ContentSet,
    base: tuple[ContentSet, int] | None,
    author: str,
    origin: RevisionOrigin,
    clock: Clock,
    *,
    note: str = "",
) -> ContentRevision:
    """Add the next version; `base` is the content and version it was made from."""
    if base is None:
        changes = Changes(added=tuple(i.id for p in content.paths.values() for i in p.items))
        retired: Retired = {}
        version = 1
    else:
        changes = changes_between(base[0], content)
        retired = retired_between(base[0], content)
        version = base[1] + 1
    summary = f"{note}: {describe(changes)}" if note else describe(changes)
    row = ContentRevision(
        version=version,
        checksum=checksum(snapshot),
        summary=_shorten(summary),
        published_by=author[:100],
        published_at=clock.now(),
        snapshot=snapshot,
        origin=origin,
        added=list(changes.added),
        changed=list(changes.changed),
        removed=list(changes.removed),
        retired=retired,
        directory=origin == RevisionOrigin.DIRECTORY,
    )
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as error:
        raise RevisionConflict(version) from error
    return row


async def claim_announcement(session: AsyncSession, version: int, clock: Clock) -> bool:
    """True for the one process that gets to announce this revision's new lessons."""
    result = await session.exec(
        update(ContentRevision)
        .where(ContentRevision.version == version, col(ContentRevision.announced_at).is_(None))
        .values(announced_at=clock.now())
    )
    return result.rowcount == 1


def _shorten(text: str) -> str:
    return text if len(text) <= SUMMARY_CHARS else text[: SUMMARY_CHARS - 1] + "…"
