"""Reporters, chosen by name. Each renders a finished run as lines or as one JSON
document; ``emit`` writes it, the output policy applied (``tvlint.untrusted``). None
decides the exit status."""

from __future__ import annotations

import importlib
import os
from collections import Counter
from collections.abc import Sequence

from tvlint import TYPE_CHECKING
from tvlint.result import BACKUP_DIRECTORY, FileFix, Mode, RunResult
from tvlint.rules import BY_CODE, RULES
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
        "by_hand",
        "by_rule",
        "changed",
        "counted",
        "errors",
        "files",
        "files_with_problems",
        "fix_command",
        "fixable",
        "merged",
        "omitted",
        "problems",
        "removed",
        "renamed",
        "skipped",
        "undo",
        "unsafe_fixable",
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
        self.fixable = sum(p.fixable for p in problems)  # what --fix would remove
        # What only --fix --unsafe-fixes would remove (these files' settings leave it out).
        self.unsafe_fixable = sum(p.fix == "unsafe" and not p.fixable for p in problems)
        self.by_hand = sorted({p.code for p in problems if p.fix is None})  # rule codes
        self.errors = len(result.errors)
        self.changed = len(result.fixes)  # files fixed (or, with --diff, that would be)
        self.removed = sum(len(f.removed) for f in result.fixes)
        self.merged = sum(len(f.merged) for f in result.fixes)
        self.renamed = sum(len(f.renames) for f in result.fixes)
        self.backups = sum(f.backup is not None for f in result.fixes)
        self.skipped = len(result.skipped)  # directories not searched (virtualenvs)
        # (path, rule code, count) of the problems found but not shown, in path order.
        self.omitted = [
            (o.path, code, count) for o in result.outcomes for code, count in o.omitted.items()
        ]
        self.undo = undo_line(result)
        # What fixes them: standard input alone is fixed by a command of its own.
        only_stdin = result.stdin is not None and all(
            o.path == result.stdin for o in result.outcomes
        )
        self.fix_command = "tvlint --fix -" if only_stdin else "tvlint --fix"


class LineReport:
    """What a line format (text, github) renders: each changed file's line with its
    details (the groups, which ``--quiet`` drops) and the findings (problems, errors and
    the counts of problems not shown, always shown). The closing summary is added once,
    by ``render``, for every line format alike."""

    __slots__ = ("changes", "findings")

    def __init__(self, changes: list[tuple[Line, list[Line]]], findings: list[Line]) -> None:
        self.changes = changes
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
    changes = rendered.changes
    if options.quiet:
        return [*(line for line, _ in changes), *rendered.findings]
    details = [line for line, below in changes for line in (line, *below)]
    return [*details, *rendered.findings, *summary_lines(summary, result.mode, options)]


