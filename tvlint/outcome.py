"""What became of one path in a run: the one record that flows from lint to report."""

from __future__ import annotations

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from tvlint.fix import FileFix
    from tvlint.problem import Problem


class Outcome:
    """One path's outcome.

    ``problems`` are what remains in the file (after ``--fix``, or that ``--diff``
    would leave), or None if it could not be read; ``error`` says why it could not be
    read, listed or written (a file can have both: checked, but its fix not written);
    ``fix`` is what ``--fix`` removed from it, or ``--diff`` would.
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

    def encode(self) -> Encoded:
        """The outcome of a check as plain values, which ``marshal`` sends through the
        workers' pipe: (path, each problem's fields in order or None, error). A
        check's outcome has no fix."""
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
        return self.path, problems, self.error

    @classmethod
    def decode(cls, values: Encoded) -> Outcome:
        path, problems, error = values
        if not isinstance(path, str) or not (error is None or isinstance(error, str)):
            raise ValueError("not an encoded outcome")
        found: tuple[Problem, ...] | None = None if problems is None else ()
        if problems:
            from tvlint.problem import Problem  # only where a file has problems

            found = tuple(Problem(*fields) for fields in problems)  # type: ignore[arg-type]
        return cls(path, found, error)


if TYPE_CHECKING:
    Encoded = tuple[str, tuple[tuple[object, ...], ...] | None, str | None]
