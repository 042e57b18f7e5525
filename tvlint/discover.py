"""Paths given on the command line → the files to check."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from fnmatch import fnmatchcase

FILE_NAME = "training_versions.json"
SKIPPED_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__",
     ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)  # fmt: skip


class FileFilter:
    """Which files count, from ``[tool.tvlint]`` ``include`` and ``exclude`` globs.

    A glob matches a path relative to ``root`` (``data/archive/*``) or any single
    name in it (``*.old.json``, ``archive``); ``*`` crosses ``/``.
    """

    # A plain class: a dataclass costs a one-file run half a millisecond to define.
    __slots__ = ("exclude", "include", "root")

    def __init__(
        self, root: str = ".", include: Sequence[str] = (), exclude: Sequence[str] = ()
    ) -> None:
        self.root = root
        self.include = tuple(include)
        self.exclude = tuple(exclude)

    def _relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(self.root)).replace(
            os.sep, "/"
        )

    def is_target(self, path: str) -> bool:
        name = os.path.basename(path)
        if name == FILE_NAME:
            return True
        if not self.include:
            return False
        relative = self._relative(path)
        return any(fnmatchcase(relative, g) or fnmatchcase(name, g) for g in self.include)

    def is_excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        parts = self._relative(path).split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatchcase(p, g) for g in self.exclude for p in (*parts, *prefixes))


def _is_skipped(parent: str, name: str) -> bool:
    # A virtualenv can have any name; its pyvenv.cfg gives it away.
    return name in SKIPPED_DIRS or os.path.isfile(os.path.join(parent, name, "pyvenv.cfg"))


def _walk(top: str, on_error: Callable[[OSError], None], where: FileFilter) -> Iterator[str]:
    for parent, dirs, files in os.walk(top, onerror=on_error):
        dirs[:] = sorted(
            d
            for d in dirs
            if not _is_skipped(parent, d) and not where.is_excluded(os.path.join(parent, d))
        )
        # A directory named like the file is yielded for the reader to report.
        names = [n for n in files if where.is_target(os.path.join(parent, n))]
        names += [n for n in dirs if n == FILE_NAME]
        for name in sorted(names):
            path = os.path.join(parent, name)
            if not where.is_excluded(path):
                yield path


def discover(
    paths: Sequence[str], on_error: Callable[[OSError], None], where: FileFilter | None = None
) -> Iterator[str]:
    """Each file to check, once, in a stable order, as the user would name it.

    A file path is checked whatever its name (unless excluded); a directory is searched
    recursively for ``training_versions.json`` and the ``include`` globs. A path that
    does not exist is yielded as it is, so the reader reports it. A directory that
    cannot be listed goes to ``on_error`` and the search goes on.
    """
    where = where or FileFilter()
    seen: set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            found: Iterator[str] = _walk(path, on_error, where)
        else:
            found = iter(() if where.is_excluded(path) else (path,))
        for file in found:
            key = os.path.normpath(file)
            if key not in seen:
                seen.add(key)
                yield file
