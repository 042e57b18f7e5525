"""TV004 duplicate-lora-url: entries that name one model file, one problem for each
beyond the entry --fix keeps."""

from __future__ import annotations

from ..factories import ACCEL, REGIONAL, dumps, s3_entry, webhook_entry
from .helpers import check, where


def test_names_the_kept_entry_and_points_at_the_duplicate_url() -> None:
    text = dumps({"versions": [s3_entry(), webhook_entry()]})
    # The S3-sync entry comes first, but the webhook entry (with parameters) is kept.
    [problem] = check(text, problems=[(*where(text, '"' + REGIONAL), "TV004")])
    assert (problem.rule, problem.pointer) == ("duplicate-lora-url", "/versions/0/loraUrl")
    kept_line = where(text, '"id": "3e248bb6')[0] - 1
    assert problem.message == (
        f'entry "style_1_vV7" duplicates "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" '
        f"(line {kept_line}): same model file style_1_vV7.safetensors"
    )
    assert problem.fixable


def test_one_problem_per_entry_beyond_the_kept_one() -> None:
    presigned = ACCEL + "style_1_vV7.safetensors?X-Amz-Signature=deadbeef"
    versions = [
        s3_entry(),
        webhook_entry(),
        s3_entry(id="again", loraUrl=presigned),
        s3_entry("style_1_vV8"),
    ]
    text = dumps({"versions": versions})
    problems = check(
        text,
        problems=[(*where(text, '"' + REGIONAL), "TV004"), (*where(text, '"' + ACCEL, 1), "TV004")],
    )
    assert [p.pointer for p in problems] == ["/versions/0/loraUrl", "/versions/2/loraUrl"]


def test_entries_without_lora_url_never_collide() -> None:
    a = webhook_entry(status="pending")
    b = webhook_entry(job="other-e2", status="training", name="V8")
    del a["loraUrl"], b["loraUrl"]
    check(dumps({"versions": [a, b]}))


def test_a_conflict_is_not_fixable_and_says_what_to_do() -> None:
    text = dumps({"versions": [s3_entry(isGood=True), webhook_entry(isGood=False)]})
    [problem] = check(text, problems=[(*where(text, '"' + REGIONAL), "TV004")])
    assert not problem.fixable
    assert problem.message.endswith(
        "make isGood agree (or delete the entries not wanted), then run tvlint --fix"
    )
    # With nothing protected, the kept entry's verdict wins: a fixable duplicate.
    [unprotected] = check(
        text, config="protect = []", problems=[(*where(text, '"' + REGIONAL), "TV004")]
    )
    assert unprotected.fixable
