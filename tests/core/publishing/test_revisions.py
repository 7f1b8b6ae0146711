"""Revisions in the database: publishing, refusing, history, exact rollback, other processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.clock import FixedClock
from bot.core.content.loader import read_directory
from bot.core.db import create_engine, session_factory, upgrade
from bot.core.models import AuditEntry, ContentRevision
from bot.core.publishing.publish import export, live, publish, rollback
from bot.core.publishing.revisions import content_of, history
from bot.core.publishing.sync import content_watcher, open_content, refresh
from bot.core.publishing.upload import from_bytes, from_path
from bot.core.services import ContentStore
from bot.settings import DEFAULT_CONTENT_DIR
from tests.core.publishing.conftest import LESSON, path_folder, retitled, zipped

WHO = {"author": "Ada (console)", "actor": "console:ada Ada"}


class Process:
    """One bot process: its own engine and content store on the shared database."""

    def __init__(self, url: str, clock: FixedClock) -> None:
        self.engine = create_engine(url)
        self.db = session_factory(engine=self.engine)
        self.clock = clock
        self.store: ContentStore | None = None

    async def start(self, directory: Path = DEFAULT_CONTENT_DIR) -> ContentStore:
        await upgrade(self.engine)
        content, version = await open_content(self.db, read_directory(directory), self.clock)
        self.store = ContentStore(content, directory, version)
        return self.store


@pytest.fixture
async def bot(database_url: str, clock: FixedClock) -> AsyncIterator[Process]:
    process = Process(database_url, clock)
    await process.start()
    yield process
    await process.engine.dispose()


async def _revisions(bot: Process) -> list[ContentRevision]:
    async with bot.db() as session:
        rows = await session.exec(select(ContentRevision).order_by(ContentRevision.version))
        return list(rows.all())


async def _publish(bot: Process, upload, **options):
    return await publish(bot.db, upload, clock=bot.clock, content=bot.store, **WHO, **options)


async def test_first_start_imports_the_directory_as_revision_1(bot: Process):
    """Revision 1 holds every file of content/, by the content directory."""
    (first,) = await _revisions(bot)
    assert (first.version, first.published_by, first.directory) == (1, "content directory", True)
    assert LESSON in first.snapshot and "quiz.yaml" in first.snapshot
    assert bot.store.version == 1


async def test_a_valid_lesson_becomes_revision_2_and_is_used_at_once(bot: Process):
    """Publishing swaps the content in this process and records who changed what."""
    text = retitled((await live(bot.db)).snapshot[LESSON], "First API call, revised")
    result = await _publish(bot, from_bytes("03-ai-first-api-call.md", text.encode()))
    assert result.revision is not None and result.revision.version == 2
    assert result.revision.changed == ["ai-first-api-call"]
    assert bot.store.version == 2
    assert bot.store.current.item("ai-first-api-call").title == "First API call, revised"


async def test_folder_and_archive_uploads_publish(bot: Process, tmp_path: Path):
    """A path folder on disk and a .zip of one both become revisions."""
    snapshot = (await live(bot.db)).snapshot
    folder = path_folder(snapshot, "explorer")
    first = sorted(n for n in folder if n.endswith(".md"))[0]
    folder[first] = retitled(folder[first].decode(), "Two careers, side by side").encode()
    (tmp_path / "explorer").mkdir()
    for name, data in folder.items():
        (tmp_path / "explorer" / name).write_bytes(data)
    assert (await _publish(bot, from_path(tmp_path / "explorer"))).revision.version == 2
    folder[first] = retitled(folder[first].decode(), "Two careers again").encode()
    archive = zipped({f"explorer/{n}": d for n, d in folder.items()})
    assert (await _publish(bot, from_bytes("explorer.zip", archive))).revision.version == 3


@pytest.mark.parametrize(
    "name, data",
    [
        ("03-ai-first-api-call.md", b"---\nid: ai-first-api-call\nday: [3\n---\nbody\n"),
        ("03-ai-first-api-call.md", b"x" * 300_000),
        ("notes.txt", b"hello"),
        ("a.zip", zipped({"../03-ai-first-api-call.md": b"---\n"})),
        ("a.zip", zipped({}, symlinks={"03-x.md": "/etc/passwd"})),
        ("bomb.zip", zipped({"03-ai-first-api-call.md": b"\0" * 20_000_000})),
        ("03-ai-first-api-call.md", b"---\nid: ai-first-api-call\ntitle: \xff\xfe\n---\n"),
    ],
    ids=["front-matter", "too-large", "wrong-type", "traversal", "symlink", "zip-bomb", "utf8"],
)
async def test_a_bad_upload_changes_nothing(bot: Process, name: str, data: bytes):
    """Any refused upload leaves the revisions and the content in use as they were."""
    before = bot.store.current
    result = await _publish(bot, from_bytes(name, data))
    assert result.checked.problems and result.revision is None
    assert [r.version for r in await _revisions(bot)] == [1]
    assert bot.store.current is before


async def test_a_clashing_id_changes_nothing(bot: Process):
    """A lesson sent for one path with an id another path uses is refused."""
    text = (await live(bot.db)).snapshot[LESSON]
    result = await _publish(bot, from_bytes("03-x.md", text.encode()), path_id="explorer")
    assert any("already used by the ai-engineer path" in str(p) for p in result.checked.problems)
    assert [r.version for r in await _revisions(bot)] == [1]


async def test_every_attempt_is_audited(bot: Process):
    """Refused and stored publishes are both in the audit log, with who and what."""
    await _publish(bot, from_bytes("notes.txt", b"hi"))
    text = retitled((await live(bot.db)).snapshot[LESSON], "Changed")
    await _publish(bot, from_bytes("03-ai-first-api-call.md", text.encode()))
    async with bot.db() as session:
        entries = (await session.exec(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(e.actor, e.action, e.detail["outcome"]) for e in entries] == [
        ("console:ada Ada", "content-publish", "refused: 1 problem(s)"),
        ("console:ada Ada", "content-publish", "revision 2"),
    ]


async def test_history_and_an_exact_rollback(bot: Process):
    """History lists newest first; rolling back to 1 restores its files byte for byte."""
    original = (await live(bot.db)).snapshot
    for title in ("One", "Two"):
        text = retitled(original[LESSON], title)
        bot.clock.advance(timedelta(minutes=5))
        await _publish(bot, from_bytes("03-ai-first-api-call.md", text.encode()))
    stored = await rollback(bot.db, 1, clock=bot.clock, content=bot.store, **WHO)
    assert stored.version == 4
    async with bot.db() as session:
        rows = await history(session)
    assert [row.version for row in rows] == [4, 3, 2, 1]
    assert rows[0].summary == "back to 1: changed ai-first-api-call"
    revisions = await _revisions(bot)
    assert revisions[-1].snapshot == original
    assert revisions[-1].checksum == revisions[0].checksum
    restored = bot.store.current.item("ai-first-api-call")
    assert restored == content_of(original).item("ai-first-api-call")


async def test_a_second_process_sees_a_new_revision(bot: Process, database_url: str, clock):
    """Another process's content watch swaps the new revision in without a restart."""
    other = Process(database_url, clock)
    store = await other.start()
    seen: list[int] = []
    store.on_replace(lambda content: seen.append(store.version))
    stop = asyncio.Event()
    watch = asyncio.create_task(content_watcher(store, other.db, 0.05)(stop))
    try:
        text = retitled((await live(bot.db)).snapshot[LESSON], "Seen elsewhere")
        await _publish(bot, from_bytes("03-ai-first-api-call.md", text.encode()))
        for _ in range(100):
            if store.version == 2:
                break
            await asyncio.sleep(0.05)
        assert store.current.item("ai-first-api-call").title == "Seen elsewhere"
        assert seen == [2]
        assert not await refresh(store, other.db)
    finally:
        stop.set()
        await watch
        await other.engine.dispose()


