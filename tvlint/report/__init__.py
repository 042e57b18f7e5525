"""Reporters, chosen by name. Each renders a finished run; none decides the exit status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from tvlint.lint import Checked, Outcome, Unreadable
from tvlint.problem import Problem
from tvlint.rules.duplicates import DuplicateLoraUrl


@dataclass(frozen=True)
class Summary:
    files: int
    files_with_problems: int
    problems: int
    duplicates: int
    unreadable: int
    by_rule: dict[str, int]  # "TV004 duplicate-lora-url" → count, in code order


def problems_of(outcomes: Sequence[Outcome]) -> list[Problem]:
    return [p for o in outcomes if isinstance(o, Checked) for p in o.problems]


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    problems = problems_of(outcomes)
    counts = Counter(f"{p.code} {p.rule}" for p in problems)
    return Summary(
        files=sum(isinstance(o, Checked) for o in outcomes),
        files_with_problems=sum(isinstance(o, Checked) and bool(o.problems) for o in outcomes),
        problems=len(problems),
        duplicates=sum(p.code == DuplicateLoraUrl.code for p in problems),
        unreadable=sum(isinstance(o, Unreadable) for o in outcomes),
        by_rule=dict(sorted(counts.items())),
    )


Reporter = Callable[[Sequence[Outcome], TextIO], None]


def reporter(name: str) -> Reporter:
    # Imported on demand: a run loads only the reporter it prints with.
    if name == "json":
        from tvlint.report import json as module
    else:
        from tvlint.report import text as module  # type: ignore[no-redef]
    return module.render


FORMATS = ("text", "json")
