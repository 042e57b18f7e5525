"""What a fix kept and removed in each duplicate group, for the reporters that show it.

Values are the file's own; each reporter cuts them as it shows them.

Apart from the package's reporters: a check run reports no fixes, and loads none of this.
"""

from __future__ import annotations

from dataclasses import dataclass

from tvlint import TYPE_CHECKING
from tvlint.ranking import same_value
from tvlint.result import FileFix

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
    """An entry the fix removed, why, and how it differs from the kept one."""

    criterion: str
    only_here: dict[str, Any]  # keys the kept entry lacks; their values live in the backup
    differs: dict[str, dict[str, Any]]  # key → {"kept": value, "removed": value}
    carried: dict[str, Any]  # protected members added to the kept entry from this one


@dataclass(frozen=True)
class GroupReport:
    """The entries naming one model file: the one kept and the ones removed."""

    model_file: str
    kept: EntryReport
    removed: tuple[RemovedReport, ...]


def _entry(entry: dict[str, Any]) -> EntryReport:
    params = entry.get("parameters")
    return EntryReport(
        entry.get("id"), entry.get("name"), isinstance(params, dict) and bool(params)
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
            carried = {key for key, source in group.carried if source == removal.index}
            # What the kept entry now has (carried from this entry or another) is not lost.
            kept_now = {key for key, _ in group.carried}
            only_here = {k: v for k, v in entry.items() if k not in kept and k not in kept_now}
            differs = {
                k: {"kept": kept[k], "removed": v}
                for k, v in entry.items()
                if k in kept and not same_value(kept[k], v)
            }
            removed.append(
                RemovedReport(
                    base.id,
                    base.name,
                    base.has_parameters,
                    removal.criterion,
                    only_here,
                    differs,
                    {k: entry[k] for k in sorted(carried)},
                )
            )
        reports.append(GroupReport(group.model_file, _entry(kept), tuple(removed)))
    return reports
