"""Duplicate entries → a removal plan → the new file text, checked before it is used.

Only the removed entries' text goes: each one's span with the separator that joins it
to its neighbour. Every other character stays as it was (indentation, key order,
number literals, non-ASCII text, CRLF, the final newline or its absence), and a BOM is
put back, because the new text is cut from the old text rather than re-serialised.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tvlint.document import UTF8_BOM, Document, InvalidJSON, parse
from tvlint.ranking import DuplicateGroup, duplicate_groups
from tvlint.rules.duplicates import versions_of

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

VERSIONS = "/versions"


class SelfCheckFailed(Exception):
    """The new text does not parse to the old data minus exactly the removed entries."""


@dataclass(frozen=True)
class FixPlan:
    """What ``--fix`` would write for one document."""

    versions: Sequence[Any]
    groups: tuple[DuplicateGroup, ...]
    new_bytes: bytes

    @property
    def removed(self) -> list[int]:
        return sorted(r.index for g in self.groups for r in g.removed)


def plan_fix(doc: Document) -> FixPlan | None:
    """The plan for ``doc``, or None when it has no duplicate model file."""
    versions = versions_of(doc)
    groups = tuple(duplicate_groups(versions))
    if not groups:
        return None
    removed = {r.index for g in groups for r in g.removed}
    text = _without_elements(doc.text, doc.element_spans(VERSIONS), removed)
    new_bytes = (UTF8_BOM if doc.has_bom else b"") + text.encode("utf-8")
    _self_check(doc, new_bytes, removed)
    return FixPlan(versions, groups, new_bytes)


def _without_elements(text: str, spans: Sequence[tuple[int, int]], removed: set[int]) -> str:
    # An element keeps the separator that follows it; the last kept one keeps what
    # follows the whole array. Cutting a removed element with the separator after it
    # (or, at the end, the separator before it) leaves its neighbours' lines intact.
    kept = [i for i in range(len(spans)) if i not in removed]
    last = len(spans) - 1
    parts = [text[: spans[0][0]]]
    for position, index in enumerate(kept):
        start, end = spans[index]
        parts.append(text[start:end])
        if position + 1 < len(kept):
            parts.append(text[end : spans[index + 1][0]])
    parts.append(text[spans[last][1] :])
    return "".join(parts)


def _self_check(doc: Document, new_bytes: bytes, removed: set[int]) -> None:
    data = doc.data
    expected = dict(data)
    expected["versions"] = [e for i, e in enumerate(data["versions"]) if i not in removed]
    try:
        new = parse(new_bytes)
    except InvalidJSON as exc:
        raise SelfCheckFailed(f"the fixed text would not parse: {exc.message}") from None
    if new.data != expected or list(new.data) != list(expected):
        raise SelfCheckFailed("the fixed text would not equal the old data minus the duplicates")


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    """A unified diff of two versions of one file, as ``patch -p0`` applies it."""
    import difflib

    old_lines = old.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    new_lines = new.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    out = []
    for line in difflib.unified_diff(old_lines, new_lines, path, path):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)
