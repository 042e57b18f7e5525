"""GitHub Actions workflow commands: one ``::error`` per problem, shown on the diff."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.report import LineReport, ReportOptions, Summary, fix_words
from tvlint.result import RunResult
from tvlint.untrusted import Own, visible

if TYPE_CHECKING:
    from tvlint.untrusted import Line


def _data(value: str) -> str:
    # Made visible first, so that a newline in a value shows as "\n" in the annotation
    # rather than being carried by %0A into a message of several lines.
    return visible(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult, summary: Summary, options: ReportOptions) -> LineReport:
    notices: list[tuple[Line, list[Line]]] = []
    for fix in result.fixes:
        notice = (
            Own("::notice file="),
            _property(fix.path),
            Own(f",title=tvlint --fix::{fix_words(fix)}"),
        )
        notices.append((notice, []))
    lines: list[Line] = []
    for p in result.problems:
        title = _property(f"{p.code} {p.rule}")
        lines.append(
            (
                Own("::error file="),
                _property(p.path),
                Own(f",line={p.line},col={p.column},title={title}::"),
                _data(p.message),
            )
        )
    for path, why in result.errors:
        lines.append((Own("::error file="), _property(path), Own(",title=tvlint::"), _data(why)))
    for path, code, count in summary.omitted:
        lines.append(
            (
                Own("::warning file="),
                _property(path),
                Own(f",title=tvlint::{count:,} more {code} problems not shown"),
            )
        )
    return LineReport(notices, lines)
