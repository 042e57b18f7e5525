"""A three-way merge of ``training_versions.json``, entry by entry, for git's merge driver.

Entries are matched across the common ancestor (base), ours and theirs by ``id`` (an
entry without a string ``id`` by its whole value). Each entry, and each other top-level
key, takes the change of the side that changed it; both sides changing it alike is one
change, differently a conflict. Entries a side added keep their place relative to the
shared entries (where both sides added at one place, ours' come first). The merged text
is ours' text, edited: ours' bytes stay for every entry and separator it had, and an
entry from theirs is written in ours' style. Then the merged file goes through what
``--fix`` does by default (one entry per model file, the best, protected keys carried),
and a result with a problem neither side had is a conflict: a clean result passes
tvlint whenever both sides did.

Nothing here touches a file or runs git: ``tvlint.merge_driver`` does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from tvlint import TYPE_CHECKING
from tvlint.config import DEFAULT_PROTECT
from tvlint.document import Document, InvalidJSON, Member, Text, members, parse, parse_text
from tvlint.fix import SelfCheckFailed, member_layout, plan_fix, removal_cuts
from tvlint.model import model_of
from tvlint.patch import apply_edits
from tvlint.ranking import canonical
from tvlint.untrusted import cut, quoted

if TYPE_CHECKING:
    from typing import Any

    from tvlint.lint import Linter
    from tvlint.patch import Edit


class Conflict(Exception):
    """The merge needs a person; the message says why, in one line."""


@dataclass(frozen=True)
class Side:
    """One of the three versions: its document, its entries by key in order, and where
    each entry's text is."""

    doc: Document
    keys: list[Any]  # each entry's key, in the file's order
    values: dict[Any, Any]  # key → entry
    spans: dict[Any, tuple[int, int]]  # key → the entry's text


def merge(base: bytes, ours: bytes, theirs: bytes, linter: Linter | None = None) -> bytes:
    """The merged file (ours' bytes, edited), or Conflict saying why a person must decide."""
    sides = [_side(name, raw) for name, raw in (("base", base), ("ours", ours), ("theirs", theirs))]
    b, o, t = sides
    kept, taken = _merge_entries(b, o, t)
    sequence = _order(b, o, t, kept)
    edits = [_versions_edit(o, t, sequence, taken)]
    edits += _top_level_edits(b, o, t)
    edits.sort(key=lambda edit: (edit[0], edit[1]))
    merged_text = apply_edits(o.doc.text, edits)
    try:
        merged = parse_text(merged_text, o.doc.has_bom)
    except InvalidJSON as exc:  # a bug of the edits, never the sides': they parsed
        raise Conflict(f"the merged text would not parse: {exc.message}") from None
    final = _fixed(merged, linter, sides, sequence)
    if linter is not None:
        _no_new_problem(linter, final, o.doc, t.doc)
    return final.raw


def _side(name: str, raw: bytes) -> Side:
    if name == "base" and not raw.strip():
        raw = b'{"versions": []}'  # both sides created the file: no common ancestor
    try:
        doc = parse(raw)
    except InvalidJSON as exc:
        raise Conflict(f"{name} is not valid JSON: {exc.message} at line {exc.line}") from None
    if doc.duplicate_keys:
        raise Conflict(f"{name} repeats a key in an object")
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get("versions"), list):
        raise Conflict(f"{name} has no versions array")
    entries = data["versions"]
    spans = doc.element_spans("/versions")
    keys: list[Any] = []
    values: dict[Any, Any] = {}
    where: dict[Any, tuple[int, int]] = {}
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        entry_id = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(entry_id, str):
            key: Any = ("id", entry_id)
            if key in values:
                raise Conflict(f"{name} has two entries with the id {quoted(entry_id)}")
        else:  # matched by its whole value: the n-th entry of that value
            whole = canonical(entry)
            seen[whole] = seen.get(whole, 0) + 1
            key = ("value", whole, seen[whole])
        keys.append(key)
        values[key] = entry
        where[key] = (spans[index][0], spans[index][1])
    return Side(doc, keys, values, where)


_MISSING = object()


def _merged_value(key: str, b: Any, o: Any, t: Any) -> tuple[Any, str]:
    """The merged value of one entry or key (``_MISSING`` where it goes), and the side
    whose text it is ("ours" or "theirs"); Conflict where the sides changed it apart."""

    def same(x: Any, y: Any) -> bool:
        if x is _MISSING or y is _MISSING:
            return x is y
        return canonical(x) == canonical(y)

    if same(o, t) or same(b, t):
        return o, "ours"
    if same(b, o):
        return t, "theirs"
    if b is _MISSING:
        raise Conflict(f"{key} was added on both sides with different contents")
    if o is _MISSING or t is _MISSING:
        raise Conflict(f"{key} was removed on one side and changed on the other")
    raise Conflict(f"{key} was changed on both sides, differently")


