"""Content files that are not plain UTF-8 files in the content directory: one problem each."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.content import ContentError, load_content
from bot.settings import DEFAULT_CONTENT_DIR


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def _lesson(root: Path) -> Path:
    return sorted((root / "paths" / "ai-engineer").glob("*.md"))[0]


def _problems(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return "\n".join(str(p) for p in caught.value.problems)


def test_a_byte_that_is_not_utf8_names_file_and_line(copy: Path):
    """A Latin-1 byte on line 3 is reported as file:3, saying to save as UTF-8."""
    lesson = _lesson(copy)
    lines = lesson.read_bytes().split(b"\n")
    lines[2] = lines[2] + b" caf\xe9"
    lesson.write_bytes(b"\n".join(lines))
    assert f"{lesson.name}:3: byte 0xe9 is not UTF-8 text; save the file as UTF-8" in _problems(
        copy
    )


def test_a_byte_order_mark_is_reported(copy: Path):
    """A file saved with a UTF-8 BOM is named, instead of 'must start with ---'."""
    lesson = _lesson(copy)
    lesson.write_bytes(b"\xef\xbb\xbf" + lesson.read_bytes())
    problems = _problems(copy)
    assert f"{lesson.name}:1: starts with a byte order mark" in problems
    assert "must start with '---'" not in problems


def test_a_folder_named_like_a_lesson_is_reported(copy: Path):
    """A directory called 99-extra.md is a problem, not a crash."""
    (copy / "paths" / "ai-engineer" / "99-extra.md").mkdir()
    assert "99-extra.md:0: is a folder, not a file" in _problems(copy)


def test_a_symlink_loop_is_reported(copy: Path):
    """A link that points at itself is named as a loop."""
    (copy / "paths" / "ai-engineer" / "99-loop.md").symlink_to("99-loop.md")
    assert "99-loop.md:0: is a symbolic link that loops" in _problems(copy)


def test_a_link_out_of_the_content_directory_is_not_followed(copy: Path, tmp_path: Path):
    """A lesson linked from outside the content directory is refused, not read."""
    outside = tmp_path / "outside.md"
    outside.write_bytes(_lesson(copy).read_bytes())
    lesson = _lesson(copy)
    lesson.unlink()
    lesson.symlink_to(outside)
    assert f"{lesson.name}:0: is a link to a file outside the content directory" in _problems(
        copy
    )


def test_a_link_inside_the_content_directory_is_read(copy: Path):
    """A lesson that links to a file elsewhere in the content directory loads as usual."""
    lesson = _lesson(copy)
    kept = copy / "kept.md"
    lesson.rename(kept)
    lesson.symlink_to(kept)
    assert load_content(copy).item(load_content(DEFAULT_CONTENT_DIR).path("ai-engineer").items[0].id)


@pytest.mark.parametrize("name", ["paths/ai-engineer/99-pipe.md", "quiz.yaml"])
def test_a_fifo_is_reported_without_hanging(copy: Path, name: str):
    """`content validate` on a FIFO says what it is and exits; it never waits for a writer."""
    fifo = copy / name
    fifo.unlink(missing_ok=True)
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "content", "validate", str(copy)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"{fifo.name}:0: is a named pipe (FIFO), not a file" in result.stdout
