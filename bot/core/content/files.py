"""Reading one content file: only regular files inside the content directory, as UTF-8 text.

Content is edited by hand and sometimes arrives by copy, archive or symlink, so a file may be
anything: a folder named like a lesson, a link out of the directory or back into itself, a FIFO
(which would block the reader forever), a byte order mark, or bytes that are not UTF-8. Each
becomes a FileProblem the loader reports with the file and line.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

BOM = b"\xef\xbb\xbf"
# Content files are short text: a lesson body is at most 3,500 characters.
MAX_FILE_BYTES = 1_000_000


class FileProblem(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_bytes(file: Path, root: Path) -> bytes:
    """The file's bytes; FileProblem if it is not a regular file inside `root`."""
    real = _inside(file, root)
    try:
        # Non-blocking, so a FIFO that slipped in after the check above cannot hang the open.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
    except OSError as error:
        raise FileProblem(0, f"cannot be read ({error.strerror})") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise FileProblem(0, f"is {_kind(mode)}, not a file; {_what_to_do(file)}")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise FileProblem(0, f"is larger than {MAX_FILE_BYTES:,} bytes; content files are short")
    return data


def decode(data: bytes) -> str:
    """UTF-8 text without a byte order mark; FileProblem with the line of the first bad byte."""
    if data.startswith(BOM):
        raise FileProblem(1, "starts with a byte order mark (BOM); save it as UTF-8 without a BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FileProblem(
            line,
            f"byte 0x{data[error.start]:02x} is not UTF-8 text; save the file as UTF-8",
        ) from None


def _inside(file: Path, root: Path) -> Path:
    """The file's real path, refusing link loops and links that lead out of `root`."""
    try:
        real = file.resolve(strict=True)
    except RuntimeError:
        # Python 3.11 reports a symlink loop this way; later versions raise OSError(ELOOP).
        raise FileProblem(0, "is a symbolic link that loops; remove it") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise FileProblem(0, "is a symbolic link that loops; remove it") from None
        raise FileProblem(0, f"cannot be read ({error.strerror})") from None
    if not real.is_relative_to(root.resolve()):
        raise FileProblem(
            0, "is a link to a file outside the content directory; copy the file in instead"
        )
    return real


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def _what_to_do(file: Path) -> str:
    if file.suffix == ".md":
        return "lessons and projects are files named NN-slug.md; rename or remove it"
    return f"{file.name} must be a text file"
