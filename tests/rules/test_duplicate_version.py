"""TV008 duplicate-version: one training run recorded by entries that name no common
model file, one problem for each entry beyond the one kept."""

from __future__ import annotations

from typing import Any

import pytest

from tvlint.versions import version_of

from ..factories import ACCEL, REGIONAL, dumps, legacy_s3_entry, s3_entry, webhook_entry
from .helpers import check, where

UNSAFE = "unsafe-fixes = true"


def pending(version: str = "V8", **extra: Any) -> dict[str, Any]:
    """The webhook's entry of a run whose completion never arrived: no model file yet."""
    entry = webhook_entry(job="aa11-e3", model=f"style_1_v{version}", status="pending")
    del entry["loraUrl"], entry["completedAt"]
    return {**entry, **extra}


def test_the_pending_webhook_entry_and_the_sync_s_entry_of_one_run() -> None:
    text = dumps({"versions": [s3_entry("style_1_vV8"), pending()]})
    [problem] = check(text, problems=[(*where(text, '"V8"'), "TV008")])
    kept_line = where(text, '"id": "aa11-e3"')[0] - 1
    assert problem.message == (
        f'entry "style_1_vV8" duplicates "aa11-e3" (line {kept_line}): same version V8'
    )
    assert problem.pointer == "/versions/0/name"
    # Its fix changes values: unsafe, made only where unsafe fixes are asked for.
    assert (problem.fix, problem.fixable) == ("unsafe", False)
    [allowed] = check(text, UNSAFE, problems=[(*where(text, '"V8"'), "TV008")])
    assert (allowed.fix, allowed.fixable) == ("unsafe", True)


def test_a_name_that_is_no_version_takes_the_model_file_s_tag() -> None:
    text = dumps({"versions": [legacy_s3_entry("style_1_vV8"), pending()]})
    problems = check(
        text,
        problems=[
            (*where(text, '"style_1_vV8.safetensors"'), "TV009"),
            (*where(text, '"' + REGIONAL), "TV008"),
        ],
    )
    assert problems[1].pointer == "/versions/0/loraUrl"


@pytest.mark.parametrize(
    ("entry", "version"),
    [
        ({"name": "V8"}, "V8"),
        ({"name": "v08"}, "V8"),
        ({"name": "V0"}, "V0"),
        ({"name": "V8 retry", "loraUrl": ACCEL + "style_1_vV9.safetensors"}, "V9"),
        ({"loraUrl": ACCEL + "actor_6_V7.safetensors"}, "V7"),
        ({"loraUrl": ACCEL + "style_1_v12.safetensors?X-Amz-Signature=x"}, "V12"),
        ({"loraUrl": ACCEL + "style_1_vV7.old.safetensors"}, None),  # the tag ends the stem
        ({"loraUrl": ACCEL + "style_1.safetensors"}, None),
        ({"loraUrl": ACCEL + "style_V7_x.safetensors"}, None),
        ({"name": "V8\n"}, None),
        ({"name": "V٨"}, None),  # an Arabic-Indic eight is a digit, but not a version's
        ({"name": 8}, None),
        ({}, None),
    ],
)
def test_an_entry_s_version(entry: dict[str, Any], version: str | None) -> None:
    assert version_of(entry) == version


def test_a_failed_run_and_a_completed_run_of_different_versions() -> None:
    failed = webhook_entry(job="bb22-e1", model="style_1_vV6", status="failed")
    del failed["loraUrl"], failed["completedAt"]
    check(dumps({"versions": [webhook_entry(), failed]}))


def test_the_same_version_with_the_same_model_file_is_tv004_s_alone() -> None:
    text = dumps({"versions": [s3_entry(), webhook_entry()]})
    check(text, problems=[(*where(text, '"' + REGIONAL), "TV004")])


def test_entries_with_no_version_never_collide() -> None:
    a, b = pending(name="first try"), pending(name="second try")
    b["id"] = "bb22-e1"
    check(dumps({"versions": [a, b]}))


