"""Paths given on the command line → the files to check."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence

FILE_NAME = "training_versions.json"
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        ".tox",
        ".nox",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)


def _is_skipped(parent: str, name: str) -> bool:
    # A virtualenv can have any name; its pyvenv.cfg gives it away.
    return name in SKIPPED_DIRS or os.path.isfile(os.path.join(parent, name, "pyvenv.cfg"))


def _walk(top: str, on_error: Callable[[OSError], None]) -> Iterator[str]:
    for parent, dirs, files in os.walk(top, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not _is_skipped(parent, d))
        # A directory named like the file is reported as unreadable, not silently passed.
        names = [n for n in files if n == FILE_NAME] + [n for n in dirs if n == FILE_NAME]
        for name in sorted(names):
            yield os.path.join(parent, name)


def discover(paths: Sequence[str], on_error: Callable[[OSError], None]) -> Iterator[str]:
    """Each file to check, once, in a stable order, as the user would name it.

    A file path is checked whatever its name; a directory is searched recursively for
    ``training_versions.json``. A path that does not exist is yielded as it is, so the
    reader reports it. A directory that cannot be listed goes to ``on_error`` and the
    search goes on.
    """
    seen: set[str] = set()
    for path in paths:
        found = _walk(path, on_error) if os.path.isdir(path) else iter((path,))
        for file in found:
            key = os.path.normpath(file)
            if key not in seen:
                seen.add(key)
                yield file
