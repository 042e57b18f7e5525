"""The version an entry records (``V8``): its ``name``, or the tag that ends its model
file's name; and which entries share one.

Kept apart from ``tvlint.runs``: every file is searched for shared versions, but only a
file that has some needs the ranking and its records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set

from tvlint import TYPE_CHECKING
from tvlint.model_file import model_file

if TYPE_CHECKING:
    from typing import Any

_VERSION_NAME = re.compile(r"[Vv]([0-9]+)")
# The tag that ends a model file's stem: _vV8 (styles), _V8 (actors), _v8.
_VERSION_TAG = re.compile(r"_[Vv][Vv]?([0-9]+)\Z")


def _version(digits: str) -> str:
    # V07 and V7 are one version; the digits are compared as written, without int(),
    # which refuses more than 4,300 of them.
    return "V" + (digits.lstrip("0") or "0")


def file_version(entry: Mapping[str, Any]) -> str | None:
    """The version the tag at the end of the entry's model file's stem says, or None."""
    name = model_file(entry.get("loraUrl"))
    if name is None:
        return None
    stem = name.rsplit(".", 1)[0]
    match = _VERSION_TAG.search(stem)
    return None if match is None else _version(match.group(1))


def version_name(name: object) -> str | None:
    """The version a ``name`` is (``V8``, ``v08``: both ``V8``), or None."""
    match = _VERSION_NAME.fullmatch(name) if isinstance(name, str) else None
    return None if match is None else _version(match.group(1))


def version_of(entry: Mapping[str, Any]) -> str | None:
    """The entry's version (``V8``): its ``name`` when that is one, otherwise its model
    file's tag; None when it has neither."""
    return version_name(entry.get("name")) or file_version(entry)


def named_by_file(entry: Mapping[str, Any]) -> bool:
    """Whether the entry's ``name`` is its model file's name rather than a version."""
    name = entry.get("name")
    if not isinstance(name, str) or version_name(name) is not None:
        return False  # the model file is searched for only where the name is no version
    return name == model_file(entry.get("loraUrl"))


def shared_versions(versions: Sequence[Any], gone: Set[int]) -> list[tuple[str, list[int]]]:
    """(version, indices) for each version that two or more entries record, in order of
    first entry, leaving out the entries ``gone``."""
    first: dict[str, int] = {}
    shared: dict[str, list[int]] = {}  # a list only for a version seen again
    for index, entry in enumerate(versions):
        if isinstance(entry, dict) and index not in gone:
            version = version_of(entry)
            if version is not None:
                seen = first.setdefault(version, index)
                if seen != index:
                    shared.setdefault(version, [seen]).append(index)
    return sorted(shared.items(), key=lambda item: item[1][0])
