"""A file's data through a compiled parser (``jiter``), for the verdict on a clean file.

``jiter`` parses with the guarantees tvlint's own parse gives (it refuses a repeated
key, also one spelled with escapes, NaN and Infinity, trailing commas, control
characters in strings, bytes that are not UTF-8) at close to ``json.loads``' cost, but
it gives no place in the text. So it decides only that a file has no problem: a file
it refuses, or one in which a rule finds anything, goes through the walking parse
(``tvlint.document``), which places every problem. Where the two could disagree about
what is JSON (``jiter`` refuses a BOM, which tvlint accepts, so the BOM is stripped
first; a lone surrogate; nesting past its limit, which tvlint accepts to 512 levels; an
integer past Python's digit limit), ``jiter`` refuses and the plain path decides.
Property tests hold it to the plain parse (``tests/test_compiled_json.py``).

Without ``jiter``, or with ``TVLINT_PURE_PYTHON`` set, every file takes the plain path.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

UTF8_BOM = b"\xef\xbb\xbf"
_parser: Callable[..., Any] | None = None
_loaded = False


def _from_json() -> Callable[..., Any] | None:
    global _parser, _loaded
    if not _loaded:
        _loaded = True
        if os.environ.get("TVLINT_PURE_PYTHON", "") in ("", "0"):
            try:
                from jiter import from_json
            except ImportError:  # pragma: no cover - a platform without its wheel
                pass
            else:
                _parser = from_json
    return _parser


def compiled_data(raw: bytes) -> tuple[Any] | None:
    """``(data,)`` as tvlint's own parse gives it, for a text that parse takes with no
    repeated key; None where the compiled parser refuses the text or is not there."""
    parse = _from_json()
    if parse is None:
        return None
    body = raw[len(UTF8_BOM) :] if raw.startswith(UTF8_BOM) else raw
    try:
        # Keys only in its string cache: values cached too cost about a sixth more
        # on a studio's files (bench/README.md).
        found = parse(body, catch_duplicate_keys=True, allow_inf_nan=False, cache_mode="keys")
        return (found,)
    except (ValueError, RecursionError):
        return None
