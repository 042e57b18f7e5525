"""The shipped schema's verdict from jsonschema-rs, beside the Python check it speeds up.

jsonschema-rs (Rust, published with wheels for every platform tvlint supports) tells
whether data matches the shipped schema about five times faster than the compiled
Python check (``tvlint/_shipped_schema_check.py``). Its answer is taken only when it
is "valid", and only from a schema stricter than the shipped one: each ``format``
becomes a ``pattern`` that only strings tvlint's own format checks accept can match
(every date-time; URLs of unreserved characters only, the form the writers use: any
other fails it, and Python decides). So its "valid"
is always tvlint's (tests/test_fast_paths.py holds it to jsonschema), and everything
else takes the Python path, which also explains.

Loading it (it imports ``typing`` and more) costs what it saves on several megabytes
of files, so a process loads it only once it has checked ``LOAD_AFTER`` bytes,
counting the file at hand: a large file at once, a long run from there on, a commit or
the 2,000 files of a studio's tree never (bench/README.md). Where it is missing, or
``TVLINT_PURE_PYTHON`` is set, everything stays in Python.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable

from tvlint import TYPE_CHECKING
from tvlint.string_formats import DATE_TIME_ANYWHERE, PLAIN_URL

if TYPE_CHECKING:
    from typing import Any

# Formats the shipped schema uses, and a pattern for each: all of date-time, the
# plain URLs of uri.
_SUFFICIENT = {"date-time": DATE_TIME_ANYWHERE, "uri": PLAIN_URL}
# Keywords whose values are data, not schemas: a "format" in them is not the keyword.
_DATA_KEYWORDS = frozenset({"enum", "const", "default", "examples"})
LOAD_AFTER = 8 << 20  # bytes of JSON checked in this process, the file at hand included


def stricter(schema: Any) -> Any:
    """A copy of ``schema`` with each ``format`` replaced by its sufficient pattern;
    None if the schema uses a format that has none."""
    schema = copy.deepcopy(schema)
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending += node
            continue
        if not isinstance(node, dict):
            continue
        form = node.get("format")
        if isinstance(form, str):
            if form not in _SUFFICIENT:
                return None
            del node["format"]
            # ^…$ in every dialect: jsonschema-rs searches, as JSON Schema's pattern does.
            node.setdefault("allOf", []).append({"pattern": f"^(?:{_SUFFICIENT[form]})$"})
        pending += [value for key, value in node.items() if key not in _DATA_KEYWORDS]
    return schema


class NativeVerdict:
    """``valid(instance)`` from jsonschema-rs once loaded; None (no verdict) before,
    where it is missing, and wherever it does not say "valid"."""

    def __init__(self, load_schema: Callable[[], Any], load_after: int = LOAD_AFTER) -> None:
        self._load_schema = load_schema
        self._checked = 0
        self._load_after = load_after
        self._is_valid: Callable[[Any], bool] | None = None
        self._unavailable = os.environ.get("TVLINT_PURE_PYTHON", "") not in ("", "0")

    def valid(self, instance: Any, size: int) -> bool | None:
        if self._is_valid is None:
            self._checked += size
            if self._unavailable or self._checked < self._load_after:
                return None
            self._is_valid = self._load()
            if self._is_valid is None:
                self._unavailable = True
                return None
        try:
            return True if self._is_valid(instance) else None
        except Exception:  # data it cannot take (a lone surrogate, say): Python decides
            return None

    def _load(self) -> Callable[[Any], bool] | None:
        schema = stricter(self._load_schema())  # before the import, which costs more
        if schema is None:
            return None
        try:
            import jsonschema_rs
        except ImportError:
            return None
        is_valid: Callable[[Any], bool] = jsonschema_rs.validator_for(
            schema, validate_formats=False
        ).is_valid
        return is_valid
