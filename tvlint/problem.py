"""The records every stage after parsing speaks: findings and located problems."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """What a rule saw, before it is given a place in the source text.

    ``pointer`` is the JSON pointer of the value the finding is about. ``offset`` is
    set by the rules that already know the exact character (duplicate keys); the
    others are located through the pointer, and only when reported. ``position`` is a
    finished (line, column), for a file that has no parsed text to count in (one that
    is not JSON).
    """

    code: str
    message: str
    pointer: str = ""
    offset: int | None = None
    position: tuple[int, int] | None = None
    # The fix that would remove it: "safe" (``--fix``), "unsafe" (``--fix
    # --unsafe-fixes``: it changes values, not only removes entries), or None.
    fix: str | None = None


@dataclass(frozen=True)
class Problem:
    """A finding located in a file: 1-based line and column (in characters)."""

    path: str
    line: int
    column: int
    code: str
    rule: str
    message: str
    pointer: str
    fixable: bool = False  # whether this run's ``--fix`` (with its unsafe-fixes) removes it
    fix: str | None = None  # the fix that would remove it: "safe", "unsafe" or None
