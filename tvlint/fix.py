"""Duplicate entries → a plan of edits → the new file text, checked before it is used.

Only the removed entries' text goes: each one's span with the separator that joins it
to its neighbour. A member a kept entry gains (a protected member that only a removed
entry held; with ``--unsafe-fixes``, what a merge of one run recorded twice copies) is
added as its last member, written like that entry's other members and with the source
entry's own text of the value; a value an unsafe fix changes (``status``, ``name``) is
replaced in place. Every other character stays as it was (indentation, key order,
number literals, non-ASCII text, CRLF, the final newline or its absence), and a BOM is
put back, because the new text is edited from the old text rather than re-serialised.
A group held for a person is left as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass

from tvlint import TYPE_CHECKING
from tvlint.config import DEFAULT_PROTECT
from tvlint.document import (
    Document,
    InvalidJSON,
    Member,
    Spans,
    Text,
    members,
    parse_text,
    walk_text,
)
from tvlint.model import model_of
from tvlint.patch import Edit, edited_text, unified_diff
from tvlint.ranking import DuplicateGroup
from tvlint.result import FileFix, Mode, Outcome
from tvlint.rules.duplicates import DuplicateLoraUrl
from tvlint.rules.runs import DuplicateVersion, FileNameAsName
from tvlint.runs import RunGroup, made
from tvlint.versions import EntryVersions

if TYPE_CHECKING:
    from typing import Any

VERSIONS = "/versions"
# The rules whose fixes a plan makes, by what their fixes are.
SAFE = frozenset({DuplicateLoraUrl.code})
UNSAFE = frozenset({DuplicateVersion.code, FileNameAsName.code})


class SelfCheckFailed(Exception):
    """The new text does not parse to the old data minus exactly the removed entries,
    with exactly the planned members added and values replaced."""


@dataclass(frozen=True)
class EntryEdit:
    """What a plan changes in one entry it keeps: the members whose value it replaces
    (key, and the new value's text) and the members it adds after the last (key, and
    the entry whose member is copied)."""

    replaced: tuple[tuple[str, str], ...] = ()
    added: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class FixPlan:
    """What ``--fix`` would change in one document: made from its data, and then, with
    the data let go, applied to its text (``apply``) and checked.

    A plan holds no object of the data (its groups name model files and indices): the
    entries the reports show are read again from the text. One object of the data
    kept alive would keep the allocator from giving back the memory around it, and
    those of a few thousand entries are spread over all of it.
    """

    groups: tuple[DuplicateGroup, ...]  # one model file named more than once (TV004)
    runs: tuple[RunGroup, ...]  # one run recorded more than once, merged (TV008)
    renames: tuple[tuple[int, str], ...]  # (entry, its version): a name set (TV009)
    edits: tuple[Edit, ...]  # what goes and what is added, as edits of the old text
    spans: Spans  # the old text's versions elements
    removed: frozenset[int]
    changed: dict[int, EntryEdit]  # the kept entries whose text changes
    repeated_keys: int  # in the old text
    protect: tuple[str, ...]
    every_group: bool  # no model-file group is left as it is

    def apply(self, old: Text) -> Text:
        """The new text, checked; SelfCheckFailed if it is not what the plan means."""
        new_text = edited_text(old.text, self.edits)
        _self_check(self, old.text, new_text)
        return Text(new_text, old.has_bom)

    def document(self, new: Text) -> Document:
        """The new text, parsed, for the check of the fixed file."""
        new_document = parse_text(new.text, new.has_bom)
        if self.every_group:
            # Its entries are the old ones but those removed, and each group kept one:
            # no model file is named twice, so the search for duplicates is spared.
            model_of(new_document).known_duplicate_groups(self.protect, [])
        return new_document

    def diff(self, path: str, old: Text) -> str:
        """The unified diff of the old file to the new one."""
        bom = "\ufeff" if old.has_bom else ""
        shift = len(bom)
        return unified_diff(
            path, bom + old.text, [(a + shift, b + shift, new) for a, b, new in self.edits]
        )

    def outcome(
        self,
        path: str,
        old: Text,
        written: bool,
        backup: str | None = None,
        diff: str | None = None,
    ) -> FileFix:
        """What a run keeps of this plan once it is applied to ``old`` (or shown)."""
        named = {i for g in self.groups for i in (g.kept, *(r.index for r in g.removed))}
        named.update(i for g in self.runs for i in (g.kept, *(r.index for r in g.removed)))
        named.update(i for i, _ in self.renames)
        entries = {i: _entry(old.text, self.spans[i]) for i in sorted(named)}
        return FileFix(path, self.groups, entries, written, backup, diff, self.runs, self.renames)


def plan_fix(
    doc: Document, protect: Sequence[str] = DEFAULT_PROTECT, fixing: Set[str] = SAFE
) -> FixPlan | None:
    """The plan for ``doc`` of the fixes of the rules ``fixing`` (codes), or None when
    there is nothing they may fix."""
    model = model_of(doc)
    all_groups = model.duplicate_groups(protect)
    groups = tuple(g for g in all_groups if g.hold is None) if fixing >= SAFE else ()
    runs: tuple[RunGroup, ...] = ()
    if DuplicateVersion.code in fixing:
        runs = tuple(made(model.run_groups(protect), all_groups, fixing >= SAFE))
    removed = frozenset(
        [r.index for g in groups for r in g.removed] + [r.index for g in runs for r in g.removed]
    )
    renames: tuple[tuple[int, str], ...] = ()
    if FileNameAsName.code in fixing:
        renames = _renames(model.entry_versions, removed | model.partial_entries)
    if not (groups or runs or renames):
        return None
    changed = _entry_edits(groups, runs, renames, removed)
    spans = doc.element_spans(VERSIONS)
    edits = [(a, b, "") for a, b in removal_cuts(doc.text, spans, removed)]
    for index, change in changed.items():
        edits += _edits_of(doc.text, spans[index][0], spans, change)
    # By place only: members added to one entry go in the plan's order (a sort by the
    # whole edit would order them by their text).
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    return FixPlan(
        groups=groups,
        runs=runs,
        renames=renames,
        edits=tuple(edits),
        spans=spans,
        removed=removed,
        changed=changed,
        repeated_keys=len(doc.duplicate_keys),
        protect=tuple(protect),
        every_group=len(groups) == len(all_groups),
    )


def _renames(versions: EntryVersions, skipped: Set[int]) -> tuple[tuple[int, str], ...]:
    """(entry, its version) for each entry named by its model file whose version the
    file's name tells, but those ``skipped``."""
    return tuple(
        (index, version)
        for index, version in versions.by_file
        if index not in skipped and version is not None
    )