async def test_a_changed_directory_is_imported_at_the_next_start(
    bot: Process, database_url: str, clock, tmp_path: Path
):
    """An unchanged directory keeps chat publishes; a changed one becomes a new revision."""
    text = retitled((await live(bot.db)).snapshot[LESSON], "From chat")
    await _publish(bot, from_bytes("03-ai-first-api-call.md", text.encode()))
    again = Process(database_url, clock)
    try:
        assert (await again.start()).version == 2
        directory = tmp_path / "content"
        export((await live(bot.db)).snapshot, directory)
        lesson = directory / LESSON
        lesson.write_text(retitled(lesson.read_text(), "From git"))
        store = await again.start(directory)
        assert store.version == 3
        assert store.current.item("ai-first-api-call").title == "From git"
        newest = (await _revisions(bot))[-1]
        assert (newest.published_by, newest.origin) == ("content directory", "directory")
        assert (await again.start(directory)).version == 3
    finally:
        await again.engine.dispose()


async def test_export_writes_the_live_files_and_drops_stale_ones(bot: Process, tmp_path: Path):
    """Export then validate: the folder holds exactly the live revision's content files."""
    target = tmp_path / "out"
    (target / "paths" / "gone").mkdir(parents=True)
    (target / "paths" / "gone" / "01-old.md").write_text("old")
    (target / "README.md").write_text("kept")
    written, removed = export((await live(bot.db)).snapshot, target)
    assert removed == 1 and (target / "README.md").exists()
    assert read_directory(target) == read_directory(DEFAULT_CONTENT_DIR)
    assert written == len(read_directory(DEFAULT_CONTENT_DIR))
