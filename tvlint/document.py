"""A parsed file: its text, its data, and source positions computed on demand.

Parsing is ``json``'s C decoder, called once for each member of the root object and
once for each entry of ``versions``: it decodes one value from an index and says where
the value ends, so the entries' spans (which locating problems and ``--fix`` need) come
with the parse, at C speed. Other positions are found afterwards, and only for what is
reported, by walking the text the same way: skipping a sibling costs C speed and no
pure-Python tokenizer is needed. The walk is ``json_spans``, the repeated keys'
search ``json_keys``, and where and why a text is not JSON ``json_errors``.
"""

from __future__ import annotations

import bisect
import gc
import json
import sys
from collections.abc import Iterator
from functools import cached_property

from tvlint import TYPE_CHECKING
from tvlint.json_errors import (
    _CONSTANT,
    _byte_position,
    _check_nesting,
    _first_outside_strings,
    _invalid_at,
    _long_number_offset,
    _LongNumber,
    _nesting_past,
    _too_deep,
    _TooDeep,
    _trailing_comma,
)
from tvlint.json_errors import MAX_NESTING as MAX_NESTING
from tvlint.json_errors import InvalidJSON as InvalidJSON
from tvlint.json_errors import scanstring as scanstring
from tvlint.json_keys import _repeated_keys
from tvlint.json_spans import Member as Member
from tvlint.json_spans import Spans as Spans
from tvlint.json_spans import (
    _array_with_spans,
    _colon,
    _decode_with_spans,
    _members,
    _NonFiniteNumber,
    _NotWalkable,
    _reject_constant,
    _skip,
    _skip_ws,
)
from tvlint.json_spans import join_pointer as join_pointer
from tvlint.json_spans import members as members
from tvlint.json_spans import split_pointer as split_pointer

if TYPE_CHECKING:
    from typing import Any


UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_BLOCK = 1 << 20  # characters encoded at a time by ``Document.blocks``


class Text:
    """A file's decoded text (without a byte-order mark) and whether it had one.

    What ``--fix`` needs of a file once its plan is made: the text, to edit and to
    compare with the file on disk, but not the data, which a large file's text and
    fixed text beside it would hold twice over.
    """

    def __init__(self, text: str, has_bom: bool) -> None:
        self.text = text
        self.has_bom = has_bom

    @property
    def raw(self) -> bytes:
        """The file's bytes, made again from the text (UTF-8 decoding round-trips).

        Not kept: a large file's bytes beside its text (and its data, once parsed) would
        add its whole size to the peak memory of every run.
        """
        return (UTF8_BOM if self.has_bom else b"") + self.text.encode("utf-8")

    def blocks(self, size: int = _BLOCK) -> Iterator[bytes]:
        """``raw``, ``size`` characters at a time: writing or comparing a large file
        need not hold all its bytes beside its text. (A text decoded from UTF-8 has no
        lone surrogate, so any of its slices encodes.)"""
        if self.has_bom:
            yield UTF8_BOM
        text = self.text
        for start in range(0, len(text), size):
            yield text[start : start + size].encode("utf-8")