def _left(versions: list[dict[str, Any]], pointer: str) -> str:
    """The one problem's message, for a group that is reported and left to a person."""
    text = dumps({"versions": versions})
    [problem] = check(text, UNSAFE, problems=[(*where(text, pointer), "TV008")])
    assert (problem.fix, problem.fixable) == (None, False)
    return problem.message


def test_a_failed_run_and_a_completed_one_of_the_same_version_are_left() -> None:
    failed = webhook_entry(job="bb22-e1", status="failed")
    del failed["loraUrl"], failed["completedAt"]
    versions = [webhook_entry(), failed]
    text = dumps({"versions": versions})
    [problem] = check(text, UNSAFE, problems=[(*where(text, '"V7"', 1), "TV008")])
    assert (problem.fix, problem.fixable) == (None, False)
    message = problem.message
    assert message.endswith(
        '"bb22-e1" failed: a failed run is never merged; delete the entry not wanted'
    )


def test_two_model_files_of_one_version_are_left() -> None:
    retrained = ACCEL + "retrained/style_1_vV8b_V8.safetensors"
    other = s3_entry("style_1_vV8", id="style_1_vV8b", loraUrl=retrained)
    text = dumps({"versions": [s3_entry("style_1_vV8"), pending(), other]})
    first, second = check(
        text,
        UNSAFE,
        problems=[(*where(text, '"V8"'), "TV008"), (*where(text, '"V8"', 2), "TV008")],
    )
    assert first.message.endswith(
        '"style_1_vV8", "style_1_vV8b" each have a loraUrl; delete the entry not wanted'
    )
    assert (first.fix, second.fix) == (None, None)


def test_a_kept_entry_that_is_not_running_is_left() -> None:
    completed = pending(status="completed")
    message = _left([s3_entry("style_1_vV8"), completed], '"V8"')
    assert 'the kept entry\'s status is "completed", not pending' in message


def test_conflicting_protected_values_are_left() -> None:
    versions = [s3_entry("style_1_vV8", isGood=True), pending(isGood=False)]
    message = _left(versions, '"V8"')
    assert message.endswith(
        'conflicting isGood: kept "aa11-e3" false, "style_1_vV8" true; make isGood agree '
        "(or delete the entries not wanted)"
    )


def test_a_group_beyond_two_points_its_others_at_the_first() -> None:
    versions = [s3_entry("style_1_vV8"), pending(), pending(status="training")]
    versions[2]["id"] = "cc33-e1"
    versions[0]["status"] = "failed"
    text = dumps({"versions": versions})
    first, second = check(
        text,
        UNSAFE,
        problems=[
            (*where(text, '"V8"'), "TV008"),
            (*where(text, '"V8"', 2), "TV008"),
        ],
    )
    assert "failed" in first.message
    assert second.message.endswith(f"left to a person: see line {first.line}")


def test_the_studio_s_clean_files_raise_neither_rule() -> None:
    # An actor: V1-V5 failed, V6 completed; a style whose pending V7 was completed in
    # place under the same id; the sync's entries named by their version.
    actor = []
    for n in range(5, 0, -1):
        failed = webhook_entry(job=f"a{n}-e1", model=f"actor_6_V{n}", status="failed")
        del failed["loraUrl"], failed["completedAt"]
        actor.append(failed)
    models = "https://storyboard-user-files.s3-accelerate.amazonaws.com/u/custom-actors/models/"
    actor.insert(
        0, webhook_entry(job="a6-e1", model="actor_6_V6", loraUrl=models + "actor_6_V6.safetensors")
    )
    check(dumps({"versions": actor}))
    style = [
        webhook_entry(job="c7-e1"),
        s3_entry("style_1_vV6"),
        webhook_entry(job="c5-e1", model="style_1_vV5"),
    ]
    check(dumps({"versions": style}))
