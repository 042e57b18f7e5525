"""Command line: options → each path's settings → discovery → lint → reporter → exit
status."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from tvlint import TYPE_CHECKING, interrupts
from tvlint.config import ConfigError, ConfigFinder
from tvlint.configured import Configured
from tvlint.options import Options, UsageError, misused_flags, plain_options
from tvlint.report import ReportOptions, emit, render
from tvlint.result import Mode, RunResult
from tvlint.rules import RULES, rule_named
from tvlint.rules.interpret import interpret, rule_codes
from tvlint.runner import Stdin, run
from tvlint.schema import SchemaLoadError
from tvlint.untrusted import (
    DIAGNOSTIC_LIMIT,
    Own,
    cut,
    flush,
    write_all,
    write_bytes,
    write_lines,
    write_patch,
)

if TYPE_CHECKING:
    from typing import Any, TextIO

EXIT_OK = 0
EXIT_PROBLEMS = 1
# Usage error, bad configuration, a file that could not be read or written, or output
# that could not be written (a closed stdout, a full disk).
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # the shell's convention for SIGINT
EXIT_BROKEN_PIPE = 141  # the shell's convention for SIGPIPE


def _available_cpus() -> int:
    sched_getaffinity = getattr(os, "sched_getaffinity", None)  # not on macOS or Windows
    return len(sched_getaffinity(0)) if sched_getaffinity else os.cpu_count() or 1


def configured_for(args: Options) -> Configured:
    """Each path's configuration (``--config``, or the nearest to it), with the flags
    given on top (ConfigError if ``--config`` or a flag cannot be used)."""
    flags = {
        "schema": args.schema,
        "select": None if args.select is None else rule_codes(args.select, "--select"),
        "extend_select": None
        if args.extend_select is None
        else rule_codes(args.extend_select, "--extend-select"),
        "ignore": None if args.ignore is None else rule_codes(args.ignore, "--ignore"),
        "exclude": None if args.exclude is None else tuple(args.exclude),
        "max_file_size": args.max_file_size,
        "protect": None if args.protect is None else tuple(args.protect),
        "unsafe_fixes": args.unsafe_fixes,
    }
    given = {name: value for name, value in flags.items() if value is not None}
    return Configured(ConfigFinder(given, args.config, interpret), args.filter_files)


def use_color(choice: str, stream: TextIO | None) -> bool:
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: any non-empty value turns colour off.
    return not os.environ.get("NO_COLOR") and _is_terminal(stream)


def _is_terminal(stream: TextIO | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except (OSError, ValueError):
        return False


def _safe_streams() -> None:
    # Data can hold lone surrogates or bytes the terminal cannot show; a report must
    # never die on printing them.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def parse(argv: Sequence[str]) -> Options:
    """The options in ``argv``; UsageError, or SystemExit for ``--help`` and ``--version``
    (argparse prints them). A hook's command line is read without argparse, whose import
    and parser cost a staged file's run more than checking the file."""
    plain = plain_options(argv)
    if plain is not None:
        return plain  # no flag that could be misused
    from tvlint.option_parser import build_parser

    parser = build_parser()
    options = parser.parse_args(argv, namespace=Options())
    misuse = misused_flags(options)
    if misuse:
        raise UsageError(misuse, parser.format_usage())
    return options


