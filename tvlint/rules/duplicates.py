"""Rules about entries that repeat one another."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.model import model_of
from tvlint.rules.base import ProtectingRule, Rule
from tvlint.untrusted import cut, quoted

if TYPE_CHECKING:
    from typing import Any

    from tvlint.problem import Finding
    from tvlint.ranking import DuplicateGroup


def describe_id(entry: Any) -> str:
    value = entry.get("id") if isinstance(entry, dict) else None
    return quoted(value) if value is not None else "(no id)"


class DuplicateLoraUrl(ProtectingRule):
    """Two or more entries name the same model file in ``loraUrl``.

    The model file is the URL's last path segment, percent-decoded byte for byte
    (``model%FE`` and ``model%FF`` are two files, not one); scheme, host,
    query string and fragment are ignored, so the transfer-accelerated and the
    regional S3 host match, and so do presigned URLs. Entries without ``loraUrl``
    never collide. One problem for each entry beyond the one ``--fix`` keeps (the
    keep-best ranking: non-empty ``parameters``, then ``completedAt``, then the newer
    ``timestamp``, then the first in the file), at that entry's ``loraUrl``.

    A person's verdict is never dropped unseen. The keys in ``protect`` (default
    ``["isGood"]``) are protected: if only removed entries hold one, all with the same
    value, ``--fix`` carries it into the kept entry (as its last member); if their
    values differ (between the kept entry and a removed one, or between two removed
    ones), the group is a conflict that ``--fix`` leaves as it is, and the message says
    which entry holds which value. A group with an entry that repeats a key (TV002) is
    left as it is too: such an entry cannot be read whole. Either way the problem stays
    until a person resolves it. The entries are named in the group's first problem;
    its others point to that one's line, so a report grows with the entries, not with
    their square.

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

    counted_as = "duplicate"
    fixes = "safe"

    def check(self, doc: Document) -> Iterator[Finding]:
        model = model_of(doc)
        versions = model.versions
        for group in model.duplicate_groups(self.protect):
            kept_line = doc.position(doc.locate(join_pointer("versions", group.kept)))[0]
            # Said once for the group: a model file can be listed thousands of times.
            duplicates = (
                f"duplicates {describe_id(versions[group.kept])} (line {kept_line}): "
                f"same model file {cut(group.model_file)}"
            )
            # Why a group is held names its holders, as many as the group's entries: in
            # one problem of the group, which the others point to, so that a report
            # grows with the entries and not with their square.
            why = again = ""
            if group.hold is not None:
                first = join_pointer("versions", group.removed[0].index, "loraUrl")
                why = "; " + describe_hold(group, versions)
                again = "; " + refer_to_hold(group, doc.position(doc.locate(first))[0])
            for position, removal in enumerate(group.removed):
                yield self.finding(
                    f"entry {describe_id(versions[removal.index])} {duplicates}"
                    f"{again if position else why}",
                    join_pointer("versions", removal.index, "loraUrl"),
                    fix="safe" if group.hold is None else None,
                )


def describe_hold(group: DuplicateGroup, versions: Sequence[Any]) -> str:
    """Why ``--fix`` leaves ``group`` for a person, and what the person does:
    ``conflicting isGood: kept "a" false, "b" true; make isGood agree (or delete the
    entries not wanted), then run tvlint --fix``."""
    hold = group.hold
    assert hold is not None
    if hold.key is None:
        entries = ", ".join(describe_id(versions[i]) for i in hold.entries)
        verb = "repeats" if len(hold.entries) == 1 else "repeat"
        return f"{entries} {verb} a key; delete the repeated member, then run tvlint --fix"
    key = cut(hold.key)
    holders = ", ".join(
        ("kept " if i == group.kept else "")
        + f"{describe_id(versions[i])} {quoted(versions[i][hold.key], 40)}"
        for i in hold.entries
    )
    return (
        f"conflicting {key}: {holders}; make {key} agree "
        "(or delete the entries not wanted), then run tvlint --fix"
    )


def refer_to_hold(group: DuplicateGroup, line: int) -> str:
    """Why ``--fix`` leaves ``group`` for a person, for every problem of the group but
    the one that names the entries (at ``line``): ``conflicting isGood: see line 7``."""
    hold = group.hold
    assert hold is not None
    what = "an entry repeats a key" if hold.key is None else f"conflicting {cut(hold.key)}"
    return f"{what}: see line {line} for what to do"


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
        for index, entry in enumerate(model_of(doc).versions):
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
