"""The same stack for recursive work, wherever it is called from.

Work that recurses as deep as its input (jsonschema on a schema that refers to itself, a
schema nested a hundred levels, TOML arrays in arrays) ends where Python's recursion
limit is reached, and that limit counts every frame below the work as well: a file
checked by a forked worker, or by a library caller deep in its own code, starts lower
on the stack than one checked by ``tvlint`` itself, and got "too deep" where the other
did not. After ``make_room`` the work has ``ROOM`` levels above its start, whatever
lies below it, so the verdict is the input's alone.
"""

from __future__ import annotations

import sys

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType

# Levels of recursion the work gets: what a check from the command line had below Python's
# default limit of 1,000 (about 15 levels lie below it), so that what tvlint took there,
# it takes still. Above the default for a caller deeper than that (a worker, a test
# runner): by a few hundred levels at most, well inside the interpreter's own margin.
ROOM = 980


def make_room() -> int:
    """Python's recursion limit set ``ROOM`` levels above the caller; the limit before,
    for the caller to put back once its work is done (in a ``finally``).

    Called as a plain function from the frame that does the work: a frame the
    interpreter enters from C (a ``with`` statement's ``__enter__``, a generator that
    ``next()`` resumes) is counted differently on 3.10 and 3.11, and would move the
    room by a level.
    """
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(_depth() + ROOM)
    return before


def _depth() -> int:
    """The recursion depth here as the interpreter's limit counts it.

    The frames below say it on Python 3.12 and later. On 3.10 and 3.11 calls through C
    count as well (a class's ``__init__``, a builtin) and some frames entered from C do
    not, which no frame shows: the least limit the interpreter accepts here is one past
    its depth, found by trying from the frames' count (a few tries; nothing runs in
    between, and the limit is put back).
    """
    found = 0
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        found += 1
        frame = frame.f_back
    limit = sys.getrecursionlimit()
    while True:  # refused: the depth is at least found + 1
        try:
            sys.setrecursionlimit(found + 1)
            break
        except RecursionError:
            found += 1
    while found > 1:  # accepted: the depth is below found
        try:
            sys.setrecursionlimit(found)
        except RecursionError:
            break
        found -= 1
    sys.setrecursionlimit(limit)
    return found
