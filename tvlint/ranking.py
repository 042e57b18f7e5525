"""Which entries name the same model file, which of them to keep, and what a person
must decide.

One ranking serves the check report (TV004 names the entry that would be kept),
``--diff`` and ``--fix``. Highest first: non-empty ``parameters``; has
``completedAt``; newer ``timestamp`` as an instant (a missing or invalid one ranks
below every valid one); on a full tie, the entry that comes first in the file.

A person's data is never dropped unseen. A protected key (``isGood`` by default) that
only removed entries hold, all with one value, is carried into the kept entry; one
whose values disagree holds the group for a person, and so does an entry that cannot
be read whole (it repeats a key: json kept only one of the values).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass

from tvlint import TYPE_CHECKING
from tvlint.model_file import shared_model_files
from tvlint.string_formats import rfc3339_instant

if TYPE_CHECKING:
    from typing import Any

CRITERIA = ("parameters", "completedAt", "timestamp", "position")


@dataclass(frozen=True)
class Removal:
    """An entry of a group that is not kept, and the criterion that decided it."""

    index: int
    criterion: str  # the first of CRITERIA on which the kept entry ranks higher


@dataclass(frozen=True)
class Hold:
    """Why a group is left as it is, for a person to resolve.

    ``key`` is the protected key whose values disagree, and ``entries`` the entries
    that hold it (the kept one first, if it does); with no ``key``, ``entries`` are
    those that repeat a key and so cannot be read whole.
    """

    key: str | None
    entries: tuple[int, ...]


@dataclass(frozen=True)
class DuplicateGroup:
    """Entries (by index in ``versions``) that name one model file.

    ``carried`` are the protected members (key, and the removed entry that holds it)
    that ``--fix`` adds to the kept entry; ``hold``, if set, says why ``--fix`` leaves
    the group as it is.
    """

    model_file: str
    kept: int
    removed: tuple[Removal, ...]
    carried: tuple[tuple[str, int], ...] = ()
    hold: Hold | None = None


# Only ever compared with itself: the field before it ranks a valid instant higher.
_NO_INSTANT = (0, "")

if TYPE_CHECKING:
    Rank = tuple[bool, bool, bool, tuple[int, str], int]


def _rank(entry: dict[str, Any], index: int) -> Rank:
    params = entry.get("parameters")
    instant = rfc3339_instant(entry.get("timestamp"))
    return (
        isinstance(params, dict) and len(params) > 0,
        entry.get("completedAt") is not None,
        instant is not None,
        instant or _NO_INSTANT,
        -index,
    )


def _deciding_criterion(kept: Rank, other: Rank) -> str:
    # The first three fields are the first two criteria and validity of the timestamp,
    # which is part of the timestamp criterion.
    if kept[0] != other[0]:
        return CRITERIA[0]
    if kept[1] != other[1]:
        return CRITERIA[1]
    if kept[2:4] != other[2:4]:
        return CRITERIA[2]
    return CRITERIA[3]


def duplicate_groups(
    versions: Sequence[Any], protect: Sequence[str] = (), partial: Set[int] = frozenset()
) -> list[DuplicateGroup]:
    """Groups of two or more entries naming one model file, in order of first entry.

    ``protect`` are the keys a person sets; ``partial`` the indices of entries that
    repeat a key. A partial entry is never kept while a whole one is in its group.
    """
    return rank_groups(shared_model_files(versions), versions, protect, partial)


def rank_groups(
    shared: list[tuple[str, list[int]]],
    versions: Sequence[Any],
    protect: Sequence[str] = (),
    partial: Set[int] = frozenset(),
) -> list[DuplicateGroup]:
    """``duplicate_groups`` from the entries found to share a model file."""
    groups = []
    for name, indices in shared:
        kept, removed = keep_best(indices, versions, partial)
        carried, hold = _protected((kept, *(r.index for r in removed)), versions, protect, partial)
        groups.append(DuplicateGroup(name, kept, removed, carried, hold))
    return groups


def keep_best(
    indices: Sequence[int],
    versions: Sequence[Any] | Mapping[int, Any],
    partial: Set[int] = frozenset(),
) -> tuple[int, tuple[Removal, ...]]:
    """The entry of ``indices`` the ranking keeps, and the others with what decided each
    (an entry that repeats a key is kept only where every entry does)."""
    ranks = {i: (i not in partial, *_rank(versions[i], i)) for i in indices}
    kept = max(indices, key=ranks.__getitem__)
    removed = tuple(
        Removal(i, _deciding_criterion(ranks[kept][1:], ranks[i][1:])) for i in indices if i != kept
    )
    return kept, removed


def _protected(
    members: tuple[int, ...], versions: Sequence[Any], protect: Sequence[str], partial: Set[int]
) -> tuple[tuple[tuple[str, int], ...], Hold | None]:
    """The protected members to carry into the kept entry (``members[0]``), or why a
    person must decide."""
    repeating = tuple(i for i in members if i in partial)
    if repeating:
        return (), Hold(None, repeating)
    kept_entry = versions[members[0]]
    carried = []
    for key in dict.fromkeys(protect):  # each key once, in the order given
        holders = [i for i in members if key in versions[i]]
        values = {canonical(versions[i][key]) for i in holders}
        if len(values) > 1:
            return (), Hold(key, tuple(holders))
        if holders and key not in kept_entry:
            carried.append((key, holders[0]))
    return tuple(carried), None


def canonical(value: Any) -> str:
    """A value as JSON compares it: ``true`` is not ``1``, and ``1.0`` is not ``1`` as a
    person wrote it (Python's ``==`` says both are)."""
    return json.dumps(value, sort_keys=True)


# Equal values of one of these types are the same JSON; a float is not (0.0 == -0.0).
_EXACT = (str, int, bool, type(None))


def same_value(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` are the same JSON: ``canonical(a) == canonical(b)``.

    Most of a group's values are equal strings: they are told apart without being
    written out (tests/test_fast_paths.py holds this to the canonical comparison).
    """
    if a != b:
        return False
    return (type(a) is type(b) and type(a) in _EXACT) or canonical(a) == canonical(b)
