"""Reading and checking uploads: what is accepted, and every bad upload refused with its file."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.publishing.merge import check
from bot.core.publishing.upload import (
    MAX_ARCHIVE_BYTES,
    MAX_FILE_BYTES,
    MAX_FILES,
    from_bytes,
    from_path,
)
from tests.core.publishing.conftest import LESSON, path_folder, retitled, zipped


def _problems(upload, live, live_content, path_id=None) -> list[str]:
    checked = check(upload, live, live_content, path_id)
    assert checked.content is None and checked.snapshot is None
    return [str(p) for p in checked.problems]


def test_a_single_edited_lesson_changes_only_that_item(live, live_content):
    """An edited lesson file replaces its item where it stands."""
    text = retitled(live[LESSON], "Your first API call, revised")
    checked = check(from_bytes("03-ai-first-api-call.md", text.encode()), live, live_content)
    assert checked.ok
    assert checked.changes.changed == ("ai-first-api-call",)
    assert not (checked.changes.added or checked.changes.removed)
    assert checked.content.item("ai-first-api-call").title == "Your first API call, revised"


def test_a_path_folder_replaces_the_path_whole(live, live_content):
    """A folder without one of its lessons removes it; days are renumbered by the moderator."""
    folder = path_folder(live, "explorer")
    names = sorted(n for n in folder if n.endswith(".md"))
    removed = folder.pop(names[-1])
    assert b"id:" in removed
    checked = check(_folder_upload(folder, "explorer"), live, live_content)
    assert checked.ok, checked.problems
    assert len(checked.changes.removed) == 1 and not checked.changes.changed


def test_an_archive_of_a_path_folder_is_accepted(live, live_content):
    """A .zip holding explorer/path.yaml and its lessons is read as that path folder."""
    folder = path_folder(live, "explorer")
    folder["01-two-careers.md"] = retitled(
        folder["01-two-careers.md"].decode(), "Two jobs"
    ).encode()
    data = zipped({f"explorer/{name}": content for name, content in folder.items()})
    checked = check(from_bytes("explorer.zip", data), live, live_content)
    assert checked.ok, checked.problems
    assert checked.changes.changed == (checked.content.path("explorer").items[0].id,)


def test_a_new_lesson_needs_its_path(live, live_content):
    """A lesson with a new id says which path it joins, or it is refused with a way out."""
    text = live[LESSON].replace("id: ai-first-api-call", "id: ai-brand-new")
    problems = _problems(from_bytes("99-new.md", text.encode()), live, live_content)
    assert any("a new item: say which path it joins" in p for p in problems)


def test_front_matter_error_names_file_and_line(live, live_content):
    """A YAML mistake in an uploaded lesson is reported under the uploaded file's name."""
    text = live[LESSON].replace("\nminutes:", "\nminuts:", 1)
    problems = _problems(from_bytes("03-ai-first-api-call.md", text.encode()), live, live_content)
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("minuts")))
    assert f"03-ai-first-api-call.md:{line + 1}: unknown field 'minuts'" in "\n".join(problems)


def test_a_file_over_256_kb_is_refused(live, live_content):
    """A file over the size limit is refused before it is parsed."""
    problems = _problems(from_bytes("big.md", b"x" * (MAX_FILE_BYTES + 1)), live, live_content)
    assert (
        problems == ["big.md:0: the file is 256 KB; the limit is 256 KB"] or "limit" in problems[0]
    )


def test_an_archive_over_5_mb_is_refused(live, live_content):
    """An archive over the archive limit is refused before it is opened."""
    data = b"PK\x03\x04" + os.urandom(MAX_ARCHIVE_BYTES)
    assert any(
        "the limit is 5.0 MB" in p for p in _problems(from_bytes("a.zip", data), live, live_content)
    )


def test_wrong_file_types_are_refused(live, live_content):
    """Only .md and .yaml files; a script in an archive is named."""
    data = zipped({"explorer/path.yaml": b"id: explorer\n", "explorer/run.sh": b"rm -rf /\n"})
    problems = _problems(from_bytes("explorer.zip", data), live, live_content)
    assert any("run.sh" in p and "only .md" in p for p in problems)
    assert _problems(from_bytes("photo.png", b"\x89PNG"), live, live_content)


def test_path_traversal_and_absolute_entries_are_refused(live, live_content):
    """'..' and absolute names in an archive are refused, and nothing is placed."""
    lesson = live[LESSON].encode()
    for name in ("../03-ai-first-api-call.md", "/etc/03.md", "a/../../b.md", "C:/x.md"):
        problems = _problems(from_bytes("a.zip", zipped({name: lesson})), live, live_content)
        assert problems, name


def test_symlink_entries_are_refused(live, live_content):
    """A symbolic link stored in an archive is refused, not followed."""
    data = zipped({}, symlinks={"03-ai-first-api-call.md": "/etc/passwd"})
    problems = _problems(from_bytes("a.zip", data), live, live_content)
    assert any("symbolic link" in p for p in problems)


