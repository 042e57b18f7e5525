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
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace

from tvlint import TYPE_CHECKING
from tvlint.string_formats import rfc3339_instant

if TYPE_CHECKING:
    from typing import Any

CRITERIA = ("parameters", "completedAt", "timestamp", "position")
# The keys a person sets, unless [tool.tvlint] protect says otherwise: a model's verdict.
DEFAULT_PROTECT = ("isGood",)


def model_file(url: object) -> str | None:
    """The model file a ``loraUrl`` names: its last path segment, percent-decoded.

    Scheme, host, query string and fragment are ignored, so the accelerated and the
    regional S3 host, and presigned URLs, name the same file. None when there is no
    file name (not a string, no path, or a path ending in ``/``).
    """
    if not isinstance(url, str):
        return None
    name = _plain_url_file(url)
    if name is None or "%" in name:
        # Imported here, like everything a plain URL does not need at start-up.
        from urllib.parse import unquote, urlsplit
    if name is None:
        try:
            name = urlsplit(url.strip()).path.rsplit("/", 1)[-1]
        except ValueError:
            return None
    if "%" in name:
        name = unquote(name)
    return name or None


def _plain_url_file(url: str) -> str | None:
    """``model_file`` for a plain lower-case http(s) URL, by string search alone.

    None for anything else, which takes ``urlsplit`` (it also drops tabs and
    newlines and strips spaces, which this path leaves to it).
    """
    start = 8 if url.startswith("https://") else 7 if url.startswith("http://") else 0
    if not start or url[-1] <= " " or "\t" in url or "\n" in url or "\r" in url:
        return None
    end = len(url)
    for mark in "?#":
        found = url.find(mark, start)
        if found != -1 and found < end:
            end = found
    slash = url.find("/", start, end)
    if slash == -1:
        return ""
    return url[url.rfind("/", slash, end) + 1 : end]


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
    by_file: dict[str, list[int]] = {}
    for index, entry in enumerate(versions):
        if isinstance(entry, dict):
            name = model_file(entry.get("loraUrl"))
            if name is not None:
                by_file.setdefault(name, []).append(index)
    groups = []
    for name, indices in by_file.items():
        if len(indices) < 2:
            continue
        ranks = {i: (i not in partial, *_rank(versions[i], i)) for i in indices}
        kept = max(indices, key=ranks.__getitem__)
        removed = tuple(
            Removal(i, _deciding_criterion(ranks[kept][1:], ranks[i][1:]))
            for i in indices
            if i != kept
        )
        group = DuplicateGroup(name, kept, removed)
        groups.append(_protected(group, versions, protect, partial))
    return groups


def _protected(
    group: DuplicateGroup, versions: Sequence[Any], protect: Sequence[str], partial: Set[int]
) -> DuplicateGroup:
    """``group`` with the members to carry over, or held if a person must decide."""
    members = (group.kept, *(r.index for r in group.removed))
    repeating = tuple(i for i in members if i in partial)
    if repeating:
        return replace(group, hold=Hold(None, repeating))
    kept_entry = versions[group.kept]
    carried = []
    for key in dict.fromkeys(protect):  # each key once, in the order given
        holders = [i for i in members if key in versions[i]]
        values = {canonical(versions[i][key]) for i in holders}
        if len(values) > 1:
            return replace(group, hold=Hold(key, tuple(holders)))
        if holders and key not in kept_entry:
            carried.append((key, holders[0]))
    return replace(group, carried=tuple(carried))


def canonical(value: Any) -> str:
    """A value as JSON compares it: ``true`` is not ``1``, and ``1.0`` is not ``1`` as a
    person wrote it (Python's ``==`` says both are)."""
    return json.dumps(value, sort_keys=True)


def same_value(a: Any, b: Any) -> bool:
    return a == b and canonical(a) == canonical(b)