def _describe(key: Any) -> str:
    if key[0] == "id":
        return f"the entry {quoted(key[1])}"
    return "an entry without an id"


def _merge_entries(b: Side, o: Side, t: Side) -> tuple[set[Any], dict[Any, str]]:
    """The keys of the entries the merge keeps, and the side whose text each takes."""
    # An entry without an id is known only by its value: a change is its removal and
    # another's addition. Where both sides removed one and did not add alike, a person
    # decides (one removed it, the other changed it; or both changed it apart).
    base, ours, theirs = ({key for key in side.keys if key[0] == "value"} for side in (b, o, t))
    if (base - ours) & (base - theirs) and ours - base != theirs - base:
        raise Conflict("an entry without an id was changed on both sides, differently")
    kept: set[Any] = set()
    taken: dict[Any, str] = {}
    for key in dict.fromkeys([*b.keys, *o.keys, *t.keys]):
        value, side = _merged_value(
            _describe(key),
            b.values.get(key, _MISSING),
            o.values.get(key, _MISSING),
            t.values.get(key, _MISSING),
        )
        if value is not _MISSING:
            kept.add(key)
            taken[key] = side if key in o.values else "theirs"
    return kept, taken


def _order(b: Side, o: Side, t: Side, kept: set[Any]) -> list[Any]:
    """The kept entries in ours' order, each of theirs' additions after the nearest
    shared entry before it in theirs (and after ours' own additions there)."""
    ours = [key for key in o.keys if key in kept]
    shared = {key for key in ours if key in b.values and key in t.values}
    after: dict[Any, list[Any]] = {}
    anchor = None
    for key in t.keys:
        if key in shared:
            anchor = key
        elif key in kept and key not in o.values:
            after.setdefault(anchor, []).append(key)
    order: list[Any] = []
    pending = after.pop(None, [])  # theirs' additions before any shared entry
    for key in ours:
        if key in shared:
            order += pending
            pending = after.pop(key, [])
        order.append(key)
    return order + pending


@dataclass(frozen=True)
class _Style:
    """How a file writes its entries: the indent before each, one level of indent
    inside one, and its line ending."""

    indent: str
    unit: str | None  # None: an entry on one line
    newline: str
    ascii_only: bool  # non-ASCII text written as \u escapes


def _style(side: Side) -> _Style | None:
    text = side.doc.text
    newline = _newline(text)
    if not side.keys:
        return None
    start = side.spans[side.keys[0]][0]
    line_start = text.rfind("\n", 0, start) + 1
    indent = text[line_start:start]
    if indent.strip():
        indent = ""
    inner = members(text, start) if text.startswith("{", start) else []
    unit: str | None = None
    if inner:
        first = inner[0].key_start
        first_line = text.rfind("\n", 0, first) + 1
        if first_line > start:
            unit = text[first_line:first][len(indent) :]
    return _Style(indent, unit, newline, text.isascii() and "\\u" in text)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _restyled(t: Side, key: Any, style: _Style | None, theirs: _Style | None) -> str:
    """Theirs' entry, written as ours writes its entries (``style``): theirs' own text
    where theirs' style agrees, else written anew in ours' style."""
    start, end = t.spans[key]
    if style is None or style == theirs:
        return t.doc.text[start:end]
    value = t.values[key]
    if style.unit is None:
        return json.dumps(value, ensure_ascii=style.ascii_only)
    written = json.dumps(value, indent=style.unit, ensure_ascii=style.ascii_only)
    return written.replace("\n", style.newline + style.indent)


def _versions_edit(o: Side, t: Side, sequence: list[Any], taken: dict[Any, str]) -> Edit:
    """The edit of ours' text that makes its versions array the merged one: ours' text for
    each entry it keeps as it is, with the separator it had where two of its entries stay
    neighbours; theirs' entries in ours' style."""
    text = o.doc.text
    theirs = _style(t)  # once: it reads the whole text
    style = _style(o) or theirs
    array = o.doc.locate("/versions")
    close = _array_end(text, o)
    if not sequence:
        return (array, close, "[]")
    parts: list[str] = []
    previous = None
    separator = _separator(text, o, style)
    position = {key: i for i, key in enumerate(o.keys)}
    for key in sequence:
        if previous is not None:
            between = None
            if key in position and previous in position and position[key] == position[previous] + 1:
                between = text[o.spans[previous][1] : o.spans[key][0]]
            parts.append(between if between is not None else separator)
        if taken[key] == "ours":
            start, end = o.spans[key]
            parts.append(text[start:end])
        else:
            parts.append(_restyled(t, key, style, theirs))
        previous = key
    if o.keys:
        first, last = o.spans[o.keys[0]][0], o.spans[o.keys[-1]][1]
        return (first, last, "".join(parts))
    # Ours had no entry: they go on lines of their own, one level inside the line that
    # holds the array.
    newline = _newline(text)
    line_start = text.rfind("\n", 0, array) + 1
    line = text[line_start:array]
    closing = line[: len(line) - len(line.lstrip(" \t"))]
    indent = style.indent if style and style.indent else closing + "  "
    body = newline + indent + "".join(parts) + newline + closing
    return (array, close, "[" + body + "]")


