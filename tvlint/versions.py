"""The version an entry records (``V8``): its ``name``, or the tag that ends its model
file's name; and which entries share one.

Kept apart from ``tvlint.runs``: every file is searched for shared versions, but only a
file that has some needs the ranking and its records.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence, Set

from tvlint import TYPE_CHECKING
from tvlint.model_file import model_file, shared

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
    if match is None:
        return None
    version = _version(match.group(1))
    # The name's own string where it is written as the version: a string made for each
    # entry of a large file, and let go, leaves the memory around what is kept taken.
    return name if version == name else version


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
    """What the entries of ``versions`` record of their versions, worked out in one pass
    for the rules and the fix that ask (``tvlint.model``): the entries of each version
    recorded more than once (``version_of``), and the entries named by their model file
    (``named_by_file``), each with its version.

    Only what repeats is kept: the model, and so this, is held while a large file's
    rules run and its problems are placed.
    """

    __slots__ = ("by_file", "repeated")

    def __init__(self, versions: Sequence[Any]) -> None:
        self.by_file: list[tuple[int, str | None]] = []
        # A list only for a version seen again, as model_file.shared groups them.
        self.repeated: dict[str, list[int]] = dict(shared(self._each(versions)))

    def _each(self, versions: Sequence[Any]) -> Iterator[str | None]:
        """Each entry's version (``version_of``), noting on the way the entries named
        by their model file."""
        for index, entry in enumerate(versions):
            if not isinstance(entry, dict):
                yield None
                continue
            name = entry.get("name")
            version = version_name(name)
            if version is None:
                # The model file only where the name is no version, as version_of reads it.
                file = model_file(entry.get("loraUrl"))
                version = tag_version(file)
                if name is not None and name == file:
                    self.by_file.append((index, version))
            yield version

    def shared(self, gone: Set[int]) -> list[tuple[str, list[int]]]:
        """(version, indices) for each version that two or more entries record, in order
        of first entry, leaving out the entries ``gone``."""
        found = []
        for version, indices in self.repeated.items():
            kept = [index for index in indices if index not in gone]
            if len(kept) > 1:
                found.append((version, kept))
        return sorted(found, key=lambda item: item[1][0])