def main(argv: Sequence[str] | None = None) -> int:
    # The cyclic garbage collector is off for the run: JSON data and tvlint's records
    # hold no cycles and are freed by reference counting, and the collector would only
    # walk a large file's million objects again and again. What few cycles a run makes
    # (an exception's traceback, jsonschema's errors under anyOf) are small, and end
    # with the process.
    collecting = gc.isenabled()
    gc.disable()
    unraisable = sys.unraisablehook
    sys.unraisablehook = _noting_interrupts(unraisable)
    try:
        with warnings.catch_warnings():
            # A library's warning (a schema's regex that re finds odd, say) would print
            # its own source file and line, and text from a schema, raw on stderr: each
            # one that the filters let through is one diagnostic line instead.
            warnings.showwarning = _show_warning
            status = _main(argv)
        if interrupts.take():  # a Ctrl-C where it could not be raised: the run was interrupted
            return interrupted()
        # Flushed here, not at exit, so that a failed write is reported like any other.
        if sys.stdout is not None:
            flush(sys.stdout)
        return status
    except KeyboardInterrupt:
        # Every file is whole at this point: the writer holds Ctrl-C while it works.
        return interrupted()
    except BrokenPipeError:
        # The reader (`| head`) went away. Nothing is left to say to it.
        _drop_stdout()
        return EXIT_BROKEN_PIPE
    except Warning as exc:
        # Warnings made errors (-W error, PYTHONWARNINGS=error): the user's choice,
        # said as an error, not as a traceback.
        diagnose(f"{exc} ({type(exc).__name__}, a warning made an error)")
        return EXIT_ERROR
    except OSError as exc:
        # A full disk or a device error behind stdout. Every file was finished (or
        # not started) before the report was written.
        _drop_stdout()
        if not _cwd_exists():
            diagnose(_NO_CWD)
        else:
            diagnose(f"cannot write the output: {exc.strerror or exc}")
        return EXIT_ERROR
    finally:
        sys.unraisablehook = unraisable  # main() can be called in a longer-lived process
        interrupts.take()  # nor does a Ctrl-C noted here, however main() ended
        if collecting:
            gc.enable()


_NO_CWD = "the current directory no longer exists"


def _cwd_exists() -> bool:
    try:
        os.getcwd()
    except FileNotFoundError:  # removed after tvlint was started in it
        return False
    return True


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """``warnings.showwarning`` for a run: the message through the output policy, without
    the library's file name and source line, which say nothing about the input."""
    warn(f"{message} ({category.__name__})")


def _drop_stdout() -> None:
    # Point stdout at devnull, so that the interpreter's final flush of what is still
    # buffered does not fail a second time (with a traceback) at exit.
    if sys.stdout is None:
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        sys.stdout = None


def usage(text: str) -> None:
    """argparse's usage line (tvlint's own text) on stderr, as argparse prints it."""
    with contextlib.suppress(AttributeError, OSError):
        sys.stderr.write(text)


def diagnose(message: str) -> None:
    """One ``tvlint: error: …`` line on stderr, through the output policy (a message
    can hold paths and values from files, so it is cut too); nothing if stderr is gone."""
    _diagnostic("tvlint: error: ", message)


