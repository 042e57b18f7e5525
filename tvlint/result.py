"""What a run found and did, as plain data: each path's outcome (the one record that
flows from lint to report), what a fix removed, and the run's result. The runner and
the fixer make these; the reporters read only these."""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Sequence

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from tvlint.problem import Problem
    from tvlint.ranking import DuplicateGroup
    from tvlint.runs import RunGroup


# Where backups go inside a git work tree, under its git directory: a backup beside the
# file would be committed by the next ``git add -A``.
BACKUP_DIRECTORY = os.path.join("tvlint", "backups")


class Mode(enum.Enum):
    CHECK = "check"
    FIX = "fix"
    DIFF = "diff"


class FileFix:
    """What ``--fix`` changed in one file (``written``), or ``--diff`` would: duplicates
    removed, runs merged, names set.

    Only what the reports show: the groups and their entries, not the plan's texts, of
    which a run over many files would otherwise keep two copies for every file fixed.
    """

    __slots__ = ("backup", "diff", "entries", "groups", "path", "renames", "runs", "written")

    def __init__(
        self,
        path: str,
        groups: tuple[DuplicateGroup, ...],
        entries: dict[int, Any],  # the entries the fix touched, by index in versions
        written: bool,
        backup: str | None = None,
        diff: str | None = None,
        runs: tuple[RunGroup, ...] = (),  # one run recorded twice, merged
        renames: tuple[tuple[int, str], ...] = (),  # (entry, the version it is now named)
    ) -> None:
        self.path, self.groups, self.entries = path, groups, entries
        self.written, self.backup, self.diff = written, backup, diff
        self.runs, self.renames = runs, renames

    @property
    def removed(self) -> list[int]:
        """The entries removed as duplicates of a model file (TV004)."""
        return sorted(r.index for g in self.groups for r in g.removed)

    @property
    def merged(self) -> list[int]:
        """The entries merged into another entry of their run (TV008)."""
        return sorted(r.index for g in self.runs for r in g.removed)


class Problems(tuple["Problem", ...]):
    """A file's problems, and how many of each rule's were left out (``omitted``: code
    → count; see ``MAX_SCHEMA_PROBLEMS``).

    The count travels with the problems: an outcome remade from another's problems
    (with a fix, or an error added) keeps it.
    """

    omitted: dict[str, int]

    def __new__(
        cls, problems: Iterable[Problem] = (), omitted: dict[str, int] | None = None
    ) -> Problems:
        made = super().__new__(cls, problems)
        made.omitted = omitted or {}
        return made


class Outcome:
    """One path's outcome.

    ``problems`` are what remains in the file (after ``--fix``, or that ``--diff``
    would leave), or None if it could not be read; ``error`` says why it could not be
    read, listed or written (a file can have both: checked, but its fix not written);
    ``fix`` is what ``--fix`` removed from it, or ``--diff`` would; ``omitted`` how
    many problems of each rule were found but not kept (code → count).
    """

    __slots__ = ("error", "fix", "path", "problems")

    def __init__(
        self,
        path: str,
        problems: tuple[Problem, ...] | None = None,
        error: str | None = None,
        fix: FileFix | None = None,
    ) -> None:
        self.path = path
        self.problems = problems
        self.error = error
        self.fix = fix

    @property
    def omitted(self) -> dict[str, int]:
        return self.problems.omitted if isinstance(self.problems, Problems) else {}

    def encode(self) -> Encoded:
        """The outcome of a check as plain values, which ``marshal`` sends through the
        workers' pipe: (path, each problem's fields in order or None, error, the
        problems omitted). A check's outcome has no fix."""
        assert self.fix is None
        problems = None
        if self.problems:  # a problem crosses as the tuple of its fields, in order
            from dataclasses import fields

            names = [field.name for field in fields(self.problems[0])]
            problems = tuple(
                tuple(getattr(problem, name) for name in names) for problem in self.problems
            )
        elif self.problems is not None:
            problems = ()
        return self.path, problems, self.error, self.omitted

    @classmethod
    def decode(cls, values: Encoded) -> Outcome:
        path, problems, error, omitted = values
        if not isinstance(path, str) or not (error is None or isinstance(error, str)):
            raise ValueError("not an encoded outcome")
        if not isinstance(omitted, dict):
            raise ValueError("not an encoded outcome")
        found: tuple[Problem, ...] | None = None if problems is None else ()
        if problems or omitted:
            from tvlint.problem import Problem  # only where a file has problems

            made = (Problem(*fields) for fields in problems or ())  # type: ignore[arg-type]
            found = Problems(made, omitted)
        return cls(path, found, error)


if TYPE_CHECKING:
    Encoded = tuple[str, tuple[tuple[object, ...], ...] | None, str | None, dict[str, int]]


class RunResult:
    """Everything a run found and did: one outcome for each path, in order."""

    __slots__ = ("empty", "excluded", "mode", "outcomes", "skipped", "stdin")

    def __init__(
        self,
        mode: Mode,
        outcomes: list[Outcome],
        skipped: list[str],
        empty: list[str],
        excluded: Sequence[str] = (),
        stdin: str | None = None,
    ) -> None:
        self.mode = mode
        self.outcomes = outcomes
        self.skipped = skipped  # directories discovery did not search
        self.empty = empty  # directories searched that held nothing to check
        self.excluded = list(excluded)  # files named that the configuration excludes
        self.stdin = stdin  # the name standard input was checked under, if it was

    @property
    def checked(self) -> list[Outcome]:
        """The outcomes of the files that were read and checked."""
        return [o for o in self.outcomes if o.problems is not None]

    @property
    def errors(self) -> list[tuple[str, str]]:
        """(path, why) for each path that could not be read, listed or written."""
        return [(o.path, o.error) for o in self.outcomes if o.error is not None]

    @property
    def fixes(self) -> list[FileFix]:
        return [o.fix for o in self.outcomes if o.fix is not None]

    @property
    def problems(self) -> list[Problem]:
        """The problems that remain (after ``--fix``, or that ``--diff`` would leave)."""
        return [p for o in self.outcomes if o.problems for p in o.problems]
