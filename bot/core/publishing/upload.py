"""Reading what a moderator sends: one content file, a folder or a .zip, held to the limits
before anything is parsed.

Nothing here writes anywhere: an upload becomes a mapping of relative path -> bytes, plus every
problem found on the way, each naming the file. Archives are read entry by entry with the
declared and the actual sizes both counted, so a zip bomb stops at the limit, not at the disk.
"""

from __future__ import annotations

import io
import lzma
import math
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.core.content import Problem

MAX_FILE_BYTES = 256 * 1024
MAX_ARCHIVE_BYTES = 5 * 1024 * 1024
MAX_FILES = 200
# What an archive may unpack to: 200 files of 256 KB would be 50 MB; a real upload is far less.
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
ALLOWED_SUFFIXES = (".md", ".yaml")
MAX_DEPTH = 4
# Left out without a word, with hidden files: what macOS and Windows add to folders and archives.
IGNORED = frozenset({"__MACOSX", "Thumbs.db", "desktop.ini"})
_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}$")
_CHUNK = 64 * 1024
# Everything zipfile raises on a damaged or hostile archive: the moderator's file, not our bug.
_BROKEN_ARCHIVE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    OSError,
    ValueError,
    struct.error,
    UnicodeDecodeError,
)


def kb(size: int) -> str:
    """A size, rounded up: a file one byte over 256 KB reads as 257 KB."""
    if size <= 1024 * 1024:
        return f"{math.ceil(size / 1024):,} KB"
    return f"{math.ceil(size / 1024 / 1024 * 10) / 10:,.1f} MB"


@dataclass
class Upload:
    """What was sent, as relative path -> bytes; each problem names a file as the sender knows
    it."""

    name: str
    files: dict[str, bytes] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # A single file: its problems are shown under its own name, not under the upload's.
    single: bool = False

    def shown(self, relative: str) -> Path:
        return Path(relative) if self.single else Path(self.name) / relative

    def refuse(self, relative: str | None, message: str, line: int = 0) -> None:
        where = Path(self.name) if relative is None else self.shown(relative)
        self.problems.append(Problem(where, line, message))

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


def from_bytes(name: str, data: bytes) -> Upload:
    """An attachment: a .zip archive, or one content file."""
    name = Path(name.replace("\\", "/")).name or "upload"
    if name.lower().endswith(".zip") or data.startswith(b"PK\x03\x04"):
        return read_archive(name, data)
    upload = Upload(name, single=True)
    if _checked_name(upload, name) is not None and _fits(upload, name, len(data)):
        upload.files[name] = _unix_lines(data)
    return upload


def from_path(path: Path) -> Upload:
    """A file, folder or .zip on this machine (the command line, the console)."""
    path = Path(path)
    if path.is_dir():
        return read_folder(path)
    if not path.is_file():
        upload = Upload(path.name or str(path))
        upload.refuse(None, "no such file or folder; check the path")
        return upload
    limit = MAX_ARCHIVE_BYTES if path.suffix.lower() == ".zip" else MAX_FILE_BYTES
    size = path.stat().st_size
    if size > limit:
        upload = Upload(path.name, single=True)
        upload.refuse(path.name, f"the file is {kb(size)}; the limit is {kb(limit)}")
        return upload
    return from_bytes(path.name, path.read_bytes())


def read_archive(name: str, data: bytes) -> Upload:
    upload = Upload(name)
    if len(data) > MAX_ARCHIVE_BYTES:
        upload.refuse(None, f"the archive is {kb(len(data))}; the limit is {kb(MAX_ARCHIVE_BYTES)}")
        return upload
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _read_entries(upload, archive)
    except _BROKEN_ARCHIVE as error:
        upload.refuse(None, f"not a readable .zip archive ({_reason(error)}); pack it again")
    return upload


