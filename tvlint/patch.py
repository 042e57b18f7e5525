"""A unified diff for text changed by known edits: character ranges replaced (by
nothing, for a cut; a range of nothing replaced, for an insertion).

``difflib`` compares two texts line by line, in a time that grows faster than the
file. Here the edits are known exactly, so the hunks are built
from them: each edit widens to the lines it touches, neighbouring edits merge, lines
the old and new block share at either end become context, and hunks within twice the
context of each other join, as ``diff -u`` and ``difflib`` do.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from tvlint.untrusted import needs_quoting

CONTEXT = 3
_NO_NEWLINE = "\\ No newline at end of file\n"


Edit = tuple[int, int, str]  # text[start:end] becomes the string


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """``text`` with each of the (sorted, disjoint) ``edits`` made."""
    kept, pos = [], 0
    for start, end, new in edits:
        kept += [text[pos:start], new]
        pos = end
    kept.append(text[pos:])
    return "".join(kept)


def edited_text(text: str, edits: Sequence[Edit]) -> str:
    """``apply_edits(text, edits)``, without holding all the kept pieces of ``text`` at once.

    For ``--fix``'s new text. ``str.join`` needs every piece before it starts: a copy of
    nearly the whole text, in pieces of tens of kilobytes that, once freed, the process
    keeps and the parse of the fixed text cannot use. Here each piece is encoded into one buffer and let go at
    once; the buffer is a block of its own, given back once decoded. The text must have
    no lone surrogate (a text decoded from UTF-8 has none), or encoding it fails.
    """
    buffer, pos = bytearray(), 0
    for start, end, new in edits:
        buffer += text[pos:start].encode("utf-8")
        buffer += new.encode("utf-8")
        pos = end
    buffer += text[pos:].encode("utf-8")
    return buffer.decode("utf-8")


def unified_diff(path: str, text: str, edits: Sequence[Edit]) -> str:
    """The diff from ``text`` to ``apply_edits(text, edits)``, for ``patch -p0``."""
    changes = _line_changes(text, edits)
    if not changes:
        return ""
    name = header_name(path)
    out = [f"--- {name}\n", f"+++ {name}\n"]
    shift = 0  # new line number minus old line number, before the current hunk
    for hunk in _hunks(changes):
        first, last = hunk[0], hunk[-1]
        leading = _lines_before(text, first.start, CONTEXT)
        body = [" " + line for line in leading]
        new_len = len(leading)
        for previous, change in zip([None, *hunk], hunk, strict=False):
            if previous is not None:
                between = _split(text[previous.end : change.start])
                body += [" " + line for line in between]
                new_len += len(between)
            body += ["-" + line for line in change.old]
            body += ["+" + line for line in change.new]
            new_len += len(change.new)
        trailing = _lines_after(text, last.end, CONTEXT)
        body += [" " + line for line in trailing]
        new_len += len(trailing)
        old_start = first.line - len(leading)
        old_len = last.line + len(last.old) + len(trailing) - old_start
        out.append(f"@@ -{_range(old_start, old_len)} +{_range(old_start + shift, new_len)} @@\n")
        out += [line if line.endswith("\n") else line + "\n" + _NO_NEWLINE for line in body]
        shift += new_len - old_len
    return "".join(out)


_C_ESCAPES = {"\a": "a", "\b": "b", "\t": "t", "\n": "n", "\v": "v", "\f": "f", "\r": "r"}


def header_name(path: str) -> str:
    """``path`` as GNU diff writes it in a header, so that ``patch`` finds the file.

    A name with a control or bidi character, a quote or a backslash (or a byte that
    is not UTF-8) is C-quoted, its other bytes as octal escapes; a name with a space
    ends in a tab. Either way the header is one line, whatever the name holds.
    """
    if not needs_quoting(path):
        return path + "\t" if " " in path else path
    out = []
    for char in path:
        if char in _C_ESCAPES:
            out.append("\\" + _C_ESCAPES[char])
        elif char in '"\\':
            out.append("\\" + char)
        elif needs_quoting(char):
            out += [f"\\{byte:03o}" for byte in os.fsencode(char)]
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


class _Change:
    """Old lines from ``line`` (0-based; text[start:end]) replaced by ``new``."""

    __slots__ = ("end", "line", "new", "old", "start")

    def __init__(self, line: int, start: int, end: int, old: list[str], new: list[str]) -> None:
        self.line, self.start, self.end, self.old, self.new = line, start, end, old, new


def _blocks(text: str, edits: Sequence[Edit]) -> list[Edit]:
    """(start, end, replacement) of whole old lines, one per group of touching edits."""
    blocks: list[tuple[int, int, list[Edit]]] = []
    for start, end, new in edits:
        line_start = text.rfind("\n", 0, start) + 1
        ends_a_line = end == len(text) or (end > 0 and text[end - 1] == "\n")
        if start == line_start and ends_a_line and (not new or new.endswith("\n")):
            line_end = end  # whole lines are replaced by whole lines
        else:
            found = text.find("\n", end)
            line_end = len(text) if found == -1 else found + 1
        if blocks and line_start <= blocks[-1][1]:
            first, last_end, inner = blocks[-1]
            blocks[-1] = (first, max(line_end, last_end), [*inner, (start, end, new)])
        else:
            blocks.append((line_start, line_end, [(start, end, new)]))
    return [
        (a, b, apply_edits(text[a:b], [(s - a, e - a, new) for s, e, new in inner]))
        for a, b, inner in blocks
    ]


def _line_changes(text: str, edits: Sequence[Edit]) -> list[_Change]:
    changes: list[_Change] = []
    line, pos = 0, 0
    for start, end, replacement in _blocks(text, edits):
        line += text.count("\n", pos, start)
        pos = start
        old = _split(text[start:end])
        new = _split(replacement)
        # Shared lines become context; those at the end first, which puts a removal as
        # early as it can go. (difflib, which matches the longest common block first,
        # may show the same removal further down: either patch makes the same text.)
        tail = 0
        while tail < min(len(old), len(new)) and old[-1 - tail] == new[-1 - tail]:
            tail += 1
        head = 0
        while head < min(len(old), len(new)) - tail and old[head] == new[head]:
            head += 1
        old_mid = old[head : len(old) - tail]
        new_mid = new[head : len(new) - tail]
        if not old_mid and not new_mid:
            continue
        first = start + sum(map(len, old[:head]))
        last = end - sum(map(len, old[len(old) - tail :]))
        change = _Change(line + head, first, last, old_mid, new_mid)
        if not new_mid:
            _slide_up(text, change, changes[-1].end if changes else 0)
        changes.append(change)
    return changes


def _slide_up(text: str, change: _Change, floor: int) -> None:
    """Move a pure deletion up while the line above it equals its last line.

    Either place deletes the same text; the earliest is the one a reader finds the
    same way in every hunk.
    """
    while change.start > floor:
        above_start = text.rfind("\n", 0, change.start - 1) + 1
        if above_start < floor:
            return
        above = text[above_start : change.start]
        if above != change.old[-1]:
            return
        change.old = [above, *change.old[:-1]]
        change.start = above_start
        change.end -= len(above)
        change.line -= 1


def _hunks(changes: list[_Change]) -> list[list[_Change]]:
    hunks = [[changes[0]]]
    for change in changes[1:]:
        previous = hunks[-1][-1]
        if change.line - (previous.line + len(previous.old)) <= 2 * CONTEXT:
            hunks[-1].append(change)
        else:
            hunks.append([change])
    return hunks


def _lines_before(text: str, pos: int, count: int) -> list[str]:
    """Up to ``count`` whole lines that end at ``pos`` (a line start)."""
    start = pos
    for _ in range(count):
        if start == 0:
            break
        start = text.rfind("\n", 0, start - 1) + 1
    return _split(text[start:pos])


def _lines_after(text: str, pos: int, count: int) -> list[str]:
    """Up to ``count`` whole lines from ``pos`` (a line start)."""
    end = pos
    for _ in range(count):
        if end == len(text):
            break
        found = text.find("\n", end)
        end = len(text) if found == -1 else found + 1
    return _split(text[pos:end])


def _split(text: str) -> list[str]:
    """Lines ending in "\\n" as patch sees them (str.splitlines also splits at U+2028,
    U+0085 and others, which JSON strings may hold unescaped)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _range(start: int, length: int) -> str:
    # As difflib formats unified ranges: 1-based, and an empty range names the line before.
    beginning = start + 1
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1
    return f"{beginning},{length}"
