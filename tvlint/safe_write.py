"""Replacing a file so that no crash, kill or full disk can lose it.

Order of events: re-read and compare (the file must be as it was read), give the file
a second name as its backup (a name no other file has), write the new text to a
temporary file beside the target, fsync it, compare once more, then ``os.replace`` it
over the target. Each
step leaves either the old file or the new one in place, never a mix.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable, Iterator
from types import FrameType

from tvlint import TYPE_CHECKING
from tvlint.reading import ReadRefused, describe_os_error, open_file
from tvlint.result import BACKUP_DIRECTORY
from tvlint.tree import enclosing_work_tree, new_file_directory

if TYPE_CHECKING:
    from typing import BinaryIO, Protocol

    class Content(Protocol):
        """A file's bytes, a block at a time, made again on each call: a large file's
        bytes need never be held whole beside its text (``Document.blocks``)."""

        def blocks(self) -> Iterable[bytes]: ...


TEMP_SUFFIX = ".tvlint-tmp"
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


class WriteFailed(Exception):
    """The file was left as it was; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ChangedOnDisk(WriteFailed):
    pass


def backup_base(path: str, target: str) -> str:
    """What a backup of ``path`` (whose real path is ``target``) is named after.

    Inside a git work tree, ``<git directory>/tvlint/backups/<its path in the work
    tree>``: a backup beside the file would be committed by the next ``git add -A``.
    Elsewhere ``path`` itself, so that the backup lies beside the file.
    """
    root = enclosing_work_tree(os.path.dirname(target))
    git_directory = None if root is None else _git_directory(root)
    if root is None or git_directory is None:
        return path
    base = os.path.join(git_directory, BACKUP_DIRECTORY, os.path.relpath(target, root))
    # Shown as the file was named: relative to the working directory, or absolute.
    return base if os.path.isabs(path) else os.path.relpath(base)


def _git_directory(root: str) -> str | None:
    """The git directory of the work tree at ``root``: its ``.git``, or where a ``.git``
    file (a linked work tree, a submodule) says it is."""
    dot_git = os.path.join(root, ".git")
    if os.path.isdir(dot_git):
        return dot_git
    try:
        with open(dot_git, encoding="utf-8") as handle:
            first = handle.readline(4096)
    except (OSError, UnicodeDecodeError):
        return None
    if not first.startswith("gitdir: "):
        return None
    found = os.path.join(root, first[len("gitdir: ") :].strip())
    return found if os.path.isdir(found) else None


def backup_path_for(path: str) -> str:
    """``<file>.backup``, or the first free ``<file>.backup.N``: never an existing file."""
    candidate = path + ".backup"
    n = 0
    while os.path.lexists(candidate):
        n += 1
        candidate = f"{path}.backup.{n}"
    return candidate


class Whole:
    """Bytes held whole, as Content."""

    __slots__ = ("data",)

    def __init__(self, data: bytes) -> None:
        self.data = data

    def blocks(self) -> Iterable[bytes]:
        return (self.data,)


def replace_file(
    path: str,
    expected: bytes | Content,
    new: bytes | Content,
    backup: bool,
    target: str | None = None,
) -> str | None:
    """Replace ``path``'s content ``expected`` with ``new``; return the backup's path.

    A symlink is written through (its target changes, the link stays). The target's
    permission bits are kept. Raises WriteFailed (ChangedOnDisk if the file no longer
    holds ``expected``) with everything as it was: the original untouched and no
    backup left behind. ``target`` is where ``path`` leads, if the caller has resolved
    (and checked) it already.
    """
    target = target or os.path.realpath(path)
    expected = Whole(expected) if isinstance(expected, bytes) else expected
    new = Whole(new) if isinstance(new, bytes) else new
    backup_path = None
    with _deferred_interrupts():
        try:
            info = os.stat(target)
            _ensure_unchanged(target, expected)
            backup_path = _write_backup(path, target, expected, info) if backup else None
            _replace(target, new, info, expected)
        except (OSError, WriteFailed) as exc:
            if backup_path is not None:
                _remove_quietly(backup_path)
            if isinstance(exc, WriteFailed):
                raise
            raise WriteFailed(_describe(exc)) from None
    return backup_path


