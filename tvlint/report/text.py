"""One problem a line (path:line:col: CODE name message), then a summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from tvlint.lint import Outcome
from tvlint.report import problems_of, summarize


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(outcomes: Sequence[Outcome], out: TextIO) -> None:
    for p in problems_of(outcomes):
        out.write(f"{p.path}:{p.line}:{p.column}: {p.code} {p.rule} {p.message}\n")
    s = summarize(outcomes)
    lines = [f"{_plural(s.files, 'file')} checked, {s.files_with_problems} with problems"]
    if s.unreadable:
        lines[0] += f", {s.unreadable} could not be read"
    if s.problems:
        counts = ", ".join(f"{rule}: {n}" for rule, n in s.by_rule.items())
        lines.append(f"{_plural(s.problems, 'problem')} ({counts})")
    lines.append(f"{_plural(s.duplicates, 'duplicate')} found")
    out.write("".join(line + "\n" for line in lines))
