"""Where and why a text is not strict JSON: the positions and words of InvalidJSON,
and the nesting limit every Python version shares."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import cache

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    pass


# Tokens looked for outside strings (see _outside_strings).
_BRACKET = r"[\[\]{}]"


_CONSTANT = r"-?Infinity|NaN"


# Data nested deeper is refused as invalid JSON. What reads it after the parse (the
# schema check, the ranking, the reports, --fix's self-check) recurses a level at a
# time, from deeper in the stack than the parse; and json's own limit is the
# interpreter's (about 1,000 levels on Python 3.10 and 3.11, 1,500 on 3.12, 10,000 on
# 3.13), so without one of our own a file could pass on one Python and crash another.
MAX_NESTING = 512


class InvalidJSON(Exception):
    """The file is not strict JSON (RFC 8259); carries where the parser stopped."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


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


# json's string decoder (C): a key from just after its opening quote (typeshed omits it).
scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_WHITESPACE_CHARS = frozenset(" \t\n\r")
