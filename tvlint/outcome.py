"""What became of one path in a run: the one record that flows from lint to report."""

from __future__ import annotations

from collections.abc import Iterable

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from tvlint.fix import FileFix
    from tvlint.problem import Problem


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
