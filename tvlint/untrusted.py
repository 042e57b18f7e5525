"""The output policy for text that comes from files, paths and schemas.

Everything tvlint prints leaves through ``write_lines`` (text, github, diagnostics) or
``write_json`` (json, sarif), so the policy holds in one place whatever a reporter
builds: a checked file may come from a pull request, and its ids, keys, model files
and name are written by whoever opened it.

- Control characters (C0, DEL, C1) and the bidirectional controls become visible
  escapes (``\\x1b``, ``\\u202e``, ``\\n``): no value can move the cursor, set the
  clipboard, reorder what a reader sees, or start a line of its own. The only raw
  newlines are the ones that end tvlint's own lines.
- The bytes of a file name that were not UTF-8 (held as lone surrogates by Python)
  become ``\\xNN``; in JSON output too, which stays strict UTF-8.
- No line that carries a value starts with ``::`` (after any white space), and no
  value holds ``##[``, so none is a GitHub workflow command unless tvlint wrote it as
  one (``Own`` text). JSON keeps every value exact: its ``##[`` is written
  ``##\\u005b``, which a JSON reader decodes back to ``##[``.
- Values quoted in messages are cut to ``VALUE_LIMIT`` characters, so output grows
  with the number of problems, not with the size of the values.
"""

from __future__ import annotations

import json
import math
import os
import re

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any, TextIO

VALUE_LIMIT = 80