def _array_end(text: str, o: Side) -> int:
    """Where ours' versions array ends (after its ``]``)."""
    at = o.spans[o.keys[-1]][1] if o.keys else o.doc.locate("/versions") + 1
    return text.index("]", at) + 1


def _separator(text: str, o: Side, style: _Style | None) -> str:
    """What ours writes between two entries (for a new neighbour)."""
    if len(o.keys) > 1:
        return text[o.spans[o.keys[0]][1] : o.spans[o.keys[1]][0]]
    if style is None:
        return ", "
    return "," + (style.newline + style.indent if style.unit is not None else " ")


def _top_level_edits(b: Side, o: Side, t: Side) -> list[Edit]:
    """The edits of ours' top-level members other than versions: theirs' change of a key
    ours left as it was (its value's text replaced, or the member added or removed)."""
    root = (b.doc.data, o.doc.data, t.doc.data)
    text = o.doc.text
    root_start = o.doc.locate("")
    ours = members(text, root_start)
    at = {m.key: i for i, m in enumerate(ours)}
    edits: list[Edit] = []
    removed: set[int] = set()
    added: list[tuple[str, str]] = []  # theirs' key and value texts
    theirs: dict[str, Member] | None = None
    for name in dict.fromkeys([*root[0], *root[1], *root[2]]):
        if name == "versions":
            continue
        value, side = _merged_value(
            f"the top-level key {quoted(name)}", *(d.get(name, _MISSING) for d in root)
        )
        if side == "ours":
            continue
        if value is _MISSING:
            removed.add(at[name])
            continue
        if theirs is None:  # walked once: each walk decodes the whole of versions
            theirs = {m.key: m for m in members(t.doc.text, t.doc.locate(""))}
        member = theirs[name]
        written = t.doc.text[member.value_start : member.value_end]
        if name in at:
            edits.append((ours[at[name]].value_start, ours[at[name]].value_end, written))
        else:  # theirs' own spelling of the key
            added.append((t.doc.text[member.key_start : member.key_end], written))
    # Members go as entries do: each with the separator after it, or, at the end, before it.
    spans = [(m.key_start, m.value_end) for m in ours]
    edits += [(start, end, "") for start, end in removal_cuts(text, spans, removed)]
    if added:  # after the last member that stays, laid out as it is
        stays = [m for i, m in enumerate(ours) if i not in removed]
        separator, colon = member_layout(text, root_start, stays)
        end = stays[-1].value_end
        edits += [(end, end, f"{separator}{key}{colon}{value}") for key, value in added]
    return edits


def _fixed(
    merged: Document, linter: Linter | None, sides: Sequence[Side], sequence: Sequence[Any]
) -> Text:
    """The merged text after what ``--fix`` does by default; Conflict where a group of
    one model file must be left to a person (also one both sides had: a clean result
    names each model file once), or where the fix would remove an entry a side changed."""
    base = sides[0]
    protect = linter.protect if linter is not None else DEFAULT_PROTECT
    for group in model_of(merged).duplicate_groups(protect):
        if group.hold is not None:
            what = group.hold.key or "a repeated key"
            raise Conflict(
                f"the merged entries name the model file {cut(group.model_file)} more than "
                f"once, with conflicting {what}"
            )
    plan = plan_fix(merged, protect)
    text = Text(merged.text, merged.has_bom)
    if plan is None:
        return text
    now = model_of(merged).versions
    for index in sorted(plan.removed):
        key = sequence[index]
        was = base.values.get(key, _MISSING)
        if was is not _MISSING and canonical(was) != canonical(now[index]):
            raise Conflict(
                f"{_describe(key)}, changed on one side, would be removed as a duplicate of "
                "an entry the other side added"
            )
    try:
        return plan.apply(text)
    except SelfCheckFailed as exc:
        raise Conflict(f"the merged file's fix failed its self-check: {exc}") from None


def _no_new_problem(linter: Linter, final: Text, *sides: Document) -> None:
    """Conflict where the merged file has a problem of a rule that neither side has."""
    merged = linter.lint_document("merged", parse_text(final.text, final.has_bom))
    had = {p.code for side in sides for p in linter.lint_document("side", side).problems or ()}
    new = sorted({p.code for p in merged.problems or ()} - had)
    if new:
        raise Conflict(f"the merged file would have a problem neither side has ({', '.join(new)})")


__all__ = ["Conflict", "merge"]