def _entry_edits(
    groups: Sequence[DuplicateGroup],
    runs: Sequence[RunGroup],
    renames: Sequence[tuple[int, str]],
    removed: Set[int],
) -> dict[int, EntryEdit]:
    """What changes in each kept entry, in the order the edits are written."""
    added: dict[int, list[tuple[str, int]]] = {}
    replaced: dict[int, list[tuple[str, str]]] = {}
    for group in groups:
        # A kept entry that a merge then removes hands its members on: the merge copies them.
        if group.carried and group.kept not in removed:
            added.setdefault(group.kept, []).extend(group.carried)
    for run in runs:
        if run.copied:
            added.setdefault(run.kept, []).extend(run.copied)
        if run.completes:
            replaced.setdefault(run.kept, []).append(("status", '"completed"'))
    for index, version in renames:
        replaced.setdefault(index, []).append(("name", json.dumps(version)))
    return {
        index: EntryEdit(tuple(replaced.get(index, ())), tuple(added.get(index, ())))
        for index in sorted({*added, *replaced})
    }


def _edits_of(text: str, start: int, spans: Spans, change: EntryEdit) -> list[Edit]:
    """The edits of the text that make ``change`` to the entry at ``start``: each
    replaced value, then each added member after the last, written as the entry's last
    member is written after the one before (or after the opening brace)."""
    replaced = dict(change.replaced)
    edits = [
        (m.value_start, m.value_end, replaced[m.key])
        for m in members(text, start)
        if m.key in replaced
    ]
    return edits + [_carry(text, start, spans, key, source) for key, source in change.added]


def _carry(text: str, start: int, spans: Spans, key: str, source: int) -> Edit:
    """The edit that adds ``key``, as entry ``source`` writes it, to the entry at
    ``start``: after its last value, separated and indented as its last member is from
    the one before (or from the opening brace)."""
    kept = members(text, start)
    separator, colon = member_layout(text, start, kept)
    member = _source_member(text, spans[source][0], key)
    name = text[member.key_start : member.key_end]
    value = text[member.value_start : member.value_end]
    end = kept[-1].value_end
    return (end, end, f"{separator}{name}{colon}{value}")


def member_layout(text: str, start: int, kept: list[Member]) -> tuple[str, str]:
    """How a member is written after the last of ``kept``, the members of the object at
    ``start``: the separator before it (as between the last two, or as after the
    opening brace) and its colon (as the last member's)."""
    last = kept[-1]
    if len(kept) > 1:
        separator = text[kept[-2].value_end : last.key_start]
    else:
        separator = "," + text[start + 1 : last.key_start]
    return separator, text[last.key_end : last.value_start]


