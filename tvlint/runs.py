"""Which entries record one training run: the version an entry names, the entries of
one version, which of them to keep, and what merging them into it would take.

The training webhook records a run when it starts (parameters, no model file yet); if
its completion never arrives, the S3 sync adds the model file as an entry of its own.
The two share no model file, only the version: ``V8`` in ``name``, or the tag that ends
the model file's name (``style_1_vV8.safetensors``, ``actor_6_V8.safetensors``).
Entries that name one model file are ``tvlint.ranking``'s groups, and are collapsed
into their kept entry first, so one pair of entries is never two groups.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from tvlint import TYPE_CHECKING
from tvlint.ranking import DuplicateGroup, Removal, canonical, keep_best

if TYPE_CHECKING:
    from typing import Any

# A run that has not finished: the one kind of entry a model file can complete.
RUNNING = ("pending", "starting", "training")
# What a merge copies into the kept entry where it lacks them (and a person's keys).
COPIED = ("loraUrl", "completedAt")


@dataclass(frozen=True)
class Left:
    """Why a merge is left to a person: ``reason`` (one of ``REASONS``), the entries it
    is about, and for a conflict the key whose values differ."""

    reason: str
    entries: tuple[int, ...]
    key: str | None = None
    sources: tuple[int, ...] = ()  # for a conflict: the entry whose value each holds


REASONS = ("repeats-key", "duplicate-held", "failed", "model-files", "not-running", "conflict")


@dataclass(frozen=True)
class RunGroup:
    """Entries (by index in ``versions``) of one version: the one kept and the others.

    A merge removes the others and gives the kept entry the ``copied`` members (key, and
    the entry whose member is copied) it lacks; ``completes`` sets its ``status`` to
    ``completed``, as it now names the model file. ``left``, if set, says why no merge
    is made.
    """

    version: str
    kept: int
    removed: tuple[Removal, ...]
    copied: tuple[tuple[str, int], ...] = ()
    completes: bool = False
    left: Left | None = None


def merge_groups(
    shared: list[tuple[str, list[int]]],
    versions: Sequence[Any],
    duplicates: Sequence[DuplicateGroup],
    protect: Sequence[str] = (),
    partial: Set[int] = frozenset(),
) -> list[RunGroup]:
    """Groups of two or more entries of one version (``shared``: the version and the
    entries, found among those ``duplicates``, the groups by model file, keep), each
    with its merge or why it is left to a person."""
    held = {g.kept for g in duplicates if g.hold is not None}
    carried = {g.kept: dict(g.carried) for g in duplicates if g.hold is None and g.carried}
    merge, groups = _Merge(versions, carried), []
    for version, indices in shared:
        # Judged as the entries will be once their model files' fix has carried what it
        # carries into them (a protected key can be one the ranking reads): so a second
        # fix finds what the first left.
        view = {i: merge.after(i) for i in indices}
        kept, removed = keep_best(indices, view, partial)
        groups.append(merge.group(version, kept, removed, protect, partial, held, view))
    return groups


def made(
    runs: Sequence[RunGroup], duplicates: Sequence[DuplicateGroup], model_files_fixed: bool
) -> list[RunGroup]:
    """The groups ``--fix --unsafe-fixes`` merges: those not left to a person, and, where
    the fix of the groups by model file (``duplicates``) is not made with them, only those
    that take in no entry kept for one (a merge is worked out with that fix made)."""
    grouped = set() if model_files_fixed else {g.kept for g in duplicates}
    return [
        run
        for run in runs
        if run.left is None and not grouped & {run.kept, *(r.index for r in run.removed)}
    ]


class _Merge:
    """What merging a group into its kept entry takes, or why it is left to a person."""

    def __init__(self, versions: Sequence[Any], carried: Mapping[int, Mapping[str, int]]) -> None:
        self.versions = versions
        # The protected members a fix of the model-file groups adds to their kept entry.
        self.carried = carried

    def after(self, index: int) -> Any:
        """Entry ``index`` with the members its model file's fix carries into it."""
        entry = self.versions[index]
        carried = self.carried.get(index)
        if not carried:
            return entry
        return {**entry, **{key: self.versions[source][key] for key, source in carried.items()}}

    def holders(self, key: str, members: Sequence[int]) -> list[tuple[int, int]]:
        """(member, entry whose member ``key`` it has) for each member that has ``key``
        once the model-file groups are fixed (its own, or carried into it)."""
        found = []
        for i in members:
            if key in self.versions[i]:
                found.append((i, i))
            elif key in self.carried.get(i, {}):
                found.append((i, self.carried[i][key]))
        return found

    def group(
        self,
        version: str,
        kept: int,
        removed: tuple[Removal, ...],
        protect: Sequence[str],
        partial: Set[int],
        held: Set[int],
        view: Mapping[int, Any],
    ) -> RunGroup:
        versions = self.versions
        members = (kept, *(r.index for r in removed))

        def left(
            reason: str, entries: Sequence[int], key: str | None = None, sources: Sequence[int] = ()
        ) -> RunGroup:
            found = Left(reason, tuple(entries), key, tuple(sources))
            return RunGroup(version, kept, removed, left=found)

        # Each check names what a person must look at; the first that applies says why.
        checks = (
            ("repeats-key", [i for i in members if i in partial]),
            ("duplicate-held", [i for i in members if i in held]),
            ("failed", [i for i in members if view[i].get("status") == "failed"]),
        )
        for reason, entries in checks:
            if entries:
                return left(reason, entries)
        naming = [i for i in members if "loraUrl" in view[i]]
        if len(naming) > 1:
            return left("model-files", naming)
        if view[kept].get("status") not in RUNNING:
            return left("not-running", [kept])
        copied = []
        for key in dict.fromkeys((*COPIED, *protect)):
            holders = self.holders(key, members)
            if len({canonical(versions[source][key]) for _, source in holders}) > 1:
                return left("conflict", [i for i, _ in holders], key, [j for _, j in holders])
            if holders and all(i != kept for i, _ in holders):
                copied.append((key, holders[0][1]))
        # Once merged, the run names its model file: it completed.
        completes = "loraUrl" in view[kept] or any(key == "loraUrl" for key, _ in copied)
        return RunGroup(version, kept, removed, tuple(copied), completes)