def _ensure_unchanged(target: str, expected: Content) -> None:
    # Opened as every file is (never a device or FIFO swapped in meanwhile), and
    # compared a block at a time: it is never read past the expected bytes and one
    # more, which bounds the read instead of a size limit.
    try:
        handle, _ = open_file(target, sys.maxsize)
    except ReadRefused:
        unchanged = False
    else:
        with handle:
            unchanged = _holds(handle, expected)
    if not unchanged:
        raise ChangedOnDisk("the file changed on disk since it was read; left as it is")


def _holds(handle: BinaryIO, expected: Content) -> bool:
    for block in expected.blocks():
        if handle.read(len(block)) != block:
            return False
    return not handle.read(1)


def _write_backup(path: str, target: str, content: Content, info: os.stat_result) -> str:
    """The backup's path: a new name for the file as it is, or else a copy of it.

    The original is never written to (the fix replaces it), so a hard link to it is a
    byte-identical backup that costs no copy, carries its permission bits, and
    appears complete or not at all. Where hard links are not possible (another file
    system beside a symlink, or none at all), the content is written out instead.
    """
    base = backup_base(path, target)
    if base != path:
        os.makedirs(os.path.dirname(base), exist_ok=True)
    while True:
        backup = backup_path_for(base)
        try:
            # link() refuses an existing name: a backup never overwrites anything.
            os.link(target, backup)
            return backup
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            return _write_exclusive(base, content, info)


def _write_exclusive(base: str, content: Content, info: os.stat_result) -> str:
    # Still never overwrites; a crash here can leave a partial backup beside an
    # intact original.
    while True:
        backup = backup_path_for(base)
        try:
            with open(backup, "xb") as handle:
                handle.writelines(content.blocks())
                handle.flush()
                _same_owner_and_mode(handle.fileno(), info)
                os.fsync(handle.fileno())
            return backup
        except FileExistsError:
            continue


def _replace(target: str, content: Content, info: os.stat_result, expected: Content) -> None:
    directory = os.path.dirname(target)
    tmp = _write_temp(directory, os.path.basename(target), content, info)
    try:
        _ensure_unchanged(target, expected)
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_directory(directory)


def _write_temp(directory: str, name: str, content: Content, info: os.stat_result) -> str:
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(content.blocks())
            handle.flush()
            _same_owner_and_mode(handle.fileno(), info)
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(tmp)
        raise
    return tmp


def _same_owner_and_mode(fd: int, info: os.stat_result) -> None:
    """Give a new file the owner, group and permission bits of the one it stands for.

    Run as root (a CI job, a container), the new file would otherwise belong to root,
    and the file's owner could no longer write it. Owner first: changing it can clear
    the set-id bits, which the mode then restores. A user who may not give the file
    away keeps it (as any editor's save would).
    """
    fchown = getattr(os, "fchown", None)  # not on Windows
    if fchown is not None and (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(PermissionError):
            fchown(fd, info.st_uid, info.st_gid)
    os.fchmod(fd, stat.S_IMODE(info.st_mode))


def _fsync_directory(directory: str) -> None:
    # Makes the rename itself durable; some filesystems cannot open a directory.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _describe(exc: OSError) -> str:
    reason = describe_os_error(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason


@contextlib.contextmanager
def _deferred_interrupts() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the write is done or undone, then deliver them.

    Without this, Ctrl-C between creating a temporary file and removing it would leave
    the temporary file behind.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        for signum in received:
            signal.raise_signal(signum)


def write_new_file(path: str, content: bytes) -> None:
    """``content`` as the file at ``path``, which appears whole or not at all (a report
    for ``-o``: a temporary file beside it, then renamed over it). WriteFailed if not."""
    with _deferred_interrupts():
        try:
            directory = new_file_directory(path)
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tvlint-report.", suffix=TEMP_SUFFIX)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(content)
                    handle.flush()
                    os.fchmod(handle.fileno(), 0o666 & ~_umask())
                os.replace(tmp, os.path.join(directory, os.path.basename(path)))
            except BaseException:
                _remove_quietly(tmp)
                raise
        except OSError as exc:
            raise WriteFailed(_describe(exc)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
