"""TV001 invalid-json: a file that is not strict JSON, at the parser's position."""

from __future__ import annotations

from .helpers import check


def test_at_the_parser_position() -> None:
    # The trailing comma, line 3, column 16.
    [problem] = check('{\n  "versions": [\n    {"id": "a"},\n  ]\n}', problems=[(3, 16, "TV001")])
    assert problem.rule == "invalid-json"
    assert problem.pointer == ""


def test_reported_whatever_is_selected() -> None:
    check('{"versions": [}', config='select = ["TV004"]', problems=[(1, 15, "TV001")])