def _read_entries(upload: Upload, archive: zipfile.ZipFile) -> None:
    entries = [info for info in archive.infolist() if not _ignored(info.filename)]
    files = [info for info in entries if not info.is_dir()]
    if len(files) > MAX_FILES:
        upload.refuse(None, f"the archive holds {len(files)} files; the limit is {MAX_FILES}")
        return
    unpacked = 0
    for info in entries:
        relative = _checked_name(upload, info.filename, directory_ok=info.is_dir())
        mode = info.external_attr >> 16
        if relative is None or info.is_dir():
            continue
        if stat.S_ISLNK(mode):
            upload.refuse(relative, "a symbolic link; put the file itself in the archive")
            continue
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG):
            upload.refuse(relative, "not a regular file")
            continue
        if info.flag_bits & 0x1:
            upload.refuse(relative, "encrypted; pack the archive without a password")
            continue
        if relative in upload.files:
            upload.refuse(relative, "appears twice in the archive")
            continue
        if not _fits(upload, relative, info.file_size):
            continue
        unpacked += info.file_size
        if unpacked > MAX_UNPACKED_BYTES:
            upload.refuse(None, f"the archive unpacks to over {kb(MAX_UNPACKED_BYTES)}")
            return
        content = _read_entry(archive, info)
        if content is None:
            # The header understated the size: a zip bomb, or a damaged archive.
            upload.refuse(relative, f"unpacks to more than {kb(MAX_FILE_BYTES)}; refused")
            return
        upload.files[relative] = _unix_lines(content)


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The entry's bytes, or None once more than the limit comes out, whatever the header says."""
    parts: list[bytes] = []
    total = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                return None
            parts.append(chunk)
    return b"".join(parts)


def read_folder(root: Path) -> Upload:
    """Every file under `root`; symbolic links and other non-files are refused, not followed."""
    upload = Upload(root.name or str(root))
    count = 0
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        for entry in entries:
            relative = prefix + entry.name
            if _ignored(relative):
                continue
            if entry.is_symlink():
                upload.refuse(relative, "a symbolic link; copy the file itself into the folder")
            elif entry.is_dir(follow_symlinks=False):
                if _checked_name(upload, relative, directory_ok=True) is not None:
                    pending.append((Path(entry.path), relative + "/"))
            elif not entry.is_file(follow_symlinks=False):
                upload.refuse(relative, "not a regular file")
            elif (checked := _checked_name(upload, relative)) is not None:
                count += 1
                if count > MAX_FILES:
                    upload.refuse(None, f"the folder holds over {MAX_FILES} files")
                    return upload
                if _fits(upload, checked, entry.stat(follow_symlinks=False).st_size):
                    upload.files[checked] = _unix_lines(Path(entry.path).read_bytes())
    if upload.size > MAX_UNPACKED_BYTES:
        upload.refuse(None, f"the folder holds over {kb(MAX_UNPACKED_BYTES)}")
    return upload


def pack(files: dict[str, bytes]) -> bytes:
    """The files as a .zip archive (the console sends a folder this way)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(name, data)
    return buffer.getvalue()


def _checked_name(upload: Upload, raw: str, *, directory_ok: bool = False) -> str | None:
    """The entry's relative path, or None after saying what is wrong with it."""
    shown = raw[:120]
    if "\\" in raw:
        upload.refuse(None, f"'{shown}': use / between folders, not \\")
        return None
    if raw.startswith("/") or re.match(r"^[A-Za-z]:", raw):
        upload.refuse(None, f"'{shown}' is an absolute path; archive relative paths only")
        return None
    parts = [part for part in raw.split("/") if part not in ("", ".")]
    if ".." in parts:
        upload.refuse(None, f"'{shown}' points outside the upload ('..'); refused")
        return None
    if not parts or len(parts) > MAX_DEPTH:
        upload.refuse(None, f"'{shown}' is not where content files go (see docs/content.md)")
        return None
    bad = next((part for part in parts if not _NAME.match(part)), None)
    if bad is not None:
        upload.refuse(None, f"'{shown}': names may hold only letters, digits, '.', '-' and '_'")
        return None
    relative = "/".join(parts)
    if not directory_ok and not relative.endswith(ALLOWED_SUFFIXES):
        upload.refuse(relative, "only .md (lessons, projects) and .yaml files can be published")
        return None
    return relative


def _fits(upload: Upload, relative: str, size: int) -> bool:
    if size > MAX_FILE_BYTES:
        upload.refuse(relative, f"the file is {kb(size)}; the limit is {kb(MAX_FILE_BYTES)}")
        return False
    return True


def _ignored(name: str) -> bool:
    """Hidden files (.git, .DS_Store) and what archivers add; never '..', which is refused."""
    parts = name.replace("\\", "/").split("/")
    return any(part in IGNORED or (part[:1] == "." and part not in (".", "..")) for part in parts)


def _unix_lines(data: bytes) -> bytes:
    # Files saved on Windows end their lines with CR LF; the format is read line by line.
    return data.replace(b"\r\n", b"\n")


def _reason(error: Exception) -> str:
    return str(error).split("\n")[0][:120] or type(error).__name__
