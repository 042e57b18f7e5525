"""Reporters, chosen by name. Each renders a finished run; none decides the exit status."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from tvlint.rules.duplicates import DuplicateLoraUrl
from tvlint.runner import RunResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import TextIO

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class ReportOptions:
    """How much a reporter shows; which reporter is chosen by name."""

    quiet: bool = False  # problems only
    statistics: bool = False  # counts by rule
    color: bool = False


@dataclass(frozen=True)
class Summary:
    """The counts every reporter closes with."""

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


if TYPE_CHECKING:
    Reporter = Callable[[RunResult, TextIO, ReportOptions], None]


def reporter(name: str) -> Reporter:
    """The reporter for a format name; imported on demand, so a run loads only its own."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"tvlint.report.{name}")
    render: Reporter = module.render
    return render
