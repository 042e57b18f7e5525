"""TV003 schema: each violation of the training-versions schema, at its value."""

from __future__ import annotations

from ..factories import dumps, s3_entry, webhook_entry
from .helpers import check, where


def test_each_violation_at_its_value() -> None:
    entry = webhook_entry(imageCount="43", timestamp="yesterday")
    del entry["name"]
    text = dumps({"versions": [s3_entry("style_1_vV6"), entry]})
    # A missing property is reported at the object that lacks it.
    entry_line = where(text, '"id": "3e248bb6')[0] - 1
    problems = check(
        text,
        problems=[
            (entry_line, 5, "TV003"),
            (*where(text, '"yesterday"'), "TV003"),
            (*where(text, '"43"'), "TV003"),
        ],
    )
    by_pointer = {p.pointer: p for p in problems}
    assert 'the required key "name" is missing' in by_pointer["/versions/1"].message
    assert by_pointer["/versions/1/imageCount"].message.startswith("/versions/1/imageCount: ")


def test_a_failed_format_says_the_form_expected() -> None:
    text = dumps({"versions": [webhook_entry(timestamp="2025-10-11 14:03:22")]})
    [problem] = check(text, problems=[(*where(text, '"2025-10-11 14:03:22"'), "TV003")])
    assert problem.message == (
        '/versions/0/timestamp: "2025-10-11 14:03:22" is not an RFC 3339 date-time such '
        "as 2025-10-12T08:41:02Z"
    )


def test_off_when_not_selected() -> None:
    check(dumps({"versions": [webhook_entry(status="done")]}), config='ignore = ["schema"]')
