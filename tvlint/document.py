"""A parsed file: its bytes, its data, and source positions computed on demand.

Parsing is one call into the C JSON decoder. Positions are found afterwards, and only
for files that have something to report, by walking the text with
``JSONDecoder.raw_decode``: it decodes one value from an index and says where the value
ends, so skipping a sibling costs C speed and no pure-Python tokenizer is needed.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

_WHITESPACE = re.compile(r"[ \t\n\r]*")
# A JSON string, or one of the tokens we look for outside strings.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|([\[\]{}])', re.DOTALL)
_STRING_OR_CONSTANT = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)', re.DOTALL)
_SKIPPER = json.JSONDecoder()


class InvalidJSON(Exception):
    """The file is not strict JSON (RFC 8259); carries where the parser stopped."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


class _NonFiniteNumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFiniteNumber(name)


@dataclass(frozen=True, eq=False)
class Document:
    """A file that parsed as JSON.

    ``text`` is the decoded text without a byte-order mark; every offset is an index
    into it. ``duplicate_keys`` lists, for each key that appears again in its object,
    the JSON pointer of the member and the offset of the repeated key.
    """

    raw: bytes
    text: str
    data: Any
    has_bom: bool
    duplicate_keys: tuple[tuple[str, int], ...]

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0, *(m.end() for m in re.finditer("\n", self.text))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

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

    def element_spans(self, pointer: str) -> list[tuple[int, int]]:
        """(start, end) offsets of each element of the array at ``pointer``."""
        children = self._children_of(self.locate(pointer))
        return children if isinstance(children, list) else []

    @cached_property
    def _children_cache(self) -> dict[int, dict[str, int] | list[tuple[int, int]]]:
        return {}

    def _children_of(self, pos: int) -> dict[str, int] | list[tuple[int, int]]:
        # Cached per container, so locating many problems in one array walks it once.
        children = self._children_cache.get(pos)
        if children is None:
            if self.text.startswith("{", pos):
                children = {key: start for key, _, start, _ in _members(self.text, pos)}
            elif self.text.startswith("[", pos):
                children = list(_elements(self.text, pos))
            else:
                children = {}
            self._children_cache[pos] = children
        return children

    def _child(self, pos: int, token: str) -> int | None:
        children = self._children_of(pos)
        if isinstance(children, dict):
            return children.get(token)
        if token.isdigit() and int(token) < len(children):
            return children[int(token)][0]
        return None


def parse(raw: bytes) -> Document:
    """Decode and parse ``raw`` as strict UTF-8 JSON, or raise InvalidJSON."""
    has_bom = raw.startswith(UTF8_BOM)
    if raw.startswith(_UTF16_BOMS):
        raise InvalidJSON(
            "file is UTF-16 (it starts with a UTF-16 byte-order mark); JSON must be UTF-8", 1, 1
        )
    try:
        text = raw[len(UTF8_BOM) :].decode("utf-8") if has_bom else raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = exc.start + (len(UTF8_BOM) if has_bom else 0)
        line, column = _byte_position(raw, start, skip=len(UTF8_BOM) if has_bom else 0)
        raise InvalidJSON(
            f"invalid UTF-8: byte 0x{raw[start]:02x} ({exc.reason})", line, column
        ) from None

    repeated = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeated
        obj = dict(pairs)
        if len(obj) != len(pairs):
            repeated = True
        return obj

    decoder = json.JSONDecoder(object_pairs_hook=pairs_hook, parse_constant=_reject_constant)
    try:
        data = decoder.decode(text)
    except json.JSONDecodeError as exc:
        raise _invalid_at(text, exc.pos, exc.msg) from None
    except _NonFiniteNumber as exc:
        offset = _first_match(_STRING_OR_CONSTANT, text)
        raise _invalid_at(text, offset, f"{exc} is not a JSON number") from None
    except RecursionError:
        offset, depth = _deepest_bracket(text)
        raise _invalid_at(text, offset, f"nesting too deep to parse ({depth} levels)") from None
    except ValueError as exc:
        # Integers longer than the interpreter's digit limit end up here.
        offset = _long_number_offset(text)
        raise _invalid_at(text, offset, _first_line(str(exc))) from None
    duplicates = tuple(_duplicate_keys(text)) if repeated else ()
    return Document(raw=raw, text=text, data=data, has_bom=has_bom, duplicate_keys=duplicates)


def split_pointer(pointer: str) -> list[str]:
    """RFC 6901 tokens of a JSON pointer ("" is the whole document)."""
    if not pointer:
        return []
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def join_pointer(*tokens: str | int) -> str:
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)


def _skip_ws(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _members(text: str, pos: int) -> Iterator[tuple[str, int, int, int]]:
    """(key, key offset, value start, value end) of each member of the object at pos."""
    pos = _skip_ws(text, pos + 1)
    if text.startswith("}", pos):
        return
    while True:
        key_offset = pos
        key, pos = _SKIPPER.raw_decode(text, pos)
        pos = _skip_ws(text, pos) + 1  # the colon
        value_start = _skip_ws(text, pos)
        _, value_end = _SKIPPER.raw_decode(text, value_start)
        yield key, key_offset, value_start, value_end
        pos = _skip_ws(text, value_end)
        if text.startswith("}", pos):
            return
        pos = _skip_ws(text, pos + 1)  # the comma


def _elements(text: str, pos: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the array at pos."""
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return
    while True:
        _, end = _SKIPPER.raw_decode(text, pos)
        yield pos, end
        pos = _skip_ws(text, end)
        if text.startswith("]", pos):
            return
        pos = _skip_ws(text, pos + 1)


def _duplicate_keys(text: str) -> Iterator[tuple[str, int]]:
    # An explicit stack: a document can be nested nearly as deep as the C parser allows.
    stack = [("", _skip_ws(text, 0))]
    found: list[tuple[str, int]] = []
    while stack:
        pointer, pos = stack.pop()
        if text.startswith("{", pos):
            seen: set[str] = set()
            for key, key_offset, value_start, _ in _members(text, pos):
                child = pointer + join_pointer(key)
                if key in seen:
                    found.append((child, key_offset))
                seen.add(key)
                stack.append((child, value_start))
        elif text.startswith("[", pos):
            for i, (start, _) in enumerate(_elements(text, pos)):
                stack.append((pointer + join_pointer(i), start))
    yield from sorted(found, key=lambda item: item[1])


def _invalid_at(text: str, offset: int, message: str) -> InvalidJSON:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return InvalidJSON(message, line, column)


def _byte_position(raw: bytes, offset: int, skip: int) -> tuple[int, int]:
    line = raw.count(b"\n", 0, offset) + 1
    line_start = max(raw.rfind(b"\n", 0, offset) + 1, skip)
    return line, len(raw[line_start:offset].decode("utf-8", "replace")) + 1


def _first_match(pattern: re.Pattern[str], text: str) -> int:
    for match in pattern.finditer(text):
        if match.group(1):
            return match.start(1)
    return 0


def _deepest_bracket(text: str) -> tuple[int, int]:
    depth = deepest = deepest_at = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        bracket = match.group(1)
        if bracket in ("[", "{"):
            depth += 1
            if depth > deepest:
                deepest, deepest_at = depth, match.start(1)
        elif bracket:
            depth -= 1
    return deepest_at, deepest


def _long_number_offset(text: str) -> int:
    limit = getattr(sys, "get_int_max_str_digits", lambda: 4300)()
    match = re.search(rf"\d{{{limit + 1},}}", text) if limit else None
    return match.start() if match else 0


def _first_line(message: str) -> str:
    return message.split("\n", 1)[0].split("; use sys.", 1)[0]