def summary_lines(summary: Summary, mode: Mode, options: ReportOptions) -> list[Line]:
    """The closing summary, which says what to do next, and with ``--statistics`` the
    count of each rule."""
    s = summary
    checked = plural(s.files, "file") + " checked"
    skipped = ""
    if s.skipped:
        dirs = "directory" if s.skipped == 1 else "directories"
        skipped = f", {s.skipped} {dirs} skipped (virtualenvs)"
    if s.files and not (s.problems or s.errors or s.omitted or s.changed):
        lines: list[Line] = [f"All checks passed: {checked}{skipped}"]
    else:
        errors = f", {s.errors} with errors" if s.errors else ""
        left = " after the fix" if mode is Mode.DIFF else ""  # nothing is written yet
        lines = [f"{checked}, {s.files_with_problems} with problems{left}{errors}{skipped}"]
    if mode is Mode.FIX:
        lines.append(
            f"{plural(s.changed, 'file')} changed, {plural(s.removed, 'duplicate')} removed"
            f"{_unsafe_counts(s, '')}, {plural(s.backups, 'backup')} written"
        )
    elif mode is Mode.DIFF:
        lines.append(
            f"{plural(s.changed, 'file')} would change, "
            f"{plural(s.removed, 'duplicate')} would be removed"
            f"{_unsafe_counts(s, 'would be ')}"
        )
    if s.problems:
        counts = ", ".join(f"{code} {BY_CODE[code].name}: {n}" for code, n in s.by_rule.items())
        lines.append(f"{plural(s.problems, 'problem')} ({counts})")
    if mode is Mode.CHECK and s.fixable:
        lines.append(f"{s.fixable} fixable with `{s.fix_command}`")
    if s.unsafe_fixable:
        more = "more " if mode is Mode.CHECK and s.fixable else ""
        command = s.fix_command.replace("--fix", "--fix --unsafe-fixes")
        lines.append(f"{s.unsafe_fixable} {more}fixable with `{command}`")
    if s.by_hand:
        codes = ", ".join(s.by_hand)
        which = s.by_hand[0] if len(s.by_hand) == 1 else "CODE"
        each = "it wants" if len(s.by_hand) == 1 else "each wants"
        lines.append(f"Fix by hand: {codes} (`tvlint --explain {which}` says what {each})")
    if s.undo:
        lines.append(s.undo)
    if options.statistics:
        lines += [f"{count:<6} {code} {BY_CODE[code].name}" for code, count in s.by_rule.items()]
    return lines


def _unsafe_counts(s: Summary, verb: str) -> str:
    """What the unsafe fixes did (with ``--unsafe-fixes``): ``, 1 entry merged, 1 name
    set``; nothing where they did nothing, as in a run without the flag."""
    parts = []
    if s.merged:
        parts.append(f"{s.merged} {'entry' if s.merged == 1 else 'entries'} {verb}merged")
    if s.renamed:
        parts.append(f"{plural(s.renamed, 'name')} {verb}set")
    return "".join(", " + part for part in parts)


def undo_line(result: RunResult) -> str | None:
    """How to take back what ``--fix`` wrote: where its backups are, or git."""
    # Standard input's fixed text went to stdout: no file changed, nothing to undo.
    written = [fix for fix in result.fixes if fix.written and fix.path != result.stdin]
    if not written:
        return None
    if all(fix.backup is None for fix in written):  # --no-backup
        return "To undo: no backup was written; git checkout -- FILE restores a file git tracks"
    # Inside git, every backup sits under one directory: .git/tvlint/backups/<path>.
    bases = {backup_directory(fix.path, fix.backup) for fix in written if fix.backup}
    if len(bases) > 1:
        return "To undo, copy a backup over its file: each changed file's line names its backup"
    base = bases.pop()
    if base is None:
        return "To undo, copy a backup over its file: the backup of FILE is FILE.backup"
    return f"To undo, copy a backup over its file: backups are under {base}"


def backup_directory(path: str, backup: str) -> str | None:
    """The directory the backups are kept under (``.git/tvlint/backups``), from one
    backup's path; None for a backup beside its file (``<file>.backup``)."""
    if backup.startswith(path + ".backup"):
        return None
    # <git directory>/tvlint/backups/<the file's path in the work tree>.backup
    mark = os.sep + BACKUP_DIRECTORY + os.sep
    at = backup.find(mark)
    return None if at < 0 else backup[: at + len(mark) - 1]


def fix_words(fix: FileFix) -> str:
    """What a fix did to one file, or would do: ``removed 1 duplicate, merged 1 entry
    into its run, set 1 name``."""
    done = fix.written
    parts = []
    if fix.removed or not (fix.merged or fix.renames):
        parts.append(f"{'removed' if done else 'remove'} {plural(len(fix.removed), 'duplicate')}")
    if fix.merged:
        entries = "1 entry" if len(fix.merged) == 1 else f"{len(fix.merged)} entries"
        parts.append(f"{'merged' if done else 'merge'} {entries} into its run")
    if fix.renames:
        parts.append(f"set {plural(len(fix.renames), 'name')}")
    return ("" if done else "would ") + ", ".join(parts)


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
