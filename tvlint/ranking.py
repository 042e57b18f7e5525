"""Which entries name the same model file, and which of them to keep.

One ranking serves the check report (TV004 names the entry that would be kept),
``--diff`` and ``--fix``. Highest first: non-empty ``parameters``; has
``completedAt``; newer ``timestamp`` as an instant (a missing or invalid one ranks
below every valid one); on a full tie, the entry that comes first in the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

from tvlint.timestamps import parse_rfc3339

CRITERIA = ("parameters", "completedAt", "timestamp", "position")


def model_file(url: object) -> str | None:
    """The model file a ``loraUrl`` names: its last path segment, percent-decoded.

    Scheme, host, query string and fragment are ignored, so the accelerated and the
    regional S3 host, and presigned URLs, name the same file. None when there is no
    file name (not a string, or a path ending in ``/``).
    """
    if not isinstance(url, str):
        return None
    try:
        path = urlsplit(url.strip()).path
    except ValueError:
        return None
    name = unquote(path.rsplit("/", 1)[-1])
    return name or None


@dataclass(frozen=True)
class Removal:
    index: int
    criterion: str  # the first of CRITERIA on which the kept entry ranks higher


@dataclass(frozen=True)
class DuplicateGroup:
    """Entries (by index in ``versions``) that name one model file."""

    model_file: str
    kept: int
    removed: tuple[Removal, ...]


_NO_INSTANT = datetime.min.replace(tzinfo=timezone.utc)
Rank = tuple[bool, bool, bool, datetime, int]


def _rank(entry: dict[str, Any], index: int) -> Rank:
    params = entry.get("parameters")
    instant = parse_rfc3339(entry.get("timestamp"))
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


def duplicate_groups(versions: Sequence[Any]) -> list[DuplicateGroup]:
    """Groups of two or more entries naming one model file, in order of first entry."""
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
        ranks = {i: _rank(versions[i], i) for i in indices}
        kept = max(indices, key=ranks.__getitem__)
        removed = tuple(
            Removal(i, _deciding_criterion(ranks[kept], ranks[i])) for i in indices if i != kept
        )
        groups.append(DuplicateGroup(name, kept, removed))
    return groups
