"""A whole run: discovery → lint each file → (fix plan → safe write) → results.

Nothing here prints; the reporters and the CLI decide what a result looks like.
"""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Iterable, Sequence

from tvlint import TYPE_CHECKING
from tvlint.discover import FileFilter, discover, git_work_tree
from tvlint.document import Document
from tvlint.lint import Checked, FileError, Linter
from tvlint.problem import Problem
from tvlint.reading import describe_os_error
from tvlint.rules import Rule

if TYPE_CHECKING:
    from tvlint.fix import FileFix


class Mode(enum.Enum):
    CHECK = "check"
    FIX = "fix"
    DIFF = "diff"


class RunResult:
    """Everything a run found and did, filled in file by file."""

    __slots__ = ("checked", "errors", "fixes", "mode", "skipped")

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.checked: list[Checked] = []
        self.fixes: list[FileFix] = []
        self.errors: list[FileError] = []
        self.skipped: list[str] = []  # directories discovery did not search

    @property
    def problems(self) -> list[Problem]:
        """The problems that remain (after ``--fix``, or that ``--diff`` would leave)."""
        return [p for c in self.checked for p in c.problems]


def run(
    linter: Linter,
    paths: Sequence[str],
    mode: Mode,
    backup: bool = True,
    where: FileFilter | None = None,
    jobs: int = 1,
) -> RunResult:
    """Every file under ``paths``, in order; a check of many files uses ``jobs`` workers."""
    result = RunResult(mode)
    found = discover(paths, where)
    result.errors += [FileError(str(e.filename), describe_os_error(e)) for e in found.unlistable]
    result.skipped = found.skipped
    files = found.files
    fixers = [rule for rule in linter.rules if rule.fixes]
    outcomes: Iterable[Checked | FileError]
    if mode is not Mode.CHECK and fixers:
        [fixer] = fixers  # one rule fixes today; two would need their edits merged
        start = os.getcwd()

        def fix(path: str, doc: Document) -> Checked:
            return _fix(linter, path, doc, mode, backup, result, start, fixer)

        outcomes = (linter.check_file(path, fix) for path in files)
    elif jobs > 1 and len(files) >= PARALLEL_FROM and can_fork():
        from tvlint.parallel import check_files

        outcomes = check_files(linter, files, jobs)
    else:
        # Each document is dropped once checked: a run holds only the problems.
        outcomes = (linter.check_file(path) for path in files)
    for outcome in outcomes:
        if isinstance(outcome, FileError):
            result.errors.append(outcome)
        else:
            result.checked.append(outcome)
    return result


# Fewer files are checked in this process: below this, forking a worker costs about
# what it saves (bench/README.md).
PARALLEL_FROM = 100


def can_fork() -> bool:
    """Workers are forked (they inherit the imports and the linter), on Linux only:
    elsewhere fork is unavailable or, as on macOS, unsafe with system libraries."""
    return sys.platform == "linux"


def inside_tree(path: str, real: str, start: str) -> bool:
    """Whether ``real`` (where ``path`` leads) lies inside the path's tree.

    The tree is the git work tree that holds the path as given or, outside any,
    ``start`` (the directory tvlint was started in). ``--fix`` writes inside it only:
    a symlink in a pull request must not send a write anywhere else.
    """
    tree = os.path.realpath(git_work_tree(path) or start)
    return real == tree or real.startswith(tree.rstrip(os.sep) + os.sep)


def _fix(
    linter: Linter,
    path: str,
    doc: Document,
    mode: Mode,
    backup: bool,
    result: RunResult,
    start: str,
    fixer: Rule,
) -> Checked:
    """The file's outcome: what remains once its duplicates are gone (or would be).

    A file with duplicates is checked only after the fix, as that is what is reported.
    """
    # Imported here: a check run plans no fix and writes nothing.
    from tvlint.fix import SelfCheckFailed

    try:
        plan = fixer.fix(doc)
    except SelfCheckFailed as exc:
        result.errors.append(FileError(path, f"not fixed: {exc}"))
        return linter.lint_document(path, doc)
    if plan is None:
        return linter.lint_document(path, doc)
    real = os.path.realpath(path)  # resolved once: checked, then written
    if not inside_tree(path, real, start):
        verb = "fixed" if mode is Mode.FIX else "diffed"
        result.errors.append(FileError(path, f"not {verb}: it points outside the tree, to {real}"))
        return linter.lint_document(path, doc)
    if mode is Mode.DIFF:
        diff = plan.diff(path, doc)
        result.fixes.append(plan.outcome(path, written=False, diff=diff))
    else:
        from tvlint.safe_write import WriteFailed, replace_file

        try:
            # Written where it was found to be inside the tree, should the link change.
            backup_path = replace_file(path, doc.raw, plan.new_bytes, backup, real)
        except WriteFailed as exc:
            result.errors.append(FileError(path, f"not fixed: {exc.reason}"))
            return linter.lint_document(path, doc)
        result.fixes.append(plan.outcome(path, written=True, backup=backup_path))
    return linter.lint_document(path, plan.new_document)
