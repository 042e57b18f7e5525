"""One problem a line (path:line:col: CODE rule message), fixes by group, a summary."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.report import LineReport, ReportOptions, Summary, fix_words, omitted_line
from tvlint.result import RunResult
from tvlint.untrusted import Own, cut, quoted, quoted_middle

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from tvlint.problem import Problem
    from tvlint.report.groups import EntryReport, RemovedReport
    from tvlint.result import FileFix
    from tvlint.untrusted import Line

WHY = {
    "parameters": "the kept entry has parameters",
    "completedAt": "the kept entry has completedAt",
    "timestamp": "the kept entry's timestamp is newer",
    "position": "a full tie; the kept entry comes first",
}


def _entry(entry: EntryReport) -> str:
    params = "yes" if entry.has_parameters else "no"
    return f"{quoted(entry.id)} (name {quoted(entry.name)}, params {params})"


# Members shown for one removed entry, at most: an entry can hold thousands of keys,
# and a report grows with the entries removed, not with their size.
SHOWN = 10


def _members(members: dict[str, Any]) -> str:
    # Cut in the middle: a URL's file name is the part that tells two apart.
    shown = [f"{cut(k)}={quoted_middle(v)}" for k, v in list(members.items())[:SHOWN]]
    more = len(members) - SHOWN
    return ", ".join(shown) + (f" and {more} more (--format json lists all)" if more > 0 else "")


def _fix_lines(fix: FileFix) -> tuple[Line, list[Line]]:
    """The changed file's line, and below it each group: the entry kept, and each entry
    removed with what only it held and its values that the kept entry does not share
    (its id and name are in its own line)."""
    from tvlint.report.groups import group_reports, rename_reports, run_reports

    headline = f"{fix.path}: {fix_words(fix)}"
    if fix.written:
        headline += f" ({f'backup {fix.backup}' if fix.backup else 'no backup'})"
    lines: list[Line] = []
    for group in group_reports(fix):
        lines.append(f"  {cut(group.model_file)}: kept {_entry(group.kept)}")
        lines += _removed_lines(group.removed, "removed", "carried into")
    for run in run_reports(fix):
        completed = ", now completed" if run.completed else ""
        lines.append(f"  version {cut(run.version)}: kept {_entry(run.kept)}{completed}")
        lines += _removed_lines(run.removed, "merged", "copied into")
    for rename in rename_reports(fix):
        lines.append(
            f"  {quoted(rename.id)}: name {quoted(rename.name)} set to {cut(rename.version)}"
        )
    return headline, lines


def _removed_lines(removed: Sequence[RemovedReport], verb: str, carried: str) -> list[Line]:
    """Each entry a group's fix removed (or merged): why, what went into the kept entry,
    what only it had, and its values that differ from the kept entry's."""
    lines: list[Line] = []
    for entry in removed:
        lines.append(f"    {verb} {_entry(entry)}: {WHY[entry.criterion]}")
        if entry.carried:
            lines.append(f"      {carried} the kept entry: {_members(entry.carried)}")
        if entry.only_here:
            lines.append(f"      only the removed entry had: {_members(entry.only_here)}")
        differs = {
            key: values["removed"]
            for key, values in entry.differs.items()
            if key not in ("id", "name")
        }
        if differs:
            lines.append(f"      the removed entry's other values: {_members(differs)}")
    return lines


_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_RED = "\x1b[31m"
_DIM = "\x1b[2m"


def problem_line(p: Problem, color: bool = False) -> Line:
    if not color:
        return f"{p.path}:{p.line}:{p.column}: {p.code} {p.rule} {p.message}"
    # The colour codes are tvlint's own; the path and the message are values.
    return (
        Own(_BOLD),
        p.path,
        Own(f"{_RESET}:{p.line}:{p.column}: {_BOLD}{_RED}{p.code}{_RESET} {_DIM}{p.rule}{_RESET} "),
        p.message,
    )


def render(result: RunResult, summary: Summary, options: ReportOptions) -> LineReport:
    findings = [problem_line(p, options.color) for p in result.problems]
    findings += [omitted_line(path, code, count) for path, code, count in summary.omitted]
    return LineReport([_fix_lines(fix) for fix in result.fixes], findings)
