"""Rules about the file's JSON text itself."""

from __future__ import annotations

from collections.abc import Iterator

from tvlint import TYPE_CHECKING
from tvlint.document import Document, InvalidJSON, scanstring
from tvlint.rules.base import Rule
from tvlint.untrusted import quoted

if TYPE_CHECKING:
    from tvlint.problem import Finding


class InvalidJson(Rule):
    """The file is not strict JSON (RFC 8259).

    Reported at the line and column where the parser stopped (a trailing comma: at
    the comma): syntax errors (trailing commas, comments, single quotes, truncated
    files), ``NaN`` and ``Infinity``, bytes that are not UTF-8 (a UTF-8 byte-order
    mark is allowed), numbers too large to parse, and data nested more than 512
    levels deep (at the first bracket past that, on every Python version; past it,
    what reads the data recurses too deep). The message is otherwise ``json``'s (for a
    trailing comma, as Python 3.13 words it, on every version). No other rule runs on
    such a file. Always reported, whatever ``select`` and ``ignore`` say: a file that
    cannot be read is never a file that passes.

    Passing::

        {"versions": []}

    Failing::

        {"versions": [],}
    """

    code = "TV001"
    name = "invalid-json"
    always = True

    def check_unparsed(self, error: InvalidJSON) -> Iterator[Finding]:
        yield self.finding(error.message, position=(error.line, error.column))


class DuplicateKey(Rule):
    """The same key appears twice in one object.

    JSON parsers silently keep one of the two values (Python keeps the last), so a
    second ``loraUrl`` or ``status`` can hide the first. Reported at the repeated key.

    Passing::

        {"id": "style_1_vV7", "status": "completed"}

    Failing::

        {"id": "style_1_vV7", "status": "failed", "status": "completed"}
    """

    code = "TV002"
    name = "duplicate-key"

    def check(self, doc: Document) -> Iterator[Finding]:
        for pointer, offset in doc.duplicate_keys:
            # From the text: a long pointer's tokens are cut (see Document.duplicate_keys).
            key = scanstring(doc.text, offset + 1)[0]
            yield self.finding(
                f"key {quoted(key)} appears again in the same object", pointer, offset
            )
