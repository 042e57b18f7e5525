"""Rules about entries that repeat one another."""

from __future__ import annotations

from collections.abc import Iterator

from tvlint.document import Document, join_pointer
from tvlint.problem import Finding
from tvlint.ranking import DuplicateGroup, duplicate_groups
from tvlint.rules.base import Rule
from tvlint.untrusted import cut, quoted

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import Any


def versions_of(doc: Document) -> list[Any]:
    """The ``versions`` array, or an empty list when the file has none (TV003 says so)."""
    data = doc.data
    versions = data.get("versions") if isinstance(data, dict) else None
    return versions if isinstance(versions, list) else []


_GROUPS = "duplicate_groups"


def groups_of(doc: Document) -> list[DuplicateGroup]:
    """The document's duplicate groups, computed once however many stages ask."""
    groups: list[DuplicateGroup] | None = doc.derived.get(_GROUPS)
    if groups is None:
        groups = doc.derived[_GROUPS] = duplicate_groups(versions_of(doc))
    return groups


def known_free_of_duplicates(doc: Document) -> None:
    """Record that ``doc`` has no duplicate groups: it is proven so (a fix's result)."""
    doc.derived[_GROUPS] = []


def describe_id(entry: Any) -> str:
    value = entry.get("id") if isinstance(entry, dict) else None
    return quoted(value) if value is not None else "(no id)"


class DuplicateLoraUrl(Rule):
    """Two or more entries name the same model file in ``loraUrl``.

    The model file is the URL's last path segment, percent-decoded; scheme, host,
    query string and fragment are ignored, so the transfer-accelerated and the
    regional S3 host match, and so do presigned URLs. Entries without ``loraUrl``
    never collide. One problem for each entry beyond the one ``--fix`` keeps (the
    keep-best ranking: non-empty ``parameters``, then ``completedAt``, then the newer
    ``timestamp``, then the first in the file), at that entry's ``loraUrl``.

    Passing (other keys left out)::

        {"versions": [
          {"id": "a-e2", "loraUrl": "https://b.s3-accelerate.amazonaws.com/m/style_1_vV8.safetensors"},
          {"id": "a-e1", "loraUrl": "https://b.s3-accelerate.amazonaws.com/m/style_1_vV7.safetensors"}]}

    Failing (other keys left out)::

        {"versions": [
          {"id": "style_1_vV7", "loraUrl": "https://b.s3.us-west-1.amazonaws.com/m/style_1_vV7.safetensors"},
          {"id": "a-e1", "loraUrl": "https://b.s3-accelerate.amazonaws.com/m/style_1_vV7.safetensors"}]}
    """

    code = "TV004"
    name = "duplicate-lora-url"

    def check(self, doc: Document) -> Iterator[Finding]:
        versions = versions_of(doc)
        for group in groups_of(doc):
            kept = versions[group.kept]
            kept_line = doc.position(doc.locate(join_pointer("versions", group.kept)))[0]
            for removal in group.removed:
                yield self.finding(
                    f"entry {describe_id(versions[removal.index])} duplicates "
                    f"{describe_id(kept)} (line {kept_line}): same model file {cut(group.model_file)}",
                    join_pointer("versions", removal.index, "loraUrl"),
                )


class DuplicateId(Rule):
    """Two entries have the same ``id``.

    The training webhook updates an entry by its id, so only the first of them
    would ever be updated. One problem for each entry after the first, at its ``id``.

    Passing (other keys left out)::

        {"versions": [{"id": "a-e2"}, {"id": "a-e1"}]}

    Failing (other keys left out)::

        {"versions": [{"id": "a-e1"}, {"id": "a-e1"}]}
    """

    code = "TV005"
    name = "duplicate-id"

    def check(self, doc: Document) -> Iterator[Finding]:
        first_with: dict[str, int] = {}
        for index, entry in enumerate(versions_of(doc)):
            entry_id = entry.get("id") if isinstance(entry, dict) else None
            if not isinstance(entry_id, str):
                continue
            first = first_with.setdefault(entry_id, index)
            if first != index:
                first_line = doc.position(doc.locate(join_pointer("versions", first)))[0]
                yield self.finding(
                    f"id {describe_id(entry)} is already used by the entry at line {first_line}",
                    join_pointer("versions", index, "id"),
                )
