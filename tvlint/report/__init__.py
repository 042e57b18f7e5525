"""Reporters, chosen by name. Each renders a finished run; none decides the exit status."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tvlint.rules.duplicates import DuplicateLoraUrl
from tvlint.runner import FileFix, RunResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import Any, TextIO

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class ReportOptions:
    quiet: bool = False  # problems only
    statistics: bool = False  # counts by rule
    color: bool = False


@dataclass(frozen=True)
class Summary:
    files: int
    files_with_problems: int
    problems: int
    duplicates: int  # TV004 problems that remain
    by_rule: dict[str, int]  # rule code → count, in code order
    errors: int
    changed: int  # files fixed (or, with --diff, that would be)
    removed: int
    backups: int


def summarize(result: RunResult) -> Summary:
    problems = result.problems
    counts = Counter(p.code for p in problems)
    return Summary(
        files=len(result.checked),
        files_with_problems=sum(bool(c.problems) for c in result.checked),
        problems=len(problems),
        duplicates=sum(p.code == DuplicateLoraUrl.code for p in problems),
        by_rule=dict(sorted(counts.items())),
        errors=len(result.errors),
        changed=len(result.fixes),
        removed=sum(len(f.plan.removed) for f in result.fixes),
        backups=sum(f.backup is not None for f in result.fixes),
    )


@dataclass(frozen=True)
class EntryReport:
    id: Any
    name: Any
    has_parameters: bool


@dataclass(frozen=True)
class RemovedReport(EntryReport):
    criterion: str
    only_here: dict[str, Any]  # keys the kept entry lacks; their values live in the backup


@dataclass(frozen=True)
class GroupReport:
    model_file: str
    kept: EntryReport
    removed: tuple[RemovedReport, ...]


def _entry(entry: dict[str, Any]) -> EntryReport:
    params = entry.get("parameters")
    return EntryReport(
        entry.get("id"), entry.get("name"), isinstance(params, dict) and bool(params)
    )


def group_reports(fix: FileFix) -> list[GroupReport]:
    """What was kept and removed in each duplicate group of one fixed file."""
    reports = []
    for group in fix.plan.groups:
        kept = fix.plan.versions[group.kept]
        removed = []
        for removal in group.removed:
            entry = fix.plan.versions[removal.index]
            base = _entry(entry)
            only_here = {k: v for k, v in entry.items() if k not in kept}
            removed.append(
                RemovedReport(base.id, base.name, base.has_parameters, removal.criterion, only_here)
            )
        reports.append(GroupReport(group.model_file, _entry(kept), tuple(removed)))
    return reports


if TYPE_CHECKING:
    Reporter = Callable[[RunResult, TextIO, ReportOptions], None]


def reporter(name: str) -> Reporter:
    """The reporter for a format name; imported on demand, so a run loads only its own."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"tvlint.report.{name}")
    render: Reporter = module.render
    return render
