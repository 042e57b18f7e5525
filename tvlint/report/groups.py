"""What a fix kept and removed in each duplicate group, for the reporters that show it.

Apart from the package's reporters: a check run reports no fixes, and loads none of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from tvlint.fix import FileFix
from tvlint.untrusted import clipped, cut

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


@dataclass(frozen=True)
class EntryReport:
    """One entry of a group, by what identifies it to a reader."""

    id: Any
    name: Any
    has_parameters: bool


@dataclass(frozen=True)
class RemovedReport(EntryReport):
    """An entry the fix removed, why, and what only it had."""

    criterion: str
    only_here: dict[str, Any]  # keys the kept entry lacks; their values live in the backup


@dataclass(frozen=True)
class GroupReport:
    """The entries naming one model file: the one kept and the ones removed."""

    model_file: str
    kept: EntryReport
    removed: tuple[RemovedReport, ...]


def _entry(entry: dict[str, Any]) -> EntryReport:
    params = entry.get("parameters")
    # Values from the file, clipped: a report grows with the entries, not their size.
    return EntryReport(
        clipped(entry.get("id")),
        clipped(entry.get("name")),
        isinstance(params, dict) and bool(params),
    )


def group_reports(fix: FileFix) -> list[GroupReport]:
    """What was kept and removed in each duplicate group of one fixed file."""
    reports = []
    for group in fix.groups:
        kept = fix.entries[group.kept]
        removed = []
        for removal in group.removed:
            entry = fix.entries[removal.index]
            base = _entry(entry)
            only_here = {cut(k): clipped(v) for k, v in entry.items() if k not in kept}
            removed.append(
                RemovedReport(base.id, base.name, base.has_parameters, removal.criterion, only_here)
            )
        reports.append(GroupReport(cut(group.model_file), _entry(kept), tuple(removed)))
    return reports
