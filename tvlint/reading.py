"""Reading a file that may be hostile: regular files only, never past a size limit.

A path in a pull request can name a device (a symlink to ``/dev/zero`` would be read
forever), a FIFO (an open for reading would wait forever for a writer) or a sparse
file of many gigabytes. Such a path is a per-file error, found before reading.
"""

from __future__ import annotations

import os
import re
import stat

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import BinaryIO, Protocol

    class Tree(Protocol):
        """The boundary a read stays inside (``tvlint.tree.Tree``, which sits above
        reading: it raises reading's errors)."""

        def resolve(self, path: str) -> str: ...

        def check_open(self, fd: int, path: str) -> None: ...


DEFAULT_MAX_FILE_SIZE = 256 * 1024 * 1024
_UNITS = {
    "": 1, "b": 1,
    "kb": 1000, "mb": 1000**2, "gb": 1000**3,
    "kib": 1024, "mib": 1024**2, "gib": 1024**3,
}  # fmt: skip
_BLOCK = 1 << 20
# Compiled (and cached by re) on first use: most runs are given no size. Anchored, and
# followed by nothing, so it cannot backtrack.
_DIGITS = r"\d*"
# Never block on opening (a FIFO swapped in after the check), never become the
# controlling terminal (a terminal device swapped in).
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)


class ReadRefused(OSError):
    """A file tvlint will not read: not a regular file, or larger than the limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.strerror = reason


def describe_os_error(error: OSError) -> str:
    """What went wrong with a file, in a few words ("No such file or directory")."""
    if isinstance(error, IsADirectoryError):
        return "is a directory"
    return error.strerror or str(error)


def parse_size(text: str) -> int:
    """Bytes for ``"256MiB"``, ``"10 MB"``, ``"4096"``; ValueError if it is none.

    White space around the number and the unit, digits, then a unit: each part is
    taken in one pass, never by a pattern that could try the white space two ways.
    """
    stripped = text.strip()  # what \s is to re: str.isspace
    digits = re.match(_DIGITS, stripped)
    number = digits.group() if digits else ""
    unit = _UNITS.get(stripped[len(number) :].lstrip().lower())
    try:
        bytes_ = int(number) if number else 0
    except ValueError:  # more digits than int() converts: no size is that large
        bytes_ = 0
    if unit is None or bytes_ == 0:
        raise ValueError(f"not a size: {text!r} (e.g. 4096, 512KiB, 256MiB, 1GB)")
    return bytes_ * unit


def format_size(size: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _check_kind(mode: int) -> None:
    if stat.S_ISDIR(mode):
        raise IsADirectoryError("is a directory")
    if not stat.S_ISREG(mode):
        raise ReadRefused("not a regular file")


def _too_large(limit: int) -> ReadRefused:
    return ReadRefused(f"larger than the size limit of {format_size(limit)} (--max-file-size)")


def read_file(path: str, limit: int = DEFAULT_MAX_FILE_SIZE, tree: Tree | None = None) -> bytes:
    """The bytes of the regular file at ``path`` (symlinks followed), at most ``limit``.

    Raises OSError: ReadRefused for a device, FIFO or socket (never opened), a file
    over the limit (never read past it, even if it grows meanwhile), or a file whose
    real path lies outside ``tree`` (OutsideTree: never read).
    """
    fd, size = _open(path, limit, tree)
    try:
        # os.read on the descriptor: a buffered file object around it would cost
        # about as much as the read itself, for a file read whole in one call.
        return _read_to_limit(lambda n: os.read(fd, n), limit, size)
    finally:
        os.close(fd)


def open_file(
    path: str, limit: int = DEFAULT_MAX_FILE_SIZE, tree: Tree | None = None
) -> tuple[BinaryIO, int]:
    """The regular file at ``path``, open for reading, and its size; raises as
    ``read_file`` does. The caller reads it, never past a bound of its own."""
    fd, size = _open(path, limit, tree)
    return os.fdopen(fd, "rb"), size


def _open(path: str, limit: int, tree: Tree | None) -> tuple[int, int]:
    info = os.stat(path)
    if tree is not None and (not stat.S_ISREG(info.st_mode) or info.st_size > limit):
        tree.resolve(path)  # refused either way: say so by where it leads, if outside
    _check_kind(info.st_mode)
    if info.st_size > limit:
        raise _too_large(limit)
    fd = os.open(path, _OPEN_FLAGS)
    try:
        _check_kind(os.fstat(fd).st_mode)  # what was opened, if the path changed since
        if tree is not None:  # and where it lies: never read from outside its tree
            tree.check_open(fd, path)
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_stream(stream: BinaryIO, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    """All of ``stream`` (standard input), at most ``limit`` bytes."""

    def read(size: int) -> bytes:
        block = stream.read(size)
        while block is None:
            # A descriptor left non-blocking (O_NONBLOCK belongs to the open pipe, which
            # the program before tvlint may have set) with nothing in it yet: wait for
            # input, as a blocking read would, rather than take it for the end.
            _wait_until_readable(stream.fileno())
            block = stream.read(size)
        return block

    return _read_to_limit(read, limit, _BLOCK)


def _wait_until_readable(fd: int) -> None:
    import select

    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        poller.poll()
    else:  # pragma: no cover - systems without poll
        select.select([fd], [], [])


def _read_to_limit(read: Callable[[int], bytes], limit: int, expected: int) -> bytes:
    """All that ``read`` gives until it gives nothing, or ReadRefused once that is more
    than ``limit`` bytes.

    The first read asks for ``expected`` bytes and one more, which for a file of that
    size is all there is; a file that grew, or said it was empty (as those of /proc
    do), and a stream are read on a block at a time. No read asks for more than is
    left to the limit, so no buffer is ever sized by the limit itself.
    """
    want = min(expected, limit) + 1
    parts, size = [], 0
    while True:
        block = read(want)
        if not block:  # the end
            break
        parts.append(block)
        size += len(block)
        if size > limit:
            raise _too_large(limit)
        want = min(_BLOCK, limit + 1 - size)
    # One part is the common case: joining would copy the whole file once more.
    return parts[0] if len(parts) == 1 else b"".join(parts)
