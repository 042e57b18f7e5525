"""The training-versions model of a parsed document: its ``versions`` entries, the
entries that repeat a key, the groups of entries that name one model file and those
that record one run. Each is
worked out once, however many rules and fixes ask; the JSON layer below knows none of
it."""

from __future__ import annotations

import bisect

from tvlint import TYPE_CHECKING
from tvlint.document import Document
from tvlint.model_file import entry_model_files, shared
from tvlint.versions import EntryVersions

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from tvlint.ranking import DuplicateGroup
    from tvlint.runs import RunGroup


class Model:
    """What the training-versions rules and ``--fix`` share about one document."""

    # No reference to the document: it keeps its model, and a cycle would keep a large
    # file's data alive until a collection (the run pauses them).
    __slots__ = ("_groups", "_runs", "_versions", "partial_entries", "versions")

    def __init__(self, doc: Document) -> None:
        data = doc.data
        versions = data.get("versions") if isinstance(data, dict) else None
        # The entries, or none when the file has no versions array (TV003 says so).
        self.versions: list[Any] = versions if isinstance(versions, list) else []
        # Entries that repeat a key somewhere (TV002): json kept one of the values, so
        # the data of such an entry is not all of it.
        self.partial_entries = _partial_entries(doc, self.versions)
        self._groups: dict[tuple[str, ...], list[DuplicateGroup]] = {}
        self._runs: dict[tuple[str, ...], list[RunGroup]] = {}
        self._versions: EntryVersions | None = None

    @property
    def entry_versions(self) -> EntryVersions:
        """Each entry's version, and the entries named by their model file: worked out
        once for TV008, TV009 and ``--fix``."""
        if self._versions is None:
            self._versions = EntryVersions(self.versions)
        return self._versions

    def duplicate_groups(self, protect: Sequence[str]) -> list[DuplicateGroup]:
        """The entries that name one model file, with ``protect`` the keys a person sets
        (see ``ranking.duplicate_groups``); computed once for TV004 and ``--fix``."""
        key = tuple(protect)
        groups = self._groups.get(key)
        if groups is None:
            found = shared(entry_model_files(self.versions))
            groups = []
            if found:  # the ranking and its records only for a file that needs them
                from tvlint.ranking import rank_groups

                groups = rank_groups(found, self.versions, protect, self.partial_entries)
            self._groups[key] = groups
        return groups

    def run_groups(self, protect: Sequence[str]) -> list[RunGroup]:
        """The entries that record one training run by version, among those the
        duplicate groups keep (see ``runs.merge_groups``); computed once for TV008 and
        ``--fix``."""
        key = tuple(protect)
        groups = self._runs.get(key)
        if groups is None:
            duplicates = self.duplicate_groups(protect)
            gone = {r.index for g in duplicates for r in g.removed}
            found = self.entry_versions.shared(gone)
            groups = []
            if found:  # the merge and its records only for a file that needs them
                from tvlint.runs import merge_groups

                groups = merge_groups(
                    found, self.versions, duplicates, protect, self.partial_entries
                )
            self._runs[key] = groups
        return groups

    def known_duplicate_groups(self, protect: Sequence[str], groups: list[DuplicateGroup]) -> None:
        """Record groups proven otherwise (a fix's result, whose entries are known)."""
        self._groups[tuple(protect)] = groups


def _partial_entries(doc: Document, versions: list[Any]) -> frozenset[int]:
    if not doc.duplicate_keys or not versions:
        return frozenset()
    # Told by where the repeated keys are, not by their pointers: a pointer's
    # "/versions/0" may be in an earlier "versions" that json did not keep, an object
    # whose key is "0" (or "²", which is a digit but no number).
    spans = doc.element_spans("/versions")
    found = set()
    for _, offset in doc.duplicate_keys:
        index = bisect.bisect_right(spans.starts, offset) - 1
        if index >= 0 and offset < spans.ends[index]:
            found.add(index)
    return frozenset(found)


def model_of(doc: Document) -> Model:
    """The document's model, made on first use and kept with it."""
    model: Model | None = doc.model
    if model is None:
        model = doc.model = Model(doc)
    return model
