"""Walking JSON text for source spans (members, array elements) at C speed, and JSON
pointers."""

from __future__ import annotations

import json
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from tvlint import TYPE_CHECKING
from tvlint.json_errors import (
    _WHITESPACE_CHARS,
    MAX_NESTING,
    _check_nesting,
    _refused_number,
    scanstring,
)

if TYPE_CHECKING:
    from typing import Any


_WHITESPACE = r"[ \t\n\r]*"


_SKIPPER = json.JSONDecoder()


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

    Held as two arrays of machine integers, not a list of tuples, which costs several
    times the memory, and a run with ``--fix`` holds the spans of the file and of its
    fixed text.
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


class _NotWalkable(Exception):
    """The text is not an object the walk below understands; json.decode decides."""


_skip = _scanner(_SKIPPER)  # decodes a value only to learn where it ends
