"""A whole run: discovery → lint each file → (fix plan → safe write) → results.

Nothing here prints; the reporters and the CLI decide what a result looks like.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence

from tvlint import TYPE_CHECKING
from tvlint.discover import Discovery, FileFilter, Target, discover, tidy
from tvlint.document import Document, InvalidJSON, Text, decode, parse_text
from tvlint.errors import ConfigError
from tvlint.lint import Linter
from tvlint.reading import describe_os_error, read_stream
from tvlint.result import Mode, Outcome, RunResult
from tvlint.schema import SchemaLoadError

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
    use_named: Callable[[list[str]], None] | None = None,
) -> RunResult:
    """Every file under ``paths``, in order, each checked by ``linter_for`` its path; a
    check of many files uses ``jobs`` workers.

    ``-`` among the paths is standard input (``stdin`` says what to call it); it comes
    first. A directory that holds no file to check is an error when it was ``named``
    (a mistyped path in a CI job must fail); otherwise only noted in ``empty``.
    ``use_named`` first reads the configuration of each path named, and every file's
    linter is made before any file is read, so a configuration that cannot be used
    (ConfigError, SchemaLoadError) stops the run before anything is written.
    """
    file_filter = file_filter or FileFilter()
    files_named = [p for p in paths if p != "-"]  # "-" is stdin's, read only with ``stdin``
    if use_named is not None:
        use_named(files_named)
    if mode is Mode.CHECK and stdin is None and _in_workers(jobs, len(files_named)):
        return _check_named(linter_for, files_named, file_filter, jobs, named)
    found = discover(files_named, file_filter)
    unlistable = _not_listed(found, named)
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
    elif _in_workers(jobs, len(files)):
        from tvlint.parallel import check_files

        outcomes = check_files(check, files, jobs)
    else:
        # Each document is dropped once checked: a run holds only the problems.
        outcomes = (check(target) for target in files)
    outcomes = [*unlistable, *outcomes]
    name = None if stdin is None else stdin.name
    return RunResult(mode, outcomes, found.skipped, found.empty, found.excluded, name)


def _not_listed(found: Discovery, named: bool) -> list[Outcome]:
    """The outcomes of what discovery could not list, then of the directories named that
    hold no file to check (``named``: an error, see ``run``)."""
    return [*_unlistable(found), *_empty(found.empty, named)]


def _unlistable(found: Discovery) -> list[Outcome]:
    return [Outcome(str(e.filename), error=describe_os_error(e)) for e in found.unlistable]


def _empty(directories: list[str], named: bool) -> list[Outcome]:
    return [Outcome(p, error="no file to check found under it") for p in directories if named]


def _check_named(
    linter_for: Callable[[str], Linter],
    paths: Sequence[str],
    file_filter: FileFilter,
    jobs: int,
    named: bool,
) -> RunResult:
    """The check of many paths named (a commit's staged files), each worker finding the
    files of its share of them and checking those: finding a file (its tree, whether
    ``include`` and ``exclude`` take it, a directory's search) costs about what reading
    and parsing it does. Their configurations were read first, by this process.

    Each share goes through ``run``'s steps in ``run``'s order, and stops at its first
    configuration that cannot be used (a directory's below, a schema); the run stops
    with the one ``run`` would meet first: of the earliest step, then of the earliest
    share. A file named in two shares is checked where it is first named, as discovery
    does.
    """
    from tvlint.parallel import in_shares

    def work(share: Sequence[str]) -> _Share:
        step = 1
        try:
            found = discover(share, file_filter)
            step = 2
            linters = [linter_for(target.path) for target in found.files]  # before any read
        except (ConfigError, SchemaLoadError) as exc:
            return _Share(Discovery(), [], [], (step, type(exc) is SchemaLoadError, str(exc)))
        checked = [
            linter.check_file(target.path, target.tree)
            for linter, target in zip(linters, found.files, strict=True)
        ]
        return _Share(found, _unlistable(found), checked)

    shares = list(in_shares(work, paths, jobs, _Share.encode, _Share.decode))
    failed = [(share.failure, index) for index, share in enumerate(shares) if share.failure]
    if failed:
        (_, schema, message), _ = min(failed, key=lambda item: (item[0][0], item[1]))
        raise SchemaLoadError(message) if schema else ConfigError(message)
    seen: set[str] = set()
    checked = []
    for share in shares:
        for outcome in share.checked:
            key = os.path.normpath(outcome.path)
            if key not in seen:
                seen.add(key)
                checked.append(outcome)
    empty = [p for share in shares for p in share.empty]
    unlistable = [o for share in shares for o in share.unlistable]
    return RunResult(
        Mode.CHECK,
        [*unlistable, *_empty(empty, named), *checked],
        [p for share in shares for p in share.skipped],
        empty,
        [p for share in shares for p in share.excluded],
    )


if TYPE_CHECKING:
    # (step, whether a SchemaLoadError, message): a configuration that cannot be used.
    Failure = tuple[int, bool, str]


class _Share:
    """What one process found and checked of the paths named: what ``RunResult`` holds,
    or the configuration that stopped it, as plain values for the workers' pipe
    (``encode``, and ``decode`` again)."""

    __slots__ = ("checked", "empty", "excluded", "failure", "skipped", "unlistable")

    def __init__(
        self,
        found: Discovery,
        unlistable: list[Outcome],
        checked: list[Outcome],
        failure: Failure | None = None,
    ) -> None:
        self.unlistable, self.checked, self.failure = unlistable, checked, failure
        self.skipped, self.empty, self.excluded = found.skipped, found.empty, found.excluded

    def encode(self) -> object:
        from tvlint.parallel import encode_outcomes

        names = (self.skipped, self.empty, self.excluded)
        outcomes = (encode_outcomes(self.unlistable), encode_outcomes(self.checked))
        return (self.failure, *outcomes, *names)

    @classmethod
    def decode(cls, sent: object, share: Sequence[str]) -> _Share:
        """ValueError where ``sent`` is not what ``encode`` made."""
        from tvlint.parallel import decode_outcomes

        if not isinstance(sent, tuple) or len(sent) != 6:
            raise ValueError("not a share")
        failure, unlistable, checked, *names = sent
        if failure is not None and not (
            isinstance(failure, tuple)
            and len(failure) == 3
            and isinstance(failure[0], int)
            and isinstance(failure[1], bool)
            and isinstance(failure[2], str)
        ):
            raise ValueError("not a share")
        if not all(isinstance(n, list) and all(isinstance(p, str) for p in n) for n in names):
            raise ValueError("not a share")
        found = Discovery()
        found.skipped, found.empty, found.excluded = names
        return cls(found, decode_outcomes(unlistable), decode_outcomes(checked), failure)


def _in_workers(jobs: int, count: int) -> bool:
    return jobs > 1 and count >= PARALLEL_FROM and can_fork()


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
