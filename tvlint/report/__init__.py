"""Reporters, chosen by name. Each renders a finished run as lines or as one JSON
document; ``emit`` writes it, the output policy applied (``tvlint.untrusted``). None
decides the exit status."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Sequence

from tvlint import TYPE_CHECKING
from tvlint.rules import BY_CODE, RULES
from tvlint.runner import Mode, RunResult
from tvlint.untrusted import write_json, write_lines

if TYPE_CHECKING:
    from typing import Any, Protocol, TextIO

    from tvlint.untrusted import Line


class ReportOptions:
    """How much a reporter shows; which reporter is chosen by name."""

    __slots__ = ("color", "quiet", "statistics")

    def __init__(self, quiet: bool = False, statistics: bool = False, color: bool = False) -> None:
        self.quiet = quiet  # problems only
        self.statistics = statistics  # counts by rule
        self.color = color


class Summary:
    """The counts every reporter closes with."""

    __slots__ = (
        "backups",
        "by_rule",
        "changed",
        "counted",
        "errors",
        "files",
        "files_with_problems",
        "omitted",
        "problems",
        "removed",
        "skipped",
    )  # fmt: skip

    def __init__(self, result: RunResult) -> None:
        problems = result.problems
        counts = Counter(p.code for p in problems)
        self.files = len(result.checked)
        self.files_with_problems = sum(bool(c.problems) for c in result.checked)
        self.problems = len(problems)
        # What rules count in the summary's own words ("duplicate": 3), that remain.
        self.counted = {r.counted_as: counts[r.code] for r in RULES if r.counted_as}
        self.by_rule = dict(sorted(counts.items()))  # rule code → count, in code order
        self.errors = len(result.errors)
        self.changed = len(result.fixes)  # files fixed (or, with --diff, that would be)
        self.removed = sum(len(f.removed) for f in result.fixes)
        self.backups = sum(f.backup is not None for f in result.fixes)
        self.skipped = len(result.skipped)  # directories not searched (virtualenvs)
        # (path, rule code, count) of the problems found but not shown, in path order.
        self.omitted = [
            (o.path, code, count) for o in result.outcomes for code, count in o.omitted.items()
        ]


class LineReport:
    """What a line format (text, github) renders: its details (the fix reports, which
    ``--quiet`` drops) and its findings (problems and errors, always shown). The closing
    summary is added once, by ``render``, for every line format alike."""

    __slots__ = ("details", "findings")

    def __init__(self, details: list[Line], findings: list[Line]) -> None:
        self.details = details
        self.findings = findings


if TYPE_CHECKING:
    # Lines (text, github) or a JSON document (json, sarif).
    Rendered = LineReport | dict[str, Any]

    class Reporter(Protocol):
        def __call__(
            self, result: RunResult, summary: Summary, options: ReportOptions
        ) -> Rendered: ...


# Each format's reporter: the module whose ``render`` it is, imported on demand, so a
# run loads only its own.
REPORTERS: dict[str, str] = {
    "text": "tvlint.report.text",
    "json": "tvlint.report.json",
    "github": "tvlint.report.github",
    "sarif": "tvlint.report.sarif",
}
FORMATS = tuple(REPORTERS)


def reporter(name: str) -> Reporter:
    """The reporter for a format name (KeyError if there is none)."""
    render: Reporter = importlib.import_module(REPORTERS[name]).render
    return render


def render(
    fmt: str, result: RunResult, options: ReportOptions, summary: Summary | None = None
) -> Sequence[Line] | dict[str, Any]:
    """The run, as ``fmt`` shows it: summarised once (``summary``, if the caller has
    made it), ``--quiet`` and ``--statistics`` applied here for every line format."""
    summary = summary or Summary(result)
    rendered = reporter(fmt)(result, summary, options)
    if isinstance(rendered, dict):
        return rendered
    if options.quiet:
        return rendered.findings
    return [*rendered.details, *rendered.findings, *summary_lines(summary, result.mode, options)]


def summary_lines(summary: Summary, mode: Mode, options: ReportOptions) -> list[Line]:
    """The closing summary, and with ``--statistics`` the count of each rule."""
    s = summary
    first = f"{plural(s.files, 'file')} checked, {s.files_with_problems} with problems"
    if s.errors:
        first += f", {s.errors} with errors"
    if s.skipped:
        dirs = "directory" if s.skipped == 1 else "directories"
        first += f", {s.skipped} {dirs} skipped (virtualenvs)"
    lines: list[Line] = [first]
    if mode is Mode.FIX:
        lines.append(
            f"{plural(s.changed, 'file')} changed, {plural(s.removed, 'duplicate')} removed, "
            f"{plural(s.backups, 'backup')} written"
        )
    elif mode is Mode.DIFF:
        lines.append(
            f"{plural(s.changed, 'file')} would change, "
            f"{plural(s.removed, 'duplicate')} would be removed"
        )
    if s.problems:
        counts = ", ".join(f"{code} {BY_CODE[code].name}: {n}" for code, n in s.by_rule.items())
        lines.append(f"{plural(s.problems, 'problem')} ({counts})")
    lines += [omitted_line(path, code, count) for path, code, count in s.omitted]
    for noun, count in s.counted.items():
        if mode is Mode.CHECK or count:
            lines.append(f"{plural(count, noun)} found")
    if options.statistics:
        lines += [f"{count:<6} {code} {BY_CODE[code].name}" for code, count in s.by_rule.items()]
    return lines


def omitted_line(path: str, code: str, count: int) -> str:
    """What a report says of the problems of one rule in one file it does not show."""
    noun = "problem" if count == 1 else "problems"
    return f"… and {count:,} more {code} {noun} in {path} not shown"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def emit(rendered: Sequence[Line] | dict[str, Any], out: TextIO | None) -> None:
    """Write what a reporter rendered, through the output policy (nowhere if the stream
    is closed)."""
    if out is None:
        return
    if isinstance(rendered, dict):
        write_json(out, rendered)
    else:
        write_lines(out, rendered)