class Document(Text):
    """A file that parsed as JSON, and what the rules and ``--fix`` share about it.

    ``text`` is the decoded text without a byte-order mark; every offset is an index
    into it. ``duplicate_keys`` lists, for each key that appears again in its object,
    the JSON pointer of the member and the offset of the repeated key. It knows JSON
    only: ``model`` is where the layer above keeps what it works out of the data
    (``tvlint.model``). Positions and spans are found on demand and remembered (the
    caches below), so a document is not immutable; the text and data never change. A
    pointer in ``duplicate_keys`` is as a report shows it: longer than
    ``VALUE_LIMIT``, each of its tokens is cut.
    """

    def __init__(
        self,
        text: str,
        data: Any,
        has_bom: bool,
        duplicate_keys: tuple[tuple[str, int], ...],
        last_keys: dict[int, dict[str, int]] | None = None,
    ) -> None:
        super().__init__(text, has_bom)
        self.data = data
        self.duplicate_keys = duplicate_keys
        # For each object that repeats a key: where each repeated key last appears.
        # None when not known, and then a lookup in an object walks all its members.
        self._last_keys = last_keys if last_keys is not None or duplicate_keys else {}
        self.model: Any = None  # the training-versions model, made on first use
        # The rules (the objects of the linter that ran them) that found nothing in the
        # data before the document had its text (the compiled parser's pass,
        # ``tvlint.lint``): not run again by that linter, and by no other skipped.
        self.found_clean: frozenset[object] = frozenset()

    @cached_property
    def _marks(self) -> tuple[list[int], list[int], list[int]]:
        # Offsets whose line (and its start) is known, in order: a lookup counts newlines
        # from the nearest of them, so lookups in any order cost about one pass over the
        # text in all, even in a file that is a single line.
        return [0], [1], [0]

    @property
    def size(self) -> int:
        """The text's length: what a verdict's cost grows with."""
        return len(self.text)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        text = self.text
        offsets, lines, starts = self._marks
        i = bisect.bisect_right(offsets, offset) - 1  # the nearest mark before
        after = i + 1 < len(offsets) and offsets[i + 1] - offset < offset - offsets[i]
        if after:  # the nearest mark is the one after: count back from it
            newlines = text.count("\n", offset, offsets[i + 1])
            line = lines[i + 1] - newlines
        else:
            newlines = text.count("\n", offsets[i], offset)
            line = lines[i] + newlines
        if after and not newlines:
            start = starts[i + 1]
        else:
            found = text.rfind("\n", offsets[i], offset)
            start = starts[i] if found == -1 else found + 1
        if offsets[i] != offset:
            offsets.insert(i + 1, offset)
            lines.insert(i + 1, line)
            starts.insert(i + 1, start)
        return line, offset - start + 1

    def locate(self, pointer: str) -> int:
        """Offset of the value at ``pointer``; of its deepest existing parent otherwise.

        Where an object repeats a key, the last occurrence is the one ``json`` keeps,
        so it is the one located.
        """
        pos = _skip_ws(self.text, 0)
        for token in split_pointer(pointer):
            found = self._child(pos, token)
            if found is None:
                break
            pos = found
        return pos

    def members(self, start: int) -> list[Member]:
        """The members of the object that starts at offset ``start``, in text order."""
        return members(self.text, start)

    def element_spans(self, pointer: str) -> Spans:
        """(start, end) offsets of each element of the array at ``pointer``."""
        return self._spans_at(self.locate(pointer))

    @cached_property
    def _spans_cache(self) -> dict[int, Spans]:
        return {}

    def _spans_at(self, pos: int) -> Spans:
        # An array's element spans, cached: locating many problems in one array walks
        # it once.
        spans = self._spans_cache.get(pos)
        if spans is None:
            spans = Spans()
            if self.text.startswith("[", pos):
                spans = _array_with_spans(_skip, self.text, pos, keep=False)[2]
            self._spans_cache[pos] = spans
        return spans

    @cached_property
    def _members_seen(self) -> dict[int, tuple[dict[str, int], Iterator[tuple[str, int, int]]]]:
        # For each object looked into: the members walked so far (key → value start)
        # and the walk, to go on from there. Locating every problem in an object with
        # many members would otherwise walk it again from its start for each.
        return {}

    def _child(self, pos: int, token: str) -> int | None:
        text = self.text
        if not text.startswith("{", pos):
            spans = self._spans_at(pos)
            if token.isdigit() and int(token) < len(spans):
                return spans[int(token)][0]
            return None
        last_keys = self._last_keys
        if last_keys is not None:
            repeated = last_keys.get(pos)
            if repeated is not None and token in repeated:
                # The last occurrence counts, as for json; found without walking.
                _, after_key = scanstring(text, repeated[token] + 1)
                return _colon()(text, after_key).end()  # type: ignore[union-attr]
        seen, walk = self._members_seen.setdefault(pos, ({}, _members(text, pos)))
        # Values are decoded only to step over them, and the walk stops at the key: it
        # appears once in this object (where repeats are not known, at its last one).
        whole = last_keys is None
        if token in seen and not whole:
            return seen[token]
        for key, _, start in walk:
            seen[key] = start
            if key == token and not whole:
                break
        return seen.get(token)


class NeedsText(Exception):
    """A place was asked of a document parsed without its text (``Unplaced``)."""


class Unplaced(Document):
    """A document whose data came from the compiled parser (``tvlint.compiled_json``),
    with no text: enough to find that a file has no problem, never to place one.

    Asking where anything is raises NeedsText; the file then takes the walking parse.
    It has no repeated key: the compiled parser refuses those.
    """

    def __init__(self, data: Any, size: int) -> None:
        super().__init__("", data, False, ())
        self._size = size

    @property
    def size(self) -> int:
        return self._size

    def position(self, offset: int) -> tuple[int, int]:
        raise NeedsText

    def locate(self, pointer: str) -> int:
        raise NeedsText

    def members(self, start: int) -> list[Member]:
        raise NeedsText

    def element_spans(self, pointer: str) -> Spans:
        raise NeedsText


def parse(raw: bytes, spans: bool = True) -> Document:
    """Decode and parse ``raw`` as strict UTF-8 JSON (RFC 8259), or raise InvalidJSON."""
    text, has_bom = decode(raw)
    return parse_text(text, has_bom, spans)


def decode(raw: bytes) -> tuple[str, bool]:
    """The text of ``raw`` (UTF-8, an optional BOM dropped) and whether it had a BOM."""
    has_bom = raw.startswith(UTF8_BOM)
    if raw.startswith(_UTF16_BOMS):
        raise InvalidJSON(
            "file is UTF-16 (it starts with a UTF-16 byte-order mark); JSON must be UTF-8", 1, 1
        )
    try:
        return (raw[len(UTF8_BOM) :].decode("utf-8") if has_bom else raw.decode("utf-8")), has_bom
    except UnicodeDecodeError as exc:
        start = exc.start + (len(UTF8_BOM) if has_bom else 0)
        line, column = _byte_position(raw, start, skip=len(UTF8_BOM) if has_bom else 0)
        raise InvalidJSON(
            f"invalid UTF-8: byte 0x{raw[start]:02x} ({exc.reason})", line, column
        ) from None


def parse_text(text: str, has_bom: bool = False, spans: bool = True) -> Document:
    """Parse decoded text with ``json``: exact errors with positions, repeated keys found.

    With ``spans``, the entries of ``versions`` are decoded one by one, which gives
    their spans with the parse; without, the text is decoded in one call (a little
    faster) and spans are found if and when something asks for them.

    The cyclic garbage collector is paused meanwhile: parsing makes only acyclic
    containers, and on a large file the collections it would trigger are wasted work.
    """
    return _parse_text(text, has_bom, spans, keep_entries=True)


def walk_text(text: str) -> tuple[Spans, int]:
    """The element spans of the root's ``versions`` and how many keys repeat in ``text``,
    from a parse that keeps no entry of ``versions`` (InvalidJSON as ``parse_text``).

    What ``--fix``'s self-check needs of the fixed text: a parse that kept its data
    would hold it beside the file's text and the fixed text. (The root's other members
    are kept, and a text that is not an object of members is decoded whole: neither is
    the shape of a file whose duplicates can be fixed.)
    """
    walked = _parse_text(text, False, True, keep_entries=False)
    return walked.element_spans("/versions"), len(walked.duplicate_keys)


# Keys of larger texts are interned: the decoder shares equal keys only within one
# call, and each entry of ``versions`` is decoded by its own call (for its span), so a
# large file's entries would each hold their own copies of every key. For a small file
# the copies cost less than interning; nor are
# they interned in a walk that keeps no entry.
INTERN_KEYS_ABOVE = 1 << 20


def _parse_text(text: str, has_bom: bool, spans_now: bool, keep_entries: bool) -> Document:
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_paused(text, has_bom, spans_now, keep_entries)
    finally:
        if collecting:
            gc.enable()


def _parse_paused(text: str, has_bom: bool, spans_now: bool, keep_entries: bool) -> Document:
    repeated = False
    intern = sys.intern
    share_keys = spans_now and keep_entries and len(text) > INTERN_KEYS_ABOVE

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = {intern(key): value for key, value in pairs} if share_keys else dict(pairs)
        if len(obj) != len(pairs):
            repeated = True
        return obj

    decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    spans: dict[int, Spans] = {}
    try:
        if not spans_now:
            data = _decode_whole(decoder, text)
        else:
            try:
                data, spans = _decode_with_spans(decoder, pairs_hook, text, keep_entries)
            except (json.JSONDecodeError, _NotWalkable):
                # The canonical error (message and position) is json's own.
                repeated = False
                data = _decode_whole(decoder, text)
    except json.JSONDecodeError as exc:
        raise _invalid_at(text, *_trailing_comma(text, exc.pos, exc.msg)) from None
    except _NonFiniteNumber as exc:
        offset = _first_outside_strings(_CONSTANT, text)
        raise _invalid_at(text, offset, f"{exc} is not a JSON number") from None
    except RecursionError:
        raise _too_deep(text, _nesting_past(text, 0, len(text), MAX_NESTING) or 0) from None
    except _TooDeep as exc:
        raise _too_deep(text, exc.offset) from None
    except ValueError as exc:
        # Integers longer than the interpreter's digit limit end up here.
        start = exc.start if isinstance(exc, _LongNumber) else 0
        offset = _long_number_offset(text, start)
        raise _invalid_at(text, offset, _first_line(str(exc))) from None
    duplicates: tuple[tuple[str, int], ...] = ()
    last_keys: dict[int, dict[str, int]] = {}
    if repeated:
        found, last_keys = _repeated_keys(text)
        duplicates = tuple(found)
    doc = Document(text, data, has_bom, duplicates, last_keys)
    doc._spans_cache.update(spans)
    return doc


def _decode_whole(decoder: json.JSONDecoder, text: str) -> Any:
    """``decoder.decode(text)``, refused past MAX_NESTING as the walk refuses it."""
    data = decoder.decode(text)
    _check_nesting(text, [(0, len(text))], MAX_NESTING)
    return data


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0].split("; use sys.", 1)[0]