def _diagnostic(prefix: str, message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        write_lines(sys.stderr, [(Own(prefix), cut(message, DIAGNOSTIC_LIMIT))])
        if sys.stderr is not None:
            sys.stderr.flush()


def _noting_interrupts(previous: Callable[[Any], object]) -> Callable[[Any], object]:
    """An unraisable-exception hook that notes a KeyboardInterrupt (``tvlint.interrupts``)
    instead of printing it: a Ctrl-C that lands in a finalizer, or in a callback of the
    import machinery (while a module is loaded on first use), is caught there, and Python
    would print its traceback as "Exception ignored" while the run goes on. Anything
    else goes to ``previous``."""

    def hook(unraisable: Any) -> object:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            interrupts.note(unraisable.exc_value)
            return None
        return previous(unraisable)

    return hook


def interrupted() -> int:
    """Say that Ctrl-C stopped the run; the exit status for it."""
    print("tvlint: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        usage(exc.usage)
        diagnose(str(exc))
        return EXIT_ERROR
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    _safe_streams()
    if sys.stdout is None:
        # Started with stdout closed (`tvlint >&-`): say so before doing anything.
        diagnose("standard output is closed; nothing was checked")
        return EXIT_ERROR
    if args.explain:
        return _explain(args.explain)
    if not _cwd_exists():
        # Every relative path, the configuration's search included, starts from it.
        diagnose(f"{_NO_CWD}; nothing was checked")
        return EXIT_ERROR
    mode = Mode.FIX if args.fix else Mode.DIFF if args.diff else Mode.CHECK
    jobs = args.jobs or _available_cpus()
    stdin = Stdin(args.stdin_filename or "-") if "-" in args.paths else None
    paths = args.paths or ["."]
    named = bool(args.paths)
    try:
        configured = configured_for(args)
        linter_for = configured.linter_for
        backup = not args.no_backup
        result = run(
            linter_for,
            paths,
            mode,
            backup,
            configured.filter,
            jobs,
            stdin,
            named,
            configured.use_named,
        )
    except (ConfigError, SchemaLoadError) as exc:
        # Raised before any file is read: every file's configuration is used first.
        diagnose(str(exc))
        return EXIT_ERROR
    if not named and result.empty:
        warn("no training_versions.json found under the current directory")
    for path in result.excluded:
        warn(f"{path} is not checked: it matches exclude")
    return deliver(result, args, stdin)


def deliver(result: RunResult, args: Options, stdin: Stdin | None) -> int:
    """Everything a run prints, in one place, and its exit status.

    stdout carries the report, unless it carries a patch (``--diff`` in text) or a fixed
    text (``--fix -``): then the report goes to stderr. ``-o FILE`` takes the report
    (whatever its format), written whole; its summary still goes where it went.
    Diagnostics always go to stderr.
    """
    from tvlint.report import Summary, summary_lines

    write_lines(
        sys.stderr,
        [(Own("tvlint: error: "), path, Own(": "), why) for path, why in result.errors],
    )
    stdin_fix = stdin is not None and result.mode is Mode.FIX
    # The patch is the file's own text (``##[`` and all): only the text format gives it;
    # the others carry the diff inside the report, through the output policy.
    patch = result.mode is Mode.DIFF and args.format == "text"
    if stdin_fix and stdin is not None:
        write_bytes(sys.stdout, stdin.output())
    elif patch:
        # Only the patch, so that it can be piped to `patch -p0`.
        write_patch(
            sys.stdout, "".join(f.diff or "" for f in result.fixes), _is_terminal(sys.stdout)
        )
    usual = sys.stderr if stdin_fix or patch else sys.stdout
    summary = Summary(result)
    if not args.output_file:
        options = ReportOptions(args.quiet, args.statistics, use_color(args.color, usual))
        emit(render(args.format, result, options, summary), usual)
        return exit_status(result)
    from tvlint.safe_write import WriteFailed, write_new_file

    options = ReportOptions(args.quiet, args.statistics, args.color == "always")
    written = io.StringIO()
    emit(render(args.format, result, options, summary), written)
    try:
        write_new_file(args.output_file, written.getvalue().encode("utf-8"))
    except WriteFailed as exc:
        diagnose(f"{args.output_file}: cannot write the report: {exc.reason}")
        return EXIT_ERROR
    if not args.quiet:
        plain = ReportOptions(args.quiet, args.statistics, False)
        emit(summary_lines(summary, result.mode, plain), usual)
    return exit_status(result)


def warn(message: str) -> None:
    """One ``tvlint: warning: …`` line on stderr, as ``diagnose`` writes errors."""
    _diagnostic("tvlint: warning: ", message)


def _explain(name: str) -> int:
    from tvlint.explain import explain

    try:
        rules = list(RULES) if name == "all" else [rule_named(name)]
    except KeyError:
        diagnose(f"no rule {name!r}")
        return EXIT_ERROR
    # Not print(): a non-blocking stdout can take part of a buffered write and lose the
    # rest; write_all waits for the reader.
    write_all(sys.stdout, "\n".join(explain(rule) for rule in rules))
    return EXIT_OK


def exit_status(result: RunResult) -> int:
    if result.errors:
        return EXIT_ERROR
    return EXIT_PROBLEMS if result.problems or result.fixes else EXIT_OK
