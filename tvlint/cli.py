"""Command line: options → discovery → lint → reporter → exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from tvlint import __version__
from tvlint.lint import Linter
from tvlint.report import FORMATS, reporter
from tvlint.rules import RULES, Rule
from tvlint.rules.schema import SchemaRule
from tvlint.runner import Mode, RunResult, run
from tvlint.schema import SchemaLoadError, load_schema, make_validator, shipped_validator

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_ERROR = 2  # usage error, or a file that could not be read or written
EXIT_INTERRUPTED = 130  # the shell's convention for SIGINT


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tvlint",
        description="Check training_versions.json files: JSON, schema and duplicate models.",
        epilog="Exit status: 0 nothing to report; 1 problems found or files changed "
        "(or that --diff would change); 2 usage error, or a file that could not be read or written.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a file (checked whatever its name) or a directory searched for "
        "training_versions.json (default: the current directory)",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--fix",
        action="store_true",
        help="remove duplicate-loraUrl entries (TV004), keeping the best of each group",
    )
    action.add_argument(
        "--diff", action="store_true", help="print the diff --fix would apply; write nothing"
    )
    parser.add_argument(
        "--no-backup", action="store_true", help="with --fix: write no <file>.backup copy"
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
    try:
        return _main(argv)
    except KeyboardInterrupt:
        # Every file is whole at this point: the writer holds Ctrl-C while it works.
        print("tvlint: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
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
    mode = Mode.FIX if args.fix else Mode.DIFF if args.diff else Mode.CHECK
    result = run(Linter(rules), args.paths or ["."], mode, backup=not args.no_backup)
    report(result, args.format, sys.stdout, sys.stderr)
    return exit_status(result)


def report(result: RunResult, fmt: str, out: TextIO, err: TextIO) -> None:
    for error in result.errors:
        print(f"tvlint: error: {error.path}: {error.reason}", file=err)
    if result.mode is Mode.DIFF and fmt == "text":
        # stdout carries only the patch, so it can be piped to `patch -p0`.
        out.writelines(fix.diff or "" for fix in result.fixes)
        out = err
    reporter(fmt)(result, out)


def exit_status(result: RunResult) -> int:
    if result.errors:
        return EXIT_ERROR
    return EXIT_PROBLEMS if result.problems or result.fixes else EXIT_OK
