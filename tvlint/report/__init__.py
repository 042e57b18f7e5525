"""Reporters, chosen by name. Each renders a finished run as lines or as one JSON
document; ``emit`` writes it, the output policy applied (``tvlint.untrusted``). None
decides the exit status."""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable, Sequence

from tvlint import TYPE_CHECKING
from tvlint.rules import RULES
from tvlint.runner import RunResult
from tvlint.untrusted import write_json, write_lines

if TYPE_CHECKING:
    from typing import Any, TextIO

    from tvlint.untrusted import Line

FORMATS = ("text", "json", "github", "sarif")


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


if TYPE_CHECKING:
    # Lines (text, github) or a JSON document (json, sarif).
    Rendered = Sequence[Line] | dict[str, Any]
    Reporter = Callable[[RunResult, ReportOptions], Rendered]


def reporter(name: str) -> Reporter:
    """The reporter for a format name; imported on demand, so a run loads only its own."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"tvlint.report.{name}")
    render: Reporter = module.render
    return render


def emit(rendered: Rendered, out: TextIO | None) -> None:
    """Write what a reporter rendered, through the output policy (nowhere if the stream
    is closed)."""
    if out is None:
        return
    if isinstance(rendered, dict):
        write_json(out, rendered)
    else:
        write_lines(out, rendered)
