"""Rules about one training run recorded by more than one entry."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.model import model_of
from tvlint.rules.base import ProtectingRule
from tvlint.rules.duplicates import DuplicateLoraUrl, describe_id
from tvlint.untrusted import cut, quoted
from tvlint.versions import version_name

if TYPE_CHECKING:
    from typing import Any

    from tvlint.problem import Finding
    from tvlint.runs import Left, RunGroup


def _version_pointer(entry: Any, index: int) -> str:
    """Where an entry says its version: its ``name``, or else its ``loraUrl``."""
    key = "name" if version_name(entry.get("name")) is not None else "loraUrl"
    return join_pointer("versions", index, key)


class DuplicateVersion(ProtectingRule):
    """Two or more entries are the same version: one training run recorded twice.

    The training webhook records a run when it starts (``pending``, its parameters, no
    ``loraUrl`` yet); if the completion never reaches it, the S3 sync later adds the
    model file as an entry of its own. The two name no common model file, so TV004
    cannot see them. An entry's version is its ``name`` when that is one (``V8``),
    otherwise the tag that ends its model file's name (``style_1_vV8.safetensors``,
    ``actor_6_V8.safetensors``); an entry with neither is no version. Entries that
    name one model file are TV004's, which reports them: here they count once, as
    the entry ``--fix`` keeps. One problem for each entry beyond the one kept (the
    keep-best ranking: non-empty ``parameters`` first), at what says its version.

    ``tvlint --fix --unsafe-fixes`` merges a group where at most one entry names a
    model file and the entry kept is ``pending``, ``starting`` or ``training``: the
    others are removed, and the kept entry gets, where it lacks them, their
    ``loraUrl`` and ``completedAt`` (and the protected keys, as TV004 carries them),
    and ``status: "completed"`` as it then names the model file. Unsafe, as it changes
    values: plain ``--fix`` leaves it. A group with a failed run, two model files, a
    kept entry that is not running, or values that disagree is left to a person.

    Passing (other keys left out)::

        {"versions": [
          {"id": "a-e2", "name": "V8", "status": "completed", "loraUrl": "https://b.s3.amazonaws.com/m/style_1_vV8.safetensors"},
          {"id": "a-e1", "name": "V7", "status": "failed"}]}

    Failing (other keys left out)::

        {"versions": [
          {"id": "style_1_vV8", "name": "style_1_vV8.safetensors", "status": "completed", "loraUrl": "https://b.s3.amazonaws.com/m/style_1_vV8.safetensors"},
          {"id": "a-e2", "name": "V8", "status": "pending", "parameters": {"network_dim": 16}}]}
    """

    code = "TV008"
    name = "duplicate-version"
    fixes = "unsafe"

    def check(self, doc: Document) -> Iterator[Finding]:
        model = model_of(doc)
        versions = model.versions
        groups = model.run_groups(self.protect)
        if not groups:
            return
        from tvlint.runs import made  # loaded already: it made the groups

        # What --fix --unsafe-fixes merges, as fix.plan_fix plans it.
        duplicates = model.duplicate_groups(self.protect)
        merged = set(made(groups, duplicates, self.runs(DuplicateLoraUrl.code)))
        for group in groups:
            fixable = group in merged
            kept_line = doc.position(doc.locate(join_pointer("versions", group.kept)))[0]
            same = (
                f"duplicates {describe_id(versions[group.kept])} (line {kept_line}): "
                f"same version {cut(group.version)}"
            )
            why = again = ""
            if group.left is not None:
                first = _version_pointer(versions[group.removed[0].index], group.removed[0].index)
                why = "; " + _describe_left(group, group.left, versions)
                again = f"; left to a person: see line {doc.position(doc.locate(first))[0]}"
            for position, removal in enumerate(group.removed):
                entry = versions[removal.index]
                yield self.finding(
                    f"entry {describe_id(entry)} {same}{again if position else why}",
                    _version_pointer(entry, removal.index),
                    fix="unsafe" if fixable else None,
                )


_LEFT = {
    "repeats-key": "{entries} repeat a key; delete the repeated member",
    "duplicate-held": "{entries} is in a TV004 group left to a person; resolve that first",
    "failed": "{entries} failed: a failed run is never merged; delete the entry not wanted",
    "model-files": "{entries} each have a loraUrl; delete the entry not wanted",
    "not-running": "the kept entry's status is {status}, not pending, starting or training; "
    "delete the entry not wanted",
    "conflict": "conflicting {key}: {holders}; make {key} agree (or delete the entries not wanted)",
}


def _describe_left(group: RunGroup, left: Left, versions: Sequence[Any]) -> str:
    """Why ``--fix --unsafe-fixes`` leaves ``group`` for a person, and what to do."""
    entries = ", ".join(describe_id(versions[i]) for i in left.entries)
    key = cut(left.key) if left.key is not None else ""
    holders = ", ".join(
        ("kept " if i == group.kept else "")
        + f"{describe_id(versions[i])} {quoted(versions[source].get(left.key), 40)}"
        for i, source in zip(left.entries, left.sources or left.entries, strict=False)
    )
    status = quoted(versions[group.kept].get("status"), 40)
    return _LEFT[left.reason].format(entries=entries, key=key, holders=holders, status=status)


class FileNameAsName(ProtectingRule):
    """An entry's ``name`` is its model file's name rather than its version.

    The S3 sync once named its entries by the model file (``style_1_vV7.safetensors``);
    every other writer, and the studio's pages, use the version (``V7``), which the
    file's name ends with. At the entry's ``name``.

    ``tvlint --fix --unsafe-fixes`` sets the name to the version the model file's
    name ends with (``_vV7`` → ``V7``); where it ends with none, the name is left to a
    person. Unsafe, as it changes a value: plain ``--fix`` leaves it (but removes the
    entry where TV004 removes it).

    Passing (other keys left out)::

        {"versions": [{"id": "style_1_vV7", "name": "V7", "loraUrl": "https://b.s3.amazonaws.com/m/style_1_vV7.safetensors"}]}

    Failing (other keys left out)::

        {"versions": [{"id": "style_1_vV7", "name": "style_1_vV7.safetensors", "loraUrl": "https://b.s3.amazonaws.com/m/style_1_vV7.safetensors"}]}
    """

    code = "TV009"
    name = "file-name-as-name"
    fixes = "unsafe"

    def check(self, doc: Document) -> Iterator[Finding]:
        model = model_of(doc)
        named = model.entry_versions.by_file
        if not named:
            return
        # An entry that --fix removes anyway, as TV004's duplicate, needs no new name.
        removed: set[int] = set()
        if self.runs(DuplicateLoraUrl.code):
            groups = model.duplicate_groups(self.protect)
            removed = {r.index for g in groups if g.hold is None for r in g.removed}
        for index, version in named:
            entry = model.versions[index]
            what = f"name {quoted(entry['name'])} is the model file's name, not "
            if version is None:
                what += "a version (the file's name ends with no version tag such as _V7)"
            else:
                what += f"its version {cut(version)}"
            fix = "unsafe" if version is not None and index not in model.partial_entries else None
            if index in removed:
                fix = "safe"
            yield self.finding(what, join_pointer("versions", index, "name"), fix=fix)