def test_symlinks_in_a_folder_are_refused(tmp_path: Path, live, live_content):
    """A folder on disk with a symbolic link in it is refused."""
    (tmp_path / "explorer").mkdir()
    (tmp_path / "explorer" / "path.yaml").write_text("id: explorer\n")
    (tmp_path / "explorer" / "01-x.md").symlink_to("/etc/passwd")
    problems = _problems(from_path(tmp_path / "explorer"), live, live_content)
    assert any("01-x.md" in p and "symbolic link" in p for p in problems)


def test_a_zip_bomb_stops_at_the_limit(live, live_content):
    """An entry that inflates past the limit is refused; one that lies about its size too."""
    bomb = zipped({"03-ai-first-api-call.md": b"\0" * (MAX_FILE_BYTES * 40)})
    assert len(bomb) < 50_000
    problems = _problems(from_bytes("bomb.zip", bomb), live, live_content)
    assert any("the limit is 256 KB" in p for p in problems)
    assert any("unpacks to" in p or "not a readable" in p for p in _lying(bomb, live, live_content))


def _lying(bomb: bytes, live, live_content) -> list[str]:
    """The same bomb with its central directory claiming a tiny size."""
    data = bytearray(bomb)
    header = data.rfind(b"PK\x01\x02")
    data[header + 24 : header + 28] = (100).to_bytes(4, "little")
    return _problems(from_bytes("bomb.zip", bytes(data)), live, live_content)


def test_too_many_files_are_refused(live, live_content):
    """More than 200 files in an archive is refused whole."""
    entries = {f"paths/explorer/{n:03}-x.md": b"---\n" for n in range(MAX_FILES + 1)}
    problems = _problems(from_bytes("many.zip", zipped(entries)), live, live_content)
    assert any("201 files" in p for p in problems)


def test_an_id_clashing_with_another_path_is_refused(live, live_content):
    """An item whose id another path uses is refused, naming both."""
    text = live[LESSON]
    problems = _problems(
        from_bytes("03-ai-first-api-call.md", text.encode()), live, live_content, "explorer"
    )
    assert any("already used by the ai-engineer path" in p for p in problems)
    folder = path_folder(live, "explorer")
    folder["07-extra.md"] = text.replace("day: 3", "day: 7").encode()
    problems = _problems(_folder_upload(folder, "explorer"), live, live_content)
    assert any("ai-first-api-call" in p and "already used" in p for p in problems)


def test_invalid_utf8_is_refused_with_its_line(live, live_content):
    """Bytes that are not UTF-8 are refused, naming the line they are on."""
    data = live[LESSON].encode().replace(b"## Try it", b"## Try \xff it", 1)
    line = data[: data.index(b"\xff")].count(b"\n") + 1
    problems = _problems(from_bytes("03-ai-first-api-call.md", data), live, live_content)
    assert (
        problems[0]
        == f"03-ai-first-api-call.md:{line}: byte 0xff is not UTF-8 text; save the file as UTF-8"
    )


def test_windows_line_endings_are_accepted(live, live_content):
    """A lesson saved with CR LF line ends reads as the same lesson."""
    data = live[LESSON].replace("\n", "\r\n").encode()
    checked = check(from_bytes("03-ai-first-api-call.md", data), live, live_content)
    assert checked.ok and checked.changes.empty


def _folder_upload(files: dict[str, bytes], name: str):
    return from_bytes(f"{name}.zip", zipped({f"{name}/{n}": d for n, d in files.items()}))


names = st.sampled_from(
    [
        "03-ai-first-api-call.md",
        "quiz.yaml",
        "path.yaml",
        "x.md",
        "../x.md",
        "paths/explorer/01-a.md",
        "explorer/path.yaml",
        "a/b/c/d/e.md",
        "/abs.md",
        "é.md",
        "x.txt",
    ]
)
texts = st.one_of(
    st.binary(max_size=400),
    st.text(max_size=400).map(str.encode),
    st.builds(
        lambda a, b: f"---\n{a}\n---\n{b}".encode(), st.text(max_size=200), st.text(max_size=200)
    ),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=names, data=texts)
def test_malformed_single_files_never_crash(name, data, live, live_content):
    """Whatever a single file holds, checking it gives problems or content, never an exception."""
    checked = check(from_bytes(name, data), live, live_content)
    assert checked.ok or checked.problems or checked.changes.empty


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entries=st.dictionaries(names, texts, max_size=5),
    cut=st.integers(0, 2000),
    flip=st.integers(0, 2000),
)
def test_malformed_archives_never_crash(entries, cut, flip, live, live_content):
    """Archives with odd names and contents, truncated or with a byte flipped, never crash."""
    data = bytearray(zipped(entries))
    if flip < len(data):
        data[flip] ^= 0xFF
    for sample in (bytes(data), bytes(data[: max(4, len(data) - cut)])):
        checked = check(from_bytes("upload.zip", sample), live, live_content)
        assert checked.ok or checked.problems or checked.changes.empty
