"""One problem a line (path:line:col: CODE rule message), fixes by group, a summary."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.problem import Problem
from tvlint.report import ReportOptions, Summary
from tvlint.rules import BY_CODE
from tvlint.runner import Mode, RunResult
from tvlint.untrusted import Own, cut, quoted

if TYPE_CHECKING:
    from typing import Any

    from tvlint.fix import FileFix
    from tvlint.report.groups import EntryReport
    from tvlint.untrusted import Line

WHY = {
    "parameters": "the kept entry has parameters",
    "completedAt": "the kept entry has completedAt",
    "timestamp": "the kept entry's timestamp is newer",
    "position": "a full tie; the kept entry comes first",
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _entry(entry: EntryReport) -> str:
    params = "yes" if entry.has_parameters else "no"
    return f"{quoted(entry.id)} (name {quoted(entry.name)}, params {params})"


# Members shown for one removed entry, at most: an entry can hold thousands of keys,
# and a report grows with the entries removed, not with their size.
SHOWN = 10


def _members(members: dict[str, Any]) -> str:
    shown = [f"{cut(k)}={quoted(v, 40)}" for k, v in list(members.items())[:SHOWN]]
    more = len(members) - SHOWN
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _fix_lines(fix: FileFix) -> list[Line]:
    from tvlint.report.groups import group_reports

    count = _plural(len(fix.removed), "duplicate")
    if fix.written:
        backup = f"backup {fix.backup}" if fix.backup else "no backup"
        lines: list[Line] = [f"{fix.path}: removed {count} ({backup})"]
    else:
        lines = [f"{fix.path}: would remove {count}"]
    for group in group_reports(fix):
        lines.append(f"  {cut(group.model_file)}: kept {_entry(group.kept)}")
        for removed in group.removed:
            lines.append(f"    removed {_entry(removed)}: {WHY[removed.criterion]}")
            if removed.carried:
                lines.append(f"      carried into the kept entry: {_members(removed.carried)}")
            if removed.only_here:
                lines.append(f"      only the removed entry had: {_members(removed.only_here)}")
            for key, values in list(removed.differs.items())[:SHOWN]:
                lines.append(
                    f"      differs: {cut(key)}: kept {quoted(values['kept'], 60)}, "
                    f"removed {quoted(values['removed'], 60)}"
                )
            if len(removed.differs) > SHOWN:
                more = len(removed.differs) - SHOWN
                lines.append(f"      and {more} more differences (--format json lists all)")
    return lines


def summary_lines(result: RunResult, options: ReportOptions) -> list[Line]:
    """The closing summary, and with ``--statistics`` the count of each rule."""
    s = Summary(result)
    lines: list[Line] = list(_summary(s, result.mode))
    if options.statistics:
        lines += [f"{count:<6} {code} {BY_CODE[code].name}" for code, count in s.by_rule.items()]
    return lines


def _summary(s: Summary, mode: Mode) -> list[str]:
    first = f"{_plural(s.files, 'file')} checked, {s.files_with_problems} with problems"
    if s.errors:
        first += f", {s.errors} with errors"
    if s.skipped:
        dirs = "directory" if s.skipped == 1 else "directories"
        first += f", {s.skipped} {dirs} skipped (virtualenvs)"
    lines = [first]
    if mode is Mode.FIX:
        lines.append(
            f"{_plural(s.changed, 'file')} changed, {_plural(s.removed, 'duplicate')} removed, "
            f"{_plural(s.backups, 'backup')} written"
        )
    elif mode is Mode.DIFF:
        lines.append(
            f"{_plural(s.changed, 'file')} would change, "
            f"{_plural(s.removed, 'duplicate')} would be removed"
        )
    if s.problems:
        counts = ", ".join(f"{code} {BY_CODE[code].name}: {n}" for code, n in s.by_rule.items())
        lines.append(f"{_plural(s.problems, 'problem')} ({counts})")
    for noun, count in s.counted.items():
        if mode is Mode.CHECK or count:
            lines.append(f"{_plural(count, noun)} found")
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


def render(result: RunResult, options: ReportOptions) -> list[Line]:
    lines: list[Line] = []
    if not options.quiet:
        lines += [line for fix in result.fixes for line in _fix_lines(fix)]
    lines += [problem_line(p, options.color) for p in result.problems]
    if not options.quiet:
        lines += summary_lines(result, options)
    return lines