# C0 and DEL, C1, the bidirectional embeddings, overrides, isolates and marks, the
# line and paragraph separators (a line break to some readers), and lone surrogates
# (undecodable bytes of a file name, or "\ud800" escapes in a file).
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# These two are compiled (and cached by re) on first use: only JSON output needs them.
_LONE_SURROGATE = "[\ud800-\udfff]"
# How json writes a surrogate with ensure_ascii (in lower case).
_SURROGATE_ESCAPE = r"\\ud[89a-f]"
_COLOUR = re.compile("\x1b\\[[0-9;]*m")
# What GitHub's runner strips before it looks for "::" (.NET's TrimStart: Unicode white
# space), and the invisible characters a reader would not see there either.
_LEADING = " \t\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u2060\u3000\ufeff"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode keeps it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, bidi control and lone surrogate made a visible escape."""
    return _UNSAFE.sub(_escape, text)


def needs_quoting(text: str) -> bool:
    """Whether ``text`` holds a character the policy would escape, a quote or a backslash."""
    return _UNSAFE.search(text) is not None or '"' in text or "\\" in text


def write_patch(stream: TextIO, patch: str, terminal: bool) -> None:
    """A patch as it is, for ``patch -p0`` (its lines must match the file's); made
    visible line by line when a person reads it on a terminal.

    Its headers are quoted (``patch.header_name``) and every other line starts with
    `` ``, ``-``, ``+``, ``@`` or ``\\``, so no value starts a line of its own.
    """
    if terminal:
        patch = "\n".join(visible(line) for line in patch.split("\n"))
    write_all(stream, patch)


# A diagnostic names a file or a value at most a few times: longer is a hostile value.
DIAGNOSTIC_LIMIT = 1_000


def cut(text: str, limit: int = VALUE_LIMIT) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis if it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_prefix(value: Any, size: int) -> str:
    """The first ``size`` characters of ``json.dumps(value, ensure_ascii=False)`` (all
    of it if it is shorter), without writing the rest.

    A report quotes the values of every entry it names, and one value can be most of
    a file: writing it whole for each quote would make a report's work the values'
    size times the entries'. Here the work is bounded by ``size`` (a number is written
    whole, and Python's digit limit bounds an integer): each step writes at least one
    character, a string is written only as far as it can be shown, a container's
    members are taken one at a time, and nesting is a list, not recursion.
    tests/test_bounded_reports.py holds it to ``json.dumps``.
    """
    pieces: list[str] = []
    length = 0
    # For each open container: its members still to write, its closing bracket, and
    # whether a member was written (the next one needs a separator).
    levels: list[list[Any]] = []
    pending: Any = value
    has_pending = True
    while length < size:
        if has_pending:
            has_pending = False
            if isinstance(pending, str):
                piece = _json_string_prefix(pending, size - length)
            elif isinstance(pending, (list, tuple, dict)):
                opening, closing = ("{", "}") if isinstance(pending, dict) else ("[", "]")
                if pending:
                    members = iter(pending.items() if isinstance(pending, dict) else pending)
                    levels.append([members, closing, False])
                    piece = opening
                else:
                    piece = opening + closing
            else:  # None, a bool or a number (a TypeError for anything else, as json says)
                piece = json.dumps(pending)
        elif not levels:
            break
        else:
            level = levels[-1]
            member: Any = next(level[0], _NO_MEMBER)
            if member is _NO_MEMBER:
                levels.pop()
                piece = level[1]
            else:
                piece = ", " if level[2] else ""
                level[2] = True
                if level[1] == "}":
                    key, pending = member
                    piece += _json_string_prefix(_json_key(key), size - length) + ": "
                else:
                    pending = member
                has_pending = True
        pieces.append(piece)
        length += len(piece)
    return "".join(pieces)[:size]


_NO_MEMBER = object()


def _json_string_prefix(text: str, room: int) -> str:
    """``json.dumps(text, ensure_ascii=False)``, or, if ``text`` is longer than
    ``room``, a start of it longer than ``room``: every character is written as one
    or more, so ``room`` characters of the text fill the room."""
    if len(text) <= room:
        return json.dumps(text, ensure_ascii=False)
    return json.dumps(text[:room], ensure_ascii=False)[:-1]  # not closed: it goes on


def _json_key(key: Any) -> str:
    """An object's key as json writes it: a string, or the JSON of a scalar."""
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, (bool, int, float)):
        return json.dumps(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")


def quoted(value: Any, limit: int = VALUE_LIMIT) -> str:
    """A value from a file as a message shows it: JSON, cut to ``limit`` characters
    (at least 1); ``cut(json.dumps(value, ensure_ascii=False), limit)``, at a cost
    bounded by ``limit`` however large the value."""
    if limit < 1:
        raise ValueError("a value is cut to at least one character")
    return cut(json_prefix(value, limit + 1), limit)


def quoted_middle(value: Any, limit: int = VALUE_LIMIT) -> str:
    """As ``quoted``, but a long string loses its middle rather than its end, so that a
    URL keeps its file name: ``"https://b.s3.us-west-…/m/style_1_vV7.safetensors"``."""
    whole = quoted(value, limit)
    if not isinstance(value, str) or not whole.endswith("…") or limit < 3:
        return whole
    room = (limit - 1) // 2
    # The end of the JSON string, closing quote included, in whole escapes: the last
    # characters, each escaped alone, as many as fit.
    pieces = ['"']
    used = 1
    for char in reversed(value[-room:]):
        piece = json.dumps(char, ensure_ascii=False)[1:-1]
        if used + len(piece) > room:
            break
        pieces.append(piece)
        used += len(piece)
    end = "".join(reversed(pieces))
    return quoted(value, limit - len(end)) + end


def clipped(value: Any, limit: int = VALUE_LIMIT) -> Any:
    """A value from a file for JSON output: a long string cut, a large container
    replaced by its cut JSON text, anything else as it is. The container's JSON is
    written only as far as the cut shows it."""
    if isinstance(value, str):
        return cut(value, limit)
    if isinstance(value, (dict, list)):
        if limit < 1:
            raise ValueError("a value is cut to at least one character")
        shown = json_prefix(value, limit + 1)
        return value if len(shown) <= limit else cut(shown, limit)
    return value


class Own(str):
    """Text that tvlint itself writes (a colour code, a workflow command), not a value:
    the one kind of text the policy lets through as it is."""

    __slots__ = ()


if TYPE_CHECKING:
    Line = str | Sequence[str]


def render_line(line: Line) -> str:
    """One line of output, the policy applied: a str is all values; in a sequence,
    ``Own`` parts are tvlint's own and the others values."""
    parts = [line] if isinstance(line, str) else line
    shown = "".join(part if isinstance(part, Own) else visible(part) for part in parts)
    own_command = bool(parts) and isinstance(parts[0], Own) and parts[0].startswith("::")
    if not own_command and _COLOUR.sub("", shown).lstrip(_LEADING).startswith("::"):
        # A value at the start of a line (a path, say) must not read as a workflow
        # command. Colour codes hold no colon, so the first colon is the value's.
        colon = shown.index(":")
        shown = shown[:colon] + "\\x3a" + shown[colon + 1 :]
    # The runner also takes "##[command]" anywhere in a line (the old syntax); tvlint
    # never writes one itself.
    return shown.replace("##[", "##\\x5b")


def write_lines(stream: TextIO | None, lines: Iterable[Line]) -> None:
    """The lines, the policy applied; nowhere if the stream is closed (``2>&-``)."""
    if stream is not None:
        write_all(stream, "".join(render_line(line) + "\n" for line in lines))


def _strict(value: Any) -> Any:
    """``value`` with every lone surrogate in its strings made a visible escape, so that
    the JSON written is strict UTF-8 (json writes a lone surrogate as ``\\udcff``), and
    each number too large for a float (``1e400`` in a file) as a string: json would
    write ``Infinity``, which is not JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return json.dumps(value)  # "Infinity", as a string
    if isinstance(value, str):
        return (
            re.sub(_LONE_SURROGATE, _escape, value) if re.search(_LONE_SURROGATE, value) else value
        )
    if isinstance(value, dict):
        return {_strict(k): _strict(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_strict(v) for v in value]
    return value


def write_json(stream: TextIO, document: Any) -> None:
    """``document`` as JSON: ASCII only (every control and bidi character escaped the
    JSON way), strict UTF-8 (no lone surrogates), and no ``##[`` on any line."""
    write_all(stream, no_commands(json_text(document)) + "\n")


def no_commands(text: str) -> str:
    """JSON ``text`` with the ``[`` of every ``##[`` written as the escape ``\\u005b``.

    GitHub's runner takes ``##[command]`` anywhere in a line of a log. In JSON a ``#``
    is only ever inside a string (no token starts with one, and no escape holds one),
    so the ``[`` that follows two of them is a character of that string, a key's or a
    value's, and its escape decodes to the very same value.
    """
    return text.replace("##[", "##\\u005b")


def json_text(document: Any) -> str:
    """The JSON ``write_json`` writes (before ``no_commands``):
    ``json.dumps(_strict(document), …)``.

    Most reports hold no lone surrogate and no non-finite number, and walking every
    string of one with many problems costs more than writing it: the document is
    written as it is, and ``_strict`` runs only if the text shows a surrogate escape
    (a pair, for a character beyond the BMP, shows one too: the walk then finds
    nothing to change) or json refuses a number. tests/test_fast_paths.py holds the
    two equal.
    """
    try:
        text = json.dumps(document, indent=2, ensure_ascii=True, allow_nan=False)
    except ValueError:  # a float json would write as Infinity or NaN
        text = None
    if text is None or re.search(_SURROGATE_ESCAPE, text):
        text = json.dumps(_strict(document), indent=2, ensure_ascii=True)
    return text


def write_all(stream: TextIO, text: str) -> None:
    """``text`` on ``stream``, all of it or an OSError (BrokenPipeError if the reader
    went away).

    A file object's write can lose the rest of a large text without a word when the
    reader of a pipe leaves in the middle of it (the system call writes part of it,
    and the error comes only with the next call, which is never made): the bytes are
    written here, to the descriptor, until all are out.
    """
    fd = _descriptor(stream)
    if fd < 0:
        stream.write(text)
        return
    flush(stream)
    _write_out(fd, text.encode(stream.encoding or "utf-8", stream.errors or "strict"))


def write_bytes(stream: TextIO, data: bytes) -> None:
    """``data`` on ``stream`` as it is (a file's own text, as ``--fix -`` gives it
    back), all of it or an OSError, as ``write_all`` writes text."""
    fd = _descriptor(stream)
    if fd < 0:
        stream.buffer.write(data)
        stream.buffer.flush()
        return
    flush(stream)
    _write_out(fd, data)


def _descriptor(stream: TextIO) -> int:
    """The stream's file descriptor, or -1 if it has none worth writing to directly
    (captured output, or a system whose text streams translate newlines)."""
    try:
        return stream.fileno() if os.name == "posix" else -1
    except (AttributeError, OSError, ValueError):
        return -1


def flush(stream: TextIO) -> None:
    """``stream.flush()``, waiting for a non-blocking descriptor as ``write_all`` does."""
    while True:
        try:
            stream.flush()
            return
        except BlockingIOError:
            fd = _descriptor(stream)
            if fd < 0:
                raise
            # What the buffer could not write stays in it for the next flush.
            _wait_until_writable(fd)


def _write_out(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            view = view[os.write(fd, view) :]
        except BlockingIOError:
            # A descriptor left non-blocking (O_NONBLOCK belongs to the open file, which
            # an earlier program in the same CI step shares) and a reader slower than
            # tvlint: wait for room in the pipe, as a blocking write would, and go on.
            _wait_until_writable(fd)


def _wait_until_writable(fd: int) -> None:
    """Until ``fd`` can take a write, or says why it cannot (a reader that went away
    is a BrokenPipeError at the next write)."""
    import select

    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        poller.poll()
    else:  # pragma: no cover - systems without poll
        select.select([], [fd], [])
