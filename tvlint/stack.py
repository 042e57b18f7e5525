"""The same stack for recursive work, wherever it is called from.

Work that recurses as deep as its input (jsonschema on a schema that refers to itself, a
schema nested a hundred levels, TOML arrays in arrays) ends where Python's recursion
limit is reached, and that limit counts every frame below the work as well: a file
checked by a forked worker, or by a library caller deep in its own code, starts lower
on the stack than one checked by ``tvlint`` itself, and got "too deep" where the other
did not. ``in_room`` gives the work ``ROOM`` levels above its start, whatever lies below
it, so the verdict is the input's alone.

The limit is the interpreter's, shared by its threads: tvlint runs in one. A caller that
checks in several shares it while their checks run (each gets at least its room, and
may get another's, more), and has its own back once the last one ends.
"""

from __future__ import annotations

import sys
from _thread import allocate_lock  # threading's own lock, without loading threading

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:  # typing is not loaded for a run: see tests/test_startup.py
    from collections.abc import Callable
    from types import FrameType
    from typing import TypeVar

    T = TypeVar("T")

# Levels of recursion the work gets: what a check from the command line had below Python's
# default limit of 1,000 (about 15 levels lie below it), so that what tvlint took there,
# it takes still. Above the default for a caller deeper than that (a worker, a test
# runner): by a few hundred levels at most, well inside the interpreter's own margin.
ROOM = 980


# The rooms open (in any thread), and the limit from before the first of them opened: put
# back when the last one closes, whatever order they close in.
_rooms = allocate_lock()
_open = 0
_before = 0


def in_room(work: Callable[[], T]) -> T:
    """``work()`` with Python's recursion limit ``ROOM`` levels above this call; the limit
    as it was once it returns or raises (a Ctrl-C included)."""
    global _open, _before
    wanted = _depth() + ROOM
    opened = False
    try:
        with _rooms:
            if _open == 0:
                _before = sys.getrecursionlimit()
            # Another thread's room may be open: the higher of the two.
            sys.setrecursionlimit(wanted if _open == 0 else max(wanted, sys.getrecursionlimit()))
            _open, opened = _open + 1, True
        return work()
    finally:
        if opened:
            with _rooms:
                _open -= 1
                if _open == 0:
                    sys.setrecursionlimit(_before)


def _depth() -> int:
    """The recursion depth here as the interpreter's limit counts it.

    The frames below say it on Python 3.12 and later. On 3.10 and 3.11 calls through C
    count as well (a class's ``__init__``, a builtin) and some frames entered from C do
    not, which no frame shows; the interpreter says its depth when it refuses a limit
    below it (and, refusing, changes nothing).
    """
    frames = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        frames += 1
        frame = frame.f_back
    if sys.version_info >= (3, 12):
        return frames
    try:  # pragma: no cover - exercised on 3.10 and 3.11
        sys.setrecursionlimit(1)  # refused at any depth a function runs at
    except RecursionError as refused:
        # "cannot set the recursion limit to 1 at the recursion depth N: the limit is
        # too low", the words of those two versions, which will not change.
        said = str(refused).partition("at the recursion depth ")[2].partition(":")[0]
        if said.isdigit():
            return int(said)
    return frames
