"""A whole run: discovery → lint each file → (fix plan → safe write) → results.

Nothing here prints; the reporters and the CLI decide what a result looks like.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence

from tvlint import TYPE_CHECKING
from tvlint.discover import FileFilter, Target, discover, tidy
from tvlint.document import Document, InvalidJSON, Text, decode, parse_text
from tvlint.lint import Linter
from tvlint.reading import describe_os_error, read_stream
from tvlint.result import Mode, Outcome, RunResult

if TYPE_CHECKING:
    from tvlint.fix import FixPlan

    Fixer = Callable[[Document], FixPlan | None]


class Stdin:
    """Standard input as one document (``-`` among the paths): the name it is reported
    under, and with ``--fix`` what goes to stdout: the fixed text, or the input as given.

    Its bytes are held only until they decode: beside its text and data they would add
    the input's size to the peak. ``--fix`` keeps the text instead, whose bytes are the
    input's (strict UTF-8 decoding round-trips); input that does not decode keeps its
    bytes, to be given back as they came.
    """

    __slots__ = ("fixed", "given", "name", "raw")

    def __init__(self, name: str = "-") -> None:
        self.name = tidy(name)
        self.raw = b""
        self.given: Text | None = None
        # Its bytes are made only to be written: held beside the fixed text while that
        # is parsed and checked, they would add the file's size to the peak.
        self.fixed: Text | None = None

    def output(self) -> bytes:
        """What ``--fix -`` writes to stdout."""
        text = self.fixed if self.fixed is not None else self.given
        return self.raw if text is None else text.raw


def run(
    linter_for: Callable[[str], Linter],
    paths: Sequence[str],
    mode: Mode,
    backup: bool = True,
    file_filter: FileFilter | None = None,
    jobs: int = 1,
    stdin: Stdin | None = None,
    named: bool = True,
) -> RunResult:
    """Every file under ``paths``, in order, each checked by ``linter_for`` its path; a
    check of many files uses ``jobs`` workers.

    ``-`` among the paths is standard input (``stdin`` says what to call it); it comes
    first. A directory that holds no file to check is an error when it was ``named``
    (a mistyped path in a CI job must fail); otherwise only noted in ``empty``.
    Every file's linter is made before any file is read, so a configuration that cannot
    be used (ConfigError, SchemaLoadError) stops the run before anything is written.
    """
    file_filter = file_filter or FileFilter()
    found = discover([p for p in paths if p != "-"], file_filter)
    unlistable = [Outcome(str(e.filename), error=describe_os_error(e)) for e in found.unlistable]
    if named:
        unlistable += [Outcome(p, error="no file to check found under it") for p in found.empty]
    files = found.files
    for target in files:
        linter_for(target.path)
    if stdin is not None:
        linter = linter_for(stdin.name)
        fixer = _fixer(linter, mode)
        # Read even if excluded: --fix - gives back what it was given, changed or not.
        try:
            if sys.stdin is None:  # started with it closed (`tvlint - <&-`)
                raise OSError("standard input is closed")
            stdin.raw = read_stream(sys.stdin.buffer, linter.max_file_size)
        except OSError as exc:
            unlistable.append(Outcome(stdin.name, error=describe_os_error(exc)))
        else:
            if not file_filter.is_excluded(stdin.name):
                unlistable.append(_standard_input(linter, stdin, mode, fixer))

    def check(target: Target) -> Outcome:
        return linter_for(target.path).check_file(target.path, target.tree)

    def fix(target: Target) -> Outcome:
        linter = linter_for(target.path)
        fixer = _fixer(linter, mode)
        if fixer is None:
            return linter.check_file(target.path, target.tree)
        return _fix(linter, target, mode, backup, fixer)

    outcomes: Iterable[Outcome]
    if mode is not Mode.CHECK:
        outcomes = (fix(target) for target in files)
    elif jobs > 1 and len(files) >= PARALLEL_FROM and can_fork():
        from tvlint.parallel import check_files

        outcomes = check_files(check, files, jobs)
    else:
        # Each document is dropped once checked: a run holds only the problems.
        outcomes = (check(target) for target in files)
    outcomes = [*unlistable, *outcomes]
    name = None if stdin is None else stdin.name
    return RunResult(mode, outcomes, found.skipped, found.empty, found.excluded, name)


def _fixer(linter: Linter, mode: Mode) -> Fixer | None:
    """What plans a document's fix, for ``--fix`` and ``--diff``, if the linter runs a
    rule whose fix this run makes (a safe one; an unsafe one with unsafe-fixes)."""
    if mode is Mode.CHECK:
        return None
    allowed = ("safe", "unsafe") if linter.unsafe_fixes else ("safe",)
    fixing = frozenset(rule.code for rule in linter.rules if rule.fixes in allowed)
    if not fixing:
        return None

    def plan(doc: Document) -> FixPlan | None:
        from tvlint.fix import plan_fix  # a check plans no fix

        return plan_fix(doc, linter.protect, fixing)

    return plan


def _standard_input(linter: Linter, stdin: Stdin, mode: Mode, fixer: Fixer | None) -> Outcome:
    """The outcome for standard input (read into ``stdin.raw``); with ``--fix``,
    ``stdin.fixed`` is its new text."""

    def load() -> Document | Outcome:
        found = linter.compiled(stdin.name, stdin.raw)
        if isinstance(found, Outcome):
            return found  # its bytes kept: --fix - gives them back as they came
        try:
            text, has_bom = decode(stdin.raw) if found is None else (found.text, found.has_bom)
            stdin.raw = b""
            if mode is Mode.FIX:
                stdin.given = Text(text, has_bom)
            return parse_text(text, has_bom) if found is None else found
        except InvalidJSON as exc:
            return linter.invalid(stdin.name, exc)

    if fixer is None:
        loaded = load()
        return loaded if isinstance(loaded, Outcome) else linter.lint_document(stdin.name, loaded)

    def to_stdout(old: Text, new: Text, target: str) -> None:
        stdin.fixed = new
        stdin.given = None  # the old text is let go before the new one is parsed
        return  # no backup

    from tvlint.fix import fix_document

    name = stdin.name
    return fix_document(name, load, linter.lint_document, fixer, mode, lambda: name, to_stdout)


# Fewer files are checked in this process: below this, forking a worker costs about
# what it saves (bench/README.md).
PARALLEL_FROM = 100


def can_fork() -> bool:
    """Workers are forked (they inherit the imports and the linter), on Linux only:
    elsewhere fork is unavailable or, as on macOS, unsafe with system libraries."""
    return sys.platform == "linux"


def _fix(linter: Linter, target: Target, mode: Mode, backup: bool, fixer: Fixer) -> Outcome:
    """The file's outcome: what remains once its duplicates are gone (or would be)."""
    from tvlint.fix import Refused, fix_document

    path, tree = target.path, target.tree

    def place() -> str:
        # Resolved again, not taken from the read: checked here, written there.
        try:
            return tree.resolve(path)
        except OSError as exc:
            verb = "fixed" if mode is Mode.FIX else "diffed"
            raise Refused(f"not {verb}: {describe_os_error(exc)}") from None

    def replace(old: Text, new: Text, real: str) -> str | None:
        from tvlint.safe_write import replace_file

        return replace_file(path, old, new, backup, real)

    def load() -> Document | Outcome:  # read inside the pipeline, held by it alone
        return linter.load(path, tree)

    return fix_document(path, load, linter.lint_document, fixer, mode, place, replace)
