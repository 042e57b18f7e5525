"""GitHub Actions workflow commands: one ``::error`` per problem, shown on the diff."""

from __future__ import annotations

from tvlint.report import ReportOptions
from tvlint.report.text import summary_lines
from tvlint.runner import RunResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import TextIO


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, out: TextIO, options: ReportOptions) -> None:
    lines = []
    for fix in result.fixes:
        verb = "removed" if fix.written else "would remove"
        lines.append(
            f"::notice file={_property(fix.path)},title=tvlint --fix::"
            f"{verb} {len(fix.removed)} duplicate entries"
        )
    for p in result.problems:
        title = _property(f"{p.code} {p.rule}")
        lines.append(
            f"::error file={_property(p.path)},line={p.line},col={p.column},title={title}::"
            f"{_data(p.message)}"
        )
    for error in result.errors:
        lines.append(f"::error file={_property(error.path)},title=tvlint::{_data(error.reason)}")
    if not options.quiet:
        lines += summary_lines(result, options)
    out.write("".join(line + "\n" for line in lines))
