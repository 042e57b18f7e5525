"""The rules' tests speak one helper, as yamllint's do: a text, a configuration, and the
problems expected, each as (line, column, code)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from tvlint.config import settings_from_table
from tvlint.lint import Linter
from tvlint.problem import Problem

from ..factories import lint_bytes

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


def check(
    text: str | bytes, config: str = "", problems: Sequence[tuple[int, int, str]] = ()
) -> list[Problem]:
    """The problems tvlint finds in ``text`` with ``config`` (a ``tvlint.toml``'s body),
    asserted to be exactly ``problems``, in order; returned for what else a test looks
    at (messages, pointers)."""
    settings = settings_from_table(
        tomllib.loads(config), root=".", source="tvlint.toml", table_name=""
    )
    raw = text.encode() if isinstance(text, str) else text
    result, _ = lint_bytes(Linter.for_settings(settings), "f.json", raw)
    found = list(result.problems or ())
    assert [(p.line, p.column, p.code) for p in found] == list(problems)
    return found


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1
