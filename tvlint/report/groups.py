"""What a fix kept and removed in each group (of one model file, of one run) and which
names it set, for the reporters that show it.

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

    from tvlint.ranking import Removal


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
    carried: dict[str, Any]  # members added to the kept entry from this one


@dataclass(frozen=True)
class GroupReport:
    """The entries naming one model file: the one kept and the ones removed."""

    model_file: str
    kept: EntryReport
    removed: tuple[RemovedReport, ...]


@dataclass(frozen=True)
class RunReport:
    """The entries of one run: the one kept and the ones merged into it (their
    ``carried`` are the members copied into it); ``completed``: its status was set."""

    version: str
    kept: EntryReport
    removed: tuple[RemovedReport, ...]
    completed: bool


@dataclass(frozen=True)
class RenameReport:
    """An entry whose name was its model file's, now its version."""

    id: Any
    name: Any  # as it was
    version: str


def _entry(entry: dict[str, Any]) -> EntryReport:
    params = entry.get("parameters")
    return EntryReport(
        entry.get("id"), entry.get("name"), isinstance(params, dict) and bool(params)
    )


def group_reports(fix: FileFix) -> list[GroupReport]:
    """What was kept and removed in each duplicate group of one fixed file."""
    return [
        GroupReport(
            group.model_file,
            _entry(fix.entries[group.kept]),
            _removed(fix, group.kept, group.removed, group.carried, {}),
        )
        for group in fix.groups
    ]


def run_reports(fix: FileFix) -> list[RunReport]:
    """What was kept and merged into it in each group of one run of one fixed file."""
    # A member a merge copies from an entry that a fix of its model file removed came to
    # the merged entry through that fix: it is shown as that entry's.
    through = {r.index: g.kept for g in fix.groups for r in g.removed} if fix.runs else {}
    return [
        RunReport(
            run.version,
            _entry(fix.entries[run.kept]),
            _removed(fix, run.kept, run.removed, run.copied, through),
            run.completes,
        )
        for run in fix.runs
    ]


def rename_reports(fix: FileFix) -> list[RenameReport]:
    """Each entry of one fixed file whose name was set to its version."""
    return [
        RenameReport(fix.entries[i].get("id"), fix.entries[i].get("name"), version)
        for i, version in fix.renames
    ]


def _removed(
    fix: FileFix,
    kept_index: int,
    removals: tuple[Removal, ...],
    carried: tuple[tuple[str, int], ...],
    through: dict[int, int],
) -> tuple[RemovedReport, ...]:
    """Each removed entry of a group: why, what of it went into the kept entry (the
    members ``carried``: key and source entry, which came ``through`` the entry that
    kept it, where a fix of its model file removed it), and how it differs from the
    kept one."""
    kept = fix.entries[kept_index]
    # What the kept entry now has (carried from this entry or another) is not lost.
    kept_now = {key for key, _ in carried}
    reports = []
    for removal in removals:
        entry = fix.entries[removal.index]
        base = _entry(entry)
        mine = {
            key: fix.entries[source][key]
            for key, source in sorted(carried)
            if removal.index in (source, through.get(source))
        }
        reports.append(
            RemovedReport(
                base.id,
                base.name,
                base.has_parameters,
                removal.criterion,
                {k: v for k, v in entry.items() if k not in kept and k not in kept_now},
                {
                    k: {"kept": kept[k], "removed": v}
                    for k, v in entry.items()
                    if k in kept and not same_value(kept[k], v)
                },
                mine,
            )
        )
    return tuple(reports)
