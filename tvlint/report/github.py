"""GitHub Actions workflow commands: one ``::error`` per problem, shown on the diff."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.report import ReportOptions
from tvlint.report.text import summary_lines
from tvlint.runner import RunResult
from tvlint.untrusted import Own, visible

if TYPE_CHECKING:
    from tvlint.untrusted import Line


def _data(value: str) -> str:
    # Made visible first, so that a newline in a value shows as "\n" in the annotation
    # rather than being carried by %0A into a message of several lines.
    return visible(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def render(result: RunResult, options: ReportOptions) -> list[Line]:
    lines: list[Line] = []
    for fix in result.fixes:
        verb = "removed" if fix.written else "would remove"
        lines.append(
            (
                Own("::notice file="),
                _property(fix.path),
                Own(f",title=tvlint --fix::{verb} {_plural(len(fix.removed), 'duplicate')}"),
            )
        )
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
    if not options.quiet:
        lines += summary_lines(result, options)
    return lines
