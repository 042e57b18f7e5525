"""The version an entry records (``V8``): its ``name``, or the tag that ends its model
file's name; and which entries share one.

Kept apart from ``tvlint.runs``: every file is searched for shared versions, but only a
file that has some needs the ranking and its records.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

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
    return tag_version(model_file(entry.get("loraUrl")))


def tag_version(name: str | None) -> str | None:
    """The version the tag at the end of a model file's stem says, or None."""
    if name is None:
        return None
    match = _VERSION_TAG.search(name.rsplit(".", 1)[0])
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


class EntryVersions:
    """What every entry of ``versions`` records of its version, worked out in one pass
    for the rules and the fix that ask (``tvlint.model``): its ``name`` as a version,
    and its version (``version_of``), given each entry's model file (``files``)."""

    __slots__ = ("by_file", "versions")

    def __init__(self, versions: Sequence[Any], files: Sequence[str | None]) -> None:
        found: list[str | None] = []
        by_file: list[int] = []  # the entries named by their model file
        for index, entry in enumerate(versions):
            name = entry.get("name") if isinstance(entry, dict) else None
            version = version_name(name)
            if version is None:
                file = files[index]
                if name is not None and name == file:
                    by_file.append(index)
                version = tag_version(file)
            found.append(version)
        self.versions = found
        self.by_file = by_file