def _source_member(text: str, source: int, key: str) -> Member:
    """The member ``key`` of the object at ``source`` that json keeps: the last."""
    return [m for m in members(text, source) if m.key == key][-1]


def removal_cuts(
    text: str, spans: Spans | Sequence[tuple[int, int]], removed: Set[int]
) -> list[tuple[int, int]]:
    """The character ranges to cut so that exactly the removed elements go.

    A kept element keeps the separator that follows it; the last kept one keeps what
    follows the whole array. So a run of removed elements goes with the separator
    after it (or, at the end, the separator before it), and its neighbours' lines stay
    intact. The work is in the removed elements only, not the whole array.
    """
    cuts = []
    last = len(spans) - 1
    indices = sorted(removed)
    for position, first in enumerate(indices):
        if position and indices[position - 1] == first - 1:
            continue  # inside a run, which its first element handles
        end = first
        while end + 1 in removed:
            end += 1
        if end < last:  # up to the next kept element
            cuts.append((spans[first][0], spans[end + 1][0]))
        elif first > 0:  # the run ends the array: from the end of the last kept one
            cuts.append((spans[first - 1][1], spans[end][1]))
        else:  # every element goes; a group always keeps one, so never from here
            cuts.append((spans[first][0], spans[end][1]))
    return cuts


def _entry(text: str, span: tuple[int, int]) -> Any:
    """The entry at ``span``, decoded again from the text (the text parsed already)."""
    start, end = span
    return json.loads(text[start:end])


_NOT_THE_PLAN = (
    "the fixed text would not equal the old data minus the duplicates, with the planned "
    "members added and values replaced"
)
_CHANGED = "the fixed text would change an entry it keeps beyond the plan"


def _self_check(plan: FixPlan, old_text: str, new_text: str) -> None:
    """SelfCheckFailed unless ``new_text`` is the old text with exactly the removed
    entries gone (each with its separator), and the planned members added and values
    replaced.

    The new text is parsed (without keeping its entries) and compared, piece by piece
    between the places that parse finds, with what the old text says it must be: the
    old text before the first entry and after the last, each kept entry's own text
    and the separator that followed it. An entry the plan changes must be its own
    text member by member, but for the values the plan replaces, which must be the
    plan's text, followed by the added members, each exactly the source entry's key
    and value text, in the plan's order. So the new text holds the old data with
    exactly the planned changes, each member written as it was (equal data alone
    would let ``1`` become ``1.0``), and no edit of the plan is taken on trust. The
    old data is not needed beside the new text.

    The text is checked rather than the bytes to be written: those are its UTF-8
    encoding, which gives back the same text (it is made of pieces of a text decoded
    from UTF-8, so it holds no lone surrogate).
    """
    try:
        new_spans, repeated_keys = walk_text(new_text)
    except InvalidJSON as exc:
        raise SelfCheckFailed(f"the fixed text would not parse: {exc.message}") from None
    old_spans = plan.spans
    kept = [i for i in range(len(old_spans)) if i not in plan.removed]
    last = len(kept) - 1
    if (
        len(new_spans) != len(kept)
        or new_text[: new_spans[0][0]] != old_text[: old_spans[0][0]]
        or new_text[new_spans[last][1] :] != old_text[old_spans[len(old_spans) - 1][1] :]
    ):
        raise SelfCheckFailed(_NOT_THE_PLAN)
    # Cutting whole entries can only drop repeated keys. More of them means an added key
    # the kept entry had already, whose value json would replace with the added one.
    if repeated_keys > plan.repeated_keys:
        raise SelfCheckFailed("the fixed text would have repeated keys the old text had not")
    for position, i in enumerate(kept):
        (start, end), (old_start, old_end) = new_spans[position], old_spans[i]
        change = plan.changed.get(i)
        if change is not None:
            _check_changed(old_text, new_text, old_spans, i, (start, end), change)
        elif new_text[start:end] != old_text[old_start:old_end]:
            raise SelfCheckFailed(_CHANGED)
        # What follows a kept entry is the separator that followed it (the next kept
        # entry's, or the removed one's that came next, which went with it).
        if position < last:
            following = old_spans[i + 1][0]
            if new_text[end : new_spans[position + 1][0]] != old_text[old_end:following]:
                raise SelfCheckFailed(_NOT_THE_PLAN)


