"""Repeated keys: one pass over the text finds each key that appears again in its
object, with the JSON pointer a report shows and the offset of the repeat."""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.json_errors import _token_or_quote, scanstring
from tvlint.untrusted import VALUE_LIMIT as _POINTER_SHOWN
from tvlint.untrusted import cut as _cut

if TYPE_CHECKING:
    pass


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
