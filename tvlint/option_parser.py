"""The parser of tvlint's command line (argparse), loaded only for a command line that
holds more than paths (``tvlint.options``)."""

from __future__ import annotations

import argparse
import os
import sys

from tvlint import TYPE_CHECKING, __version__
from tvlint.options import UsageError
from tvlint.reading import parse_size
from tvlint.report import FORMATS

if TYPE_CHECKING:
    from typing import NoReturn


def _comma_list(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, sized without ``shutil``.

    argparse builds a formatter for every ``add_argument``, and the default one imports
    shutil (with zlib, bz2 and lzma) to ask for the terminal's width: more time than a
    check of one staged file takes.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_terminal_columns() - 2)

    def _format_action_invocation(self, action: argparse.Action) -> str:
        # "-o FILE, --output-file FILE", as argparse wrote it before Python 3.13 (which
        # writes "-o, --output-file FILE"): the help, and the README's copy, are the same
        # on every Python.
        if not action.option_strings or action.nargs == 0:
            return super()._format_action_invocation(action)
        value = self._format_args(action, self._get_default_metavar_for_optional(action))
        return ", ".join(f"{option} {value}" for option in action.option_strings)


def _terminal_columns() -> int:
    # What shutil.get_terminal_size does: $COLUMNS, then the terminal, then 80.
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # argparse quotes the arguments it could not use, and an argument can be a path
        # from a pull request: the caller says it through the output policy.
        raise UsageError(message, self.format_usage())


def _job_count(value: str) -> int:
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"not a number of processes: {value!r}")
    return int(value)


def _size(value: str) -> int:
    try:
        return parse_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    """The parser; it fills an ``Options`` (whose class attributes are the defaults)."""
    parser = _Parser(
        prog="tvlint",
        formatter_class=_HelpFormatter,
        description="Check training_versions.json files: JSON, schema and duplicate models.",
        epilog="Exit status: 0 nothing to report; 1 problems found or files changed "
        "(or that --diff would change); 2 usage or configuration error, or a file that "
        "could not be read or written.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="a file (checked whatever its name), a directory searched for "
        "training_versions.json (default: the current directory), or - for standard input",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--fix",
        action="store_true",
        help="remove duplicate-loraUrl entries (TV004), keeping the best of each group; "
        "with --unsafe-fixes, also merge one run recorded twice (TV008) and set names (TV009)",
    )
    action.add_argument(
        "--diff", action="store_true", help="print the diff --fix would apply; write nothing"
    )
    action.add_argument(
        "--explain", metavar="RULE", help="print what a rule checks (a code, a name, or 'all')"
    )
    parser.add_argument(
        "--no-backup", action="store_true", help="with --fix: write no <file>.backup copy"
    )
    # Two plain flags, not an exclusive group (the last given wins): argparse wraps a
    # group in the usage line differently from one Python version to the next.
    parser.add_argument(
        "--unsafe-fixes",
        action="store_const",
        const=True,
        dest="unsafe_fixes",
        help="with --fix or --diff: also make the fixes that change values (TV008, TV009); "
        "overrides unsafe-fixes in the configuration",
    )
    parser.add_argument(
        "--no-unsafe-fixes",
        action="store_const",
        const=False,
        dest="unsafe_fixes",
        help="make only the safe fixes, whatever the configuration says",
    )
    parser.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="with -: the name standard input is reported under and matched against the "
        "configuration's globs (default: -)",
    )
    parser.add_argument("--format", choices=FORMATS, help="output format")
    parser.add_argument(
        "-o",
        "--output-file",
        metavar="FILE",
        help="write the report to FILE (replaced whole, once written) instead of stdout; "
        "the summary stays on stdout",
    )
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        help="colour text output: always and never win over NO_COLOR, which wins over auto "
        "(colour on a terminal)",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print problems only (with --fix: and one line for each changed file)",
    )
    parser.add_argument("--statistics", action="store_true", help="count problems by rule")
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="use this configuration for every path: a tvlint.toml, or a pyproject.toml "
        "with [tool.tvlint] (default: the nearest to each file)",
    )
    parser.add_argument("--schema", metavar="FILE", help="validate against this JSON Schema")
    parser.add_argument(
        "--select",
        type=_comma_list,
        action="extend",
        metavar="RULES",
        help="only these rules (codes or names, comma-separated; repeats add up); "
        "TV001 is always reported",
    )
    parser.add_argument(
        "--extend-select",
        type=_comma_list,
        action="extend",
        metavar="RULES",
        help="run these rules as well as those selected, such as a rule that is off by "
        "default (comma-separated; repeats add up)",
    )
    parser.add_argument(
        "--ignore",
        type=_comma_list,
        action="extend",
        metavar="RULES",
        help="skip these rules (codes or names, comma-separated; repeats add up)",
    )
    parser.add_argument(
        "--exclude",
        type=_comma_list,
        action="extend",
        metavar="GLOBS",
        help="skip paths matching these globs (comma-separated; repeats add up)",
    )
    parser.add_argument(
        "--protect",
        type=_comma_list,
        action="extend",
        metavar="KEYS",
        help="entry keys a person sets, which --fix carries over or leaves to a person "
        "(comma-separated; repeats add up; replaces the configured list; '' for none; "
        "default: isGood)",
    )
    parser.add_argument(
        "--max-file-size",
        type=_size,
        metavar="SIZE",
        help="files larger than this are not read and are reported as errors "
        "(e.g. 512MiB; default 256MiB)",
    )
    parser.add_argument(
        "--filter-files",
        action="store_true",
        help="check a file named here only if a directory search would pick it "
        "(training_versions.json or an include glob, not excluded), and drop the "
        "others without a word: the pre-commit hooks pass every staged JSON file",
    )
    parser.add_argument(
        "-j",
        "--jobs",
        type=_job_count,
        metavar="N",
        help="processes for a check of many files (default 0: one per CPU)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser
