"""A parsed file: its text, its data, and source positions computed on demand.

Parsing is ``json``'s C decoder, called once for each member of the root object and
once for each entry of ``versions``: it decodes one value from an index and says where
the value ends, so the entries' spans (which locating problems and ``--fix`` need) come
with the parse, at C speed. Other positions are found afterwards, and only for what is
reported, by walking the text the same way: skipping a sibling costs C speed and no
pure-Python tokenizer is needed.
"""

from __future__ import annotations

import bisect
import gc
import json
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator
from functools import cache, cached_property

from tvlint import TYPE_CHECKING
from tvlint.untrusted import VALUE_LIMIT as _POINTER_SHOWN
from tvlint.untrusted import cut as _cut

if TYPE_CHECKING:
    from typing import Any


UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_WHITESPACE = r"[ \t\n\r]*"
_WHITESPACE_CHARS = frozenset(" \t\n\r")
# Tokens looked for outside strings (see _outside_strings).
_BRACKET = r"[\[\]{}]"
_CONSTANT = r"-?Infinity|NaN"
_SKIPPER = json.JSONDecoder()
# Data nested deeper is refused as invalid JSON. What reads it after the parse (the
# schema check, the ranking, the reports, --fix's self-check) recurses a level at a
# time, from deeper in the stack than the parse; and json's own limit is the
# interpreter's (about 1,000 levels on Python 3.10 and 3.11, 1,500 on 3.12, 10,000 on
# 3.13), so without one of our own a file could pass on one Python and crash another.
MAX_NESTING = 512
_BLOCK = 1 << 20  # characters encoded at a time by ``Document.blocks``


class InvalidJSON(Exception):
    """The file is not strict JSON (RFC 8259); carries where the parser stopped."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class Member:
    """Where one member of an object is in the text: ``text[key_start:key_end]`` is
    its key (quotes included), ``text[value_start:value_end]`` its value."""

    __slots__ = ("key", "key_end", "key_start", "value_end", "value_start")

    def __init__(
        self, key: str, key_start: int, key_end: int, value_start: int, value_end: int
    ) -> None:
        self.key = key
        self.key_start, self.key_end = key_start, key_end
        self.value_start, self.value_end = value_start, value_end


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFiniteNumber(name)


class Spans:
    """The (start, end) offsets of an array's elements, in order.

    Held as two arrays of machine integers, 16 bytes an element: a list of tuples
    costs 120 (the tuple and two integer objects), 7 MB for a file of 60,000 entries,
    and a run with ``--fix`` holds the spans of the file and of its fixed text.
    """

    __slots__ = ("ends", "starts")

    def __init__(self) -> None:
        self.starts = array("q")
        self.ends = array("q")

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, index: int) -> tuple[int, int]:
        return self.starts[index], self.ends[index]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans | list):
            return list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Spans({list(self)!r})"


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

    @cached_property
    def _marks(self) -> tuple[list[int], list[int], list[int]]:
        # Offsets whose line (and its start) is known, in order: a lookup counts newlines
        # from the nearest of them, so lookups in any order cost about one pass over the
        # text in all, even in a file that is a single line.
        return [0], [1], [0]

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
# large file's entries would each hold their own copies of every key (about 80 MB more
# for a 50 MB file). For a small file the copies cost less than interning; nor are
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


class _NotWalkable(Exception):
    """The text is not an object the walk below understands; json.decode decides."""


class _LongNumber(ValueError):
    """int() refused a number of the value that starts at ``start`` (its message)."""

    def __init__(self, message: str, start: int) -> None:
        super().__init__(message)
        self.start = start


def _refused_number(exc: ValueError, start: int) -> ValueError:
    # json's own errors (and a refused constant) are subclasses; int()'s is not.
    return _LongNumber(str(exc), start) if type(exc) is ValueError else exc


class _TooDeep(Exception):
    """Data nested deeper than MAX_NESTING; ``offset`` is the first bracket past it."""

    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def _too_deep(text: str, offset: int) -> InvalidJSON:
    return _invalid_at(text, offset, f"nesting too deep to parse: more than {MAX_NESTING} levels")


def _check_nesting(text: str, spans: Iterable[tuple[int, int]], limit: int) -> None:
    """_TooDeep if a value at one of ``spans`` nests more than ``limit`` levels deep.

    Each level takes two brackets, so a value of at most twice ``limit`` characters
    need not be looked into: in a large file, none of its entries is.
    """
    longest = 2 * limit
    for start, end in spans:
        if end - start > longest:
            past = _nesting_past(text, start, end, limit)
            if past is not None:
                raise _TooDeep(past)


def _nesting_past(text: str, start: int, end: int, limit: int) -> int | None:
    """The offset of the first bracket nested more than ``limit`` deep in the JSON
    value text[start:end], or None if none is."""
    # Counted with the brackets in strings, which only count too many: most values
    # with enough characters still have too few brackets to walk.
    if text.count("[", start, end) + text.count("{", start, end) <= limit:
        return None
    depth = 0
    for match in _outside_strings(text, _BRACKET, start, end):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        else:
            depth -= 1
    return None


def _outside_strings(text: str, tokens: str, start: int, end: int) -> Iterator[re.Match[str]]:
    """Each match of the pattern ``tokens`` in text[start:end] outside JSON strings.

    A string is stepped over by json's C string scanner. A regex for a whole string
    keeps backtracking state for each escape in it: about 120 bytes an escape, gigabytes
    for a hostile file's string of millions of them.
    """
    find = _token_or_quote(tokens)
    pos = start
    while (match := find(text, pos, end)) is not None:
        if match.group() != '"':
            yield match
            pos = match.end()
            continue
        try:
            _, pos = scanstring(text, match.end())
        except ValueError:  # an unterminated string: nothing after it is JSON
            return


@cache
def _token_or_quote(tokens: str) -> Callable[[str, int, int], re.Match[str] | None]:
    return re.compile(f'"|{tokens}').search


def _decode_with_spans(
    decoder: json.JSONDecoder,
    pairs_hook: Callable[[list[tuple[str, Any]]], Any],
    text: str,
    keep_entries: bool = True,
) -> tuple[Any, dict[int, Spans]]:
    """``decoder.decode(text)``, and the element spans of the root's ``versions`` array.

    The root object's members are walked here and each ``versions`` element decoded on
    its own with ``raw_decode``, which says where it ends: the spans that locating
    problems and ``--fix`` need come with the parse, at C speed.
    """
    raw_decode = decoder.raw_decode
    pos = _skip_ws(text, 0)
    if not text.startswith("{", pos):
        raise _NotWalkable
    pairs: list[tuple[str, Any]] = []
    spans_at: dict[int, Spans] = {}
    # Each value's nesting, checked once the whole text has parsed, so that a syntax
    # error is reported first, as when the text is decoded in one call.
    nesting: list[tuple[Iterable[tuple[int, int]], int]] = []
    pos = _skip_ws(text, pos + 1)
    closed = text.startswith("}", pos)
    while not closed:
        if not text.startswith('"', pos):
            raise _NotWalkable
        key, pos = raw_decode(text, pos)
        pos = _skip_ws(text, pos)
        if not text.startswith(":", pos):
            raise _NotWalkable
        pos = _skip_ws(text, pos + 1)
        start = pos
        if key == "versions" and text.startswith("[", pos):
            value, pos, spans_at[start] = _array_with_spans(
                _scanner(decoder), text, pos, keep_entries
            )
            # The root is one level and the array another; its entries one at a time.
            nesting.append((spans_at[start], MAX_NESTING - 2))
        else:
            try:
                value, pos = raw_decode(text, pos)
            except ValueError as exc:
                raise _refused_number(exc, start) from None
            nesting.append(([(start, pos)], MAX_NESTING - 1))
        pairs.append((key, value))
        pos = _skip_ws(text, pos)
        closed = text.startswith("}", pos)
        if not closed:
            if not text.startswith(",", pos):
                raise _NotWalkable
            pos = _skip_ws(text, pos + 1)
    if _skip_ws(text, pos + 1) != len(text):
        raise _NotWalkable
    for spans, limit in nesting:
        _check_nesting(text, spans, limit)
    return pairs_hook(pairs), spans_at


def _array_with_spans(
    scan: Callable[[str, int], tuple[Any, int]], text: str, pos: int, keep: bool = True
) -> tuple[list[Any], int, Spans]:
    """The array at pos (each element None unless ``keep``), the offset after it, and
    its elements' spans."""
    items: list[Any] = []
    spans = Spans()
    starts, ends = spans.starts, spans.ends
    for value, start, end in _elements(text, pos, scan):
        items.append(value if keep else None)
        starts.append(start)
        ends.append(end)
    close = _skip_ws(text, ends[-1] if spans else pos + 1)
    return items, close + 1, spans


def split_pointer(pointer: str) -> list[str]:
    """RFC 6901 tokens of a JSON pointer ("" is the whole document)."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def join_pointer(*tokens: str | int) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def _skip_ws(text: str, pos: int) -> int:
    if text[pos : pos + 1] not in _WHITESPACE_CHARS:  # most often: nothing to skip
        return pos
    match = _whitespace().match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


@cache
def _whitespace() -> re.Pattern[str]:
    return re.compile(_WHITESPACE)


def members(text: str, start: int) -> list[Member]:
    """The members of the object at offset ``start`` of a valid JSON text, in order."""
    found = []
    for key, key_start, value_start in _members(text, start):
        _, value_end = _skip(text, value_start)
        _, key_end = scanstring(text, key_start + 1)
        found.append(Member(key, key_start, key_end, value_start, value_end))
    return found


def _members(text: str, pos: int) -> Iterator[tuple[str, int, int]]:
    """(key, key offset, value start) of each member of the object at pos.

    A member's value is decoded (to find where it ends) only if the caller asks for
    the next member. The text is known to be valid JSON.
    """
    pos = _skip_ws(text, pos + 1)
    if text.startswith("}", pos):
        return
    colon, separator = _colon(), _separator()
    while True:
        key, after_key = scanstring(text, pos + 1)
        value_start = colon(text, after_key).end()  # type: ignore[union-attr]
        yield key, pos, value_start
        _, value_end = _skip(text, value_start)
        found = separator(text, value_end)
        if found is None:  # the closing brace
            return
        pos = found.end()


def _scanner(decoder: json.JSONDecoder) -> Callable[[str, int], tuple[Any, int]]:
    """The decoder's C scanner, which ``raw_decode`` calls (typeshed does not list it)."""
    scan: Callable[[str, int], tuple[Any, int]] = decoder.scan_once  # type: ignore[attr-defined]
    return scan


_skip = _scanner(_SKIPPER)  # decodes a value only to learn where it ends
# json's string decoder (C): a key from just after its opening quote (typeshed omits it).
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


def _elements(
    text: str, pos: int, scan: Callable[[str, int], tuple[Any, int]] | None = None
) -> Iterator[tuple[Any, int, int]]:
    """(value, start, end) of each element of the array at pos.

    ``scan`` is a decoder's C scanner (what ``raw_decode`` calls, without its Python
    frame); it raises StopIteration where no value starts.
    """
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return
    separator = _separator()
    scan = scan or _skip
    while True:
        try:
            value, end = scan(text, pos)
        except StopIteration:
            raise _NotWalkable from None
        except ValueError as exc:
            raise _refused_number(exc, pos) from None
        yield value, pos, end
        found = separator(text, end)
        if found is None:
            if text.startswith("]", _skip_ws(text, end)):
                return
            raise _NotWalkable
        pos = found.end()


@cache
def _separator() -> Callable[[str, int], re.Match[str] | None]:
    return re.compile(f"{_WHITESPACE},{_WHITESPACE}").match


@cache
def _colon() -> Callable[[str, int], re.Match[str] | None]:
    return re.compile(f"{_WHITESPACE}:{_WHITESPACE}").match


# What the repeated-key search stops at, besides a string: a bracket, or a comma and
# all up to the next string or bracket (an array of numbers is one match). One
# character class repeated: the regex keeps no state for each comma.
_STRUCTURE = r'[{}\[\]]|,[^"{}\[\]]*'


class _Open:
    """A container the repeated-key search is in, and the token of its current child."""

    __slots__ = ("expect_key", "prefix", "seen", "shown", "start", "token")

    def __init__(self, start: int, seen: set[str] | None) -> None:
        self.start = start
        self.seen = seen  # the keys met so far; None for an array
        self.expect_key = seen is not None
        self.token: str | int = 0  # the current key, or the current element's index
        self.shown: tuple[str, str] | None = None  # the token escaped, whole and cut
        self.prefix: tuple[str | None, str, int] | None = None  # see _prefix


def _repeated_keys(text: str) -> tuple[list[tuple[str, int]], dict[int, dict[str, int]]]:
    """Each key that appears again in its object, in text order: its pointer as a
    report shows it and the offset of the repeat; and, for each object that repeats a
    key, where each such key last appears.

    One pass: each string is decoded once, by json's C scanner, and nothing else is
    decoded. A path is written out only for a key that is reported, and then each of
    its tokens cut (``_placed``'s cut) if the whole is longer than a report shows: a
    key of a megabyte is not copied into the pointer of everything under it.
    """
    find = _token_or_quote(_STRUCTURE)
    found: list[tuple[str, int]] = []
    last_keys: dict[int, dict[str, int]] = {}
    stack: list[_Open] = []
    pos, end = 0, len(text)
    while (match := find(text, pos, end)) is not None:
        at = match.start()
        char, pos = text[at], at + 1
        if char == '"':
            string, pos = scanstring(text, pos)
            top = stack[-1] if stack else None
            if top is None or not top.expect_key:
                continue
            top.expect_key = False
            seen = top.seen
            assert seen is not None
            if string in seen:
                found.append((_reported_pointer(stack, string), at))
                last_keys.setdefault(top.start, {})[string] = at
            else:
                seen.add(string)
            top.token, top.shown = string, None
        elif char == ",":
            top, pos = stack[-1], match.end()
            if top.seen is None:
                top.token = int(top.token) + text.count(",", at, pos)
                top.shown = None
            else:
                top.expect_key = True
        elif char in "{[":
            stack.append(_Open(at, set() if char == "{" else None))
        else:
            stack.pop()
    return found, last_keys


def _escaped(frame: _Open) -> tuple[str, str]:
    if frame.shown is None:
        whole = str(frame.token).replace("~", "~0").replace("/", "~1")
        frame.shown = whole, _cut(whole)
    return frame.shown


def _prefix(stack: list[_Open]) -> tuple[str | None, str, int]:
    # The pointer of the innermost object: whole (only if short), with each token cut,
    # and the whole one's length. Its parents' tokens stay while it is open.
    top = stack[-1]
    if top.prefix is None:
        shown = [_escaped(frame) for frame in stack[:-1]]
        length = sum(len(whole) + 1 for whole, _ in shown)
        whole = "".join("/" + w for w, _ in shown) if length <= _POINTER_SHOWN else None
        top.prefix = whole, "".join("/" + c for _, c in shown), length
    return top.prefix


def _reported_pointer(stack: list[_Open], key: str) -> str:
    whole, cut_prefix, length = _prefix(stack)
    escaped = key.replace("~", "~0").replace("/", "~1")
    if whole is not None and length + 1 + len(escaped) <= _POINTER_SHOWN:
        return whole + "/" + escaped
    return cut_prefix + "/" + _cut(escaped)


# What json says since Python 3.13 (earlier: "Expecting value" or "Expecting property
# name" at the closing bracket); said by every version, so the report does not depend
# on the interpreter.
_TRAILING_COMMA = {
    ("]", "Expecting value"): "Illegal trailing comma before end of array",
    ("}", "Expecting property name enclosed in double quotes"): (
        "Illegal trailing comma before end of object"
    ),
}


def _trailing_comma(text: str, offset: int, message: str) -> tuple[int, str]:
    """json's error, at the comma and said as Python 3.13 says it if it is a trailing one."""
    clearer = _TRAILING_COMMA.get((text[offset : offset + 1], message))
    if clearer is None:
        return offset, message
    comma = offset - 1
    while comma >= 0 and text[comma] in _WHITESPACE_CHARS:
        comma -= 1
    return (comma, clearer) if comma >= 0 and text[comma] == "," else (offset, message)


def _invalid_at(text: str, offset: int, message: str) -> InvalidJSON:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return InvalidJSON(message, line, column)


def _byte_position(raw: bytes, offset: int, skip: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    line_start = max(raw.rfind(b"\n", 0, offset) + 1, skip)
    return line, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


def _first_outside_strings(tokens: str, text: str) -> int:
    match = next(_outside_strings(text, tokens, 0, len(text)), None)
    return 0 if match is None else match.start()


def _long_number_offset(text: str, start: int = 0) -> int:
    """Where the first integer past the interpreter's digit limit starts, from ``start``
    (where the value the parser refused starts), outside strings.

    A run of digits is tried only where it starts (not after a digit, a point or an
    exponent's letter or sign), so each digit is looked at about once.
    """
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
    if not limit:
        return start
    number = rf"(?<![\d.eE])(?<![eE][-+])-?[1-9]\d{{{limit}}}"
    match = next(_outside_strings(text, number, start, len(text)), None)
    return start if match is None else match.start()


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0].split("; use sys.", 1)[0]
