"""TV005 duplicate-id: two entries with one id, at the second."""

from __future__ import annotations

from ..factories import dumps, webhook_entry
from .helpers import check, where


def test_at_the_second_id() -> None:
    text = dumps({"versions": [webhook_entry(), webhook_entry(model="style_1_vV8")]})
    [problem] = check(text, problems=[(*where(text, '"3e248bb6', 1), "TV005")])
    assert (problem.rule, problem.pointer) == ("duplicate-id", "/versions/1/id")
    assert f"line {where(text, '{', 1)[0]}" in problem.message
