"""A whole run: discovery → lint each file → (fix plan → safe write) → results.

Nothing here prints; the reporters and the CLI decide what a result looks like.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from tvlint.discover import FileFilter, discover
from tvlint.document import Document
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
            checked, doc = linter.lint_file(path)
        except OSError as exc:
            result.errors.append(FileError(path, describe_os_error(exc)))
            continue
        if fixing and doc is not None:
            checked = _fix(linter, checked, doc, mode, backup, result)
        # The document is dropped here: a run over many files holds only their problems.
        result.checked.append(checked)
    return result


def _fix(
    linter: Linter, checked: Checked, doc: Document, mode: Mode, backup: bool, result: RunResult
) -> Checked:
    """The file's outcome after the fix: what remains once the duplicates are gone."""
    # Imported here: a check run plans no fix and writes nothing.
    from tvlint.fix import FileFix, SelfCheckFailed, plan_fix

    try:
        plan = plan_fix(doc)
    except SelfCheckFailed as exc:
        result.errors.append(FileError(checked.path, f"not fixed: {exc}"))
        return checked
    if plan is None:
        return checked
    if mode is Mode.DIFF:
        diff = plan.diff(checked.path, doc)
        result.fixes.append(FileFix(checked.path, plan, written=False, diff=diff))
    else:
        from tvlint.safe_write import WriteFailed, replace_file

        try:
            backup_path = replace_file(checked.path, doc.raw, plan.new_bytes, backup)
        except WriteFailed as exc:
            result.errors.append(FileError(checked.path, f"not fixed: {exc.reason}"))
            return checked
        result.fixes.append(FileFix(checked.path, plan, written=True, backup=backup_path))
    return linter.lint_document(checked.path, plan.new_document)
