"""Uploads built in memory: lesson files, path folders and archives, good and bad."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from bot.core.content.loader import read_directory
from bot.core.publishing.merge import Snapshot
from bot.core.publishing.revisions import content_of, snapshot_of
from bot.settings import DEFAULT_CONTENT_DIR

LESSON = "paths/ai-engineer/03-ai-first-api-call.md"


@pytest.fixture(scope="session")
def live() -> Snapshot:
    return snapshot_of(read_directory(DEFAULT_CONTENT_DIR))


@pytest.fixture(scope="session")
def live_content(live: Snapshot):
    return content_of(live)


def zipped(entries: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, target)
    return buffer.getvalue()


def path_folder(live: Snapshot, path_id: str) -> dict[str, bytes]:
    prefix = f"paths/{path_id}/"
    return {n[len(prefix) :]: t.encode() for n, t in live.items() if n.startswith(prefix)}


def retitled(text: str, title: str) -> str:
    lines = text.splitlines(keepends=True)
    return "".join(f"title: {title}\n" if line.startswith("title:") else line for line in lines)
