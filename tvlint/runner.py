"""A whole run: discovery → lint each file → (fix plan → safe write) → results.

Nothing here prints; the reporters and the CLI decide what a result looks like.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from tvlint.discover import FileFilter, discover
from tvlint.document import Document, InvalidJSON
from tvlint.lint import Checked, FileError, Linter, describe_os_error
from tvlint.problem import Problem
from tvlint.rules.duplicates import DuplicateLoraUrl

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from tvlint.fix import FileFix


class Mode(enum.Enum):
    CHECK = "check"
    FIX = "fix"
    DIFF = "diff"


class RunResult:
    """Everything a run found and did, filled in file by file."""

    # A plain class: a dataclass costs a one-file run half a millisecond to define.
    __slots__ = ("checked", "errors", "fixes", "mode")

    def __init__(self, mode: Mode) -> None:
        self.mode = mode
        self.checked: list[Checked] = []
        self.fixes: list[FileFix] = []
        self.errors: list[FileError] = []

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
) -> RunResult:
    result = RunResult(mode)

    def unlistable(error: OSError) -> None:
        result.errors.append(FileError(str(error.filename), describe_os_error(error)))

    fixing = mode is not Mode.CHECK and any(r.code == DuplicateLoraUrl.code for r in linter.rules)
    for path in discover(paths, unlistable, where):
        try:
            doc = linter.parse_file(path)
        except OSError as exc:
            result.errors.append(FileError(path, describe_os_error(exc)))
            continue
        except InvalidJSON as exc:
            result.checked.append(linter.invalid(path, exc))
            continue
        if fixing:
            checked = _fix(linter, path, doc, mode, backup, result)
        else:
            checked = linter.lint_document(path, doc)
        # The document is dropped here: a run over many files holds only their problems.
        result.checked.append(checked)
    return result


def _fix(
    linter: Linter, path: str, doc: Document, mode: Mode, backup: bool, result: RunResult
) -> Checked:
    """The file's outcome: what remains once its duplicates are gone (or would be).

    A file with duplicates is checked only after the fix, as that is what is reported.
    """
    # Imported here: a check run plans no fix and writes nothing.
    from tvlint.fix import FileFix, SelfCheckFailed, plan_fix

    try:
        plan = plan_fix(doc)
    except SelfCheckFailed as exc:
        result.errors.append(FileError(path, f"not fixed: {exc}"))
        return linter.lint_document(path, doc)
    if plan is None:
        return linter.lint_document(path, doc)
    if mode is Mode.DIFF:
        diff = plan.diff(path, doc)
        result.fixes.append(FileFix(path, plan, written=False, diff=diff))
    else:
        from tvlint.safe_write import WriteFailed, replace_file

        try:
            backup_path = replace_file(path, doc.raw, plan.new_bytes, backup)
        except WriteFailed as exc:
            result.errors.append(FileError(path, f"not fixed: {exc.reason}"))
            return linter.lint_document(path, doc)
        result.fixes.append(FileFix(path, plan, written=True, backup=backup_path))
    return linter.lint_document(path, plan.new_document)
