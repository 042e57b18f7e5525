"""TV002 duplicate-key: the same key twice in one object, at the repeated key."""

from __future__ import annotations

from ..factories import dumps, s3_entry
from .helpers import check, where


def test_at_the_repeated_key() -> None:
    entry = dumps(s3_entry())[:-2] + ',\n  "status": "failed"\n}'
    text = '{"versions": [\n' + entry + "\n]}"
    [problem] = check(text, problems=[(*where(text, '"status"', 1), "TV002")])
    assert problem.pointer == "/versions/0/status"
    assert '"status"' in problem.message
