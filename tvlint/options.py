"""The command line's options: what a run was asked for.

``Options``' class attributes are the defaults, in one place: argparse leaves alone what
the namespace it fills already has, so it sets only what the command line gives. An
argument list of paths alone (what pre-commit passes: ``--`` and the staged files)
needs no parser at all: loading argparse (with ``gettext`` and ``locale``) and building
the parser (``tvlint.option_parser``) cost a staged file's run more than checking the
file.
"""

from __future__ import annotations

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence


class Options:
    """What the command line asked for; the class attributes are the defaults."""

    paths: list[str]
    fix = False
    diff = False
    explain: str | None = None
    no_backup = False
    unsafe_fixes: bool | None = None
    stdin_filename: str | None = None
    format = "text"
    output_file: str | None = None
    color = "auto"
    quiet = False
    statistics = False
    schema: str | None = None
    select: list[str] | None = None
    extend_select: list[str] | None = None
    ignore: list[str] | None = None
    exclude: list[str] | None = None
    protect: list[str] | None = None
    max_file_size: int | None = None
    jobs = 0
    filter_files = False
    config: str | None = None

    def __init__(self, paths: Sequence[str] = ()) -> None:
        self.paths = list(paths)

    def __repr__(self) -> str:
        return f"Options({vars(self)!r})"


class UsageError(Exception):
    """The command line cannot be used: argparse's message, and the usage to show."""

    def __init__(self, message: str, usage: str) -> None:
        super().__init__(message)
        self.usage = usage


# Flags a hook's entry gives before its "--", read without the parser as well.
_HOOK_FLAGS = {"--fix": "fix", "--filter-files": "filter_files"}


def plain_options(argv: Sequence[str]) -> Options | None:
    """The options of a hook's command line: some of ``_HOOK_FLAGS``, then paths as
    ``paths_only`` reads them; None for any other (argparse reads those)."""
    given = 0
    while given < len(argv) and argv[given] in _HOOK_FLAGS:
        given += 1
    paths = paths_only(argv[given:])
    if paths is None:
        return None
    options = Options(paths)
    for flag in argv[:given]:
        setattr(options, _HOOK_FLAGS[flag], True)
    return options


def paths_only(argv: Sequence[str]) -> list[str] | None:
    """The paths of an ``argv`` of one of two plain shapes, as argparse reads them: no
    argument that starts with ``-``, or a ``--`` first and no other (Python versions
    read a second ``--`` differently). None for any other, paths alone (``-``) or not:
    argparse reads those. tests/test_cli.py holds the two readings equal.
    """
    if argv and argv[0] == "--" and "--" not in argv[1:]:
        return list(argv[1:])
    if not any(arg.startswith("-") for arg in argv):
        return list(argv)
    return None


def misused_flags(options: Options) -> str | None:
    """A usage error for flags that make no sense together, or None."""
    if options.no_backup and not options.fix:
        return "argument --no-backup: only with --fix"
    if options.unsafe_fixes is not None and not (options.fix or options.diff):
        flag = "--unsafe-fixes" if options.unsafe_fixes else "--no-unsafe-fixes"
        return f"argument {flag}: only with --fix or --diff"
    if options.stdin_filename is not None and "-" not in options.paths:
        return "argument --stdin-filename: only with - (standard input) among the paths"
    return None