def _check_changed(
    old_text: str,
    new_text: str,
    old_spans: Spans,
    kept: int,
    new_span: tuple[int, int],
    change: EntryEdit,
) -> None:
    """SelfCheckFailed unless the kept entry at ``new_span`` is old entry ``kept`` with
    the values ``change`` replaces as its texts say, and the members it adds after the
    last, each with the key and value text of the entry it comes from, laid out as the
    entry's last member."""
    old_span = old_spans[kept]
    # An object first: only then are its members there to read.
    if not new_text.startswith("{", new_span[0]):
        raise SelfCheckFailed(_CHANGED)
    old = members(old_text, old_span[0])
    new = members(new_text, new_span[0])
    keys = [m.key for m in new]
    expected = [m.key for m in old] + [key for key, _ in change.added]
    if keys != expected:
        reordered = sorted(keys) == sorted(expected)
        raise SelfCheckFailed(
            "the fixed text would reorder an entry's members" if reordered else _CHANGED
        )
    replaced = dict(change.replaced)
    if not replaced.keys() <= set(keys[: len(old)]):
        raise SelfCheckFailed(_NOT_THE_PLAN)
    # Each old member as it was, with what comes before it (a separator, its key, its
    # colon), its value the plan's where the plan replaces it.
    old_at, new_at = old_span[0], new_span[0]
    for was, now in zip(old, new, strict=False):
        value = replaced.get(was.key)
        if value is None:
            value = old_text[was.value_start : was.value_end]
        if (
            new_text[new_at : now.value_start] != old_text[old_at : was.value_start]
            or new_text[now.value_start : now.value_end] != value
        ):
            raise SelfCheckFailed(_CHANGED)
        old_at, new_at = was.value_end, now.value_end
    if new_text[new[-1].value_end : new_span[1]] != old_text[old[-1].value_end : old_span[1]]:
        raise SelfCheckFailed(_CHANGED)
    separator, colon = member_layout(old_text, old_span[0], old)
    pairs = zip(new[len(old) - 1 : -1], new[len(old) :], change.added, strict=True)
    for before, member, (key, source) in pairs:
        written = _source_member(old_text, old_spans[source][0], key)
        if (
            new_text[before.value_end : member.key_start] != separator
            or new_text[member.key_start : member.key_end]
            != old_text[written.key_start : written.key_end]
            or new_text[member.key_end : member.value_start] != colon
            or new_text[member.value_start : member.value_end]
            != old_text[written.value_start : written.value_end]
        ):
            raise SelfCheckFailed(_CHANGED)


class Refused(Exception):
    """The fix may not go where it would; the message says why."""


def fix_document(
    path: str,
    load: Callable[[], Document | Outcome],
    check: Callable[[str, Document], Outcome],
    plan_for: Callable[[Document], FixPlan | None],
    mode: Mode,
    place: Callable[[], str],
    write: Callable[[Text, Text, str], str | None],
) -> Outcome:
    """The one fix pipeline, for a file and for standard input alike: load → plan →
    apply and self-check → write (or diff) → record, and the check of what remains.

    ``check`` is the linter's check of a document; ``plan_for`` the plan of the rules
    that fix. ``place`` says where the fixed text would go (asked only if there is a
    fix to make, before the fix is made), or raises Refused; ``write`` puts it there and
    gives the backup's path.
    A file with duplicates is checked only after the fix, as that is what is reported.

    The document is loaded here so that nothing else holds it: once the plan is made,
    its data is let go and only its text kept, to edit, compare and write; the fixed
    text is parsed once the old text is let go too. A large file's data or text is
    never held twice, and the peak is its check's.
    """
    from tvlint.safe_write import WriteFailed  # a --diff writes nothing

    doc = load()
    if isinstance(doc, Outcome):
        return doc  # not read, or not JSON: nothing to fix
    plan = plan_for(doc)
    if plan is None:
        return check(path, doc)
    try:
        target = place()
    except Refused as exc:
        return _with_error(check(path, doc), str(exc))
    old = Text(doc.text, doc.has_bom)
    del doc
    try:
        new = plan.apply(old)
    except SelfCheckFailed as exc:
        return _unfixed(check, path, old, f"not fixed: {exc}")
    if mode is Mode.DIFF:
        fix = plan.outcome(path, old, written=False, diff=plan.diff(path, old))
    else:
        try:
            backup = write(old, new, target)
        except WriteFailed as exc:
            del new  # the file as it is is checked: not beside its fixed text
            return _unfixed(check, path, old, f"not fixed: {exc.reason}")
        fix = plan.outcome(path, old, written=True, backup=backup)
    del old
    return Outcome(path, check(path, plan.document(new)).problems, fix=fix)


def _unfixed(
    check: Callable[[str, Document], Outcome], path: str, old: Text, error: str
) -> Outcome:
    """The outcome of a file left as it is: its text parsed again (its data was let go
    once the plan was made) and checked, with why it was not fixed."""
    return _with_error(check(path, parse_text(old.text, old.has_bom)), error)


def _with_error(outcome: Outcome, error: str) -> Outcome:
    return Outcome(outcome.path, outcome.problems, error)
