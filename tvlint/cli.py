"""Command line: options → discovery → lint → reporter → exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from tvlint import __version__
from tvlint.discover import discover
from tvlint.lint import Linter, Outcome, Unreadable, describe_os_error
from tvlint.report import FORMATS, reporter
from tvlint.rules import RULES, Rule
from tvlint.rules.schema import SchemaRule
from tvlint.schema import SchemaLoadError, load_schema, make_validator, shipped_validator

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2  # usage error, or a file that could not be read


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvlint",
        description="Check training_versions.json files: JSON, schema and duplicate models.",
        epilog="Exit status: 0 no problem, 1 problems found, 2 usage error or unreadable file.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a file (checked whatever its name) or a directory searched for "
        "training_versions.json (default: the current directory)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--schema", metavar="FILE", help="validate against this JSON Schema")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def build_rules(schema_path: str | None) -> list[Rule]:
    validator = (
        shipped_validator() if schema_path is None else make_validator(load_schema(schema_path))
    )
    return [SchemaRule(validator) if cls is SchemaRule else cls() for cls in RULES]


def _safe_streams() -> None:
    # Data can hold lone surrogates or bytes the terminal cannot show; a report must
    # never die on printing them.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    _safe_streams()
    try:
        rules = build_rules(args.schema)
    except SchemaLoadError as exc:
        print(f"tvlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return run(Linter(rules), args.paths or ["."], args.format, sys.stdout, sys.stderr)


def run(linter: Linter, paths: Sequence[str], fmt: str, out: TextIO, err: TextIO) -> int:
    outcomes: list[Outcome] = []

    def unlistable(error: OSError) -> None:
        outcomes.append(Unreadable(str(error.filename), describe_os_error(error)))

    for path in discover(paths, unlistable):
        outcomes.append(linter.lint_path(path))
    for outcome in outcomes:
        if isinstance(outcome, Unreadable):
            print(f"tvlint: error: {outcome.path}: {outcome.reason}", file=err)
    reporter(fmt)(outcomes, out)
    if any(isinstance(o, Unreadable) for o in outcomes):
        return EXIT_ERROR
    return (
        EXIT_PROBLEMS
        if any(o.problems for o in outcomes if not isinstance(o, Unreadable))
        else EXIT_OK
    )
