"""TV009 file-name-as-name: an entry named by its model file rather than its version."""

from __future__ import annotations

from ..factories import ACCEL, dumps, legacy_s3_entry, s3_entry, webhook_entry
from .helpers import check, where


def test_a_name_that_is_the_model_file_s_name() -> None:
    text = dumps({"versions": [legacy_s3_entry("style_1_vV8")]})
    [problem] = check(text, problems=[(*where(text, '"style_1_vV8.safetensors"'), "TV009")])
    assert problem.pointer == "/versions/0/name"
    assert problem.message == (
        'name "style_1_vV8.safetensors" is the model file\'s name, not its version V8'
    )
    assert (problem.fix, problem.fixable) == ("unsafe", False)
    [allowed] = check(
        text, "unsafe-fixes = true", problems=[(problem.line, problem.column, "TV009")]
    )
    assert allowed.fixable


def test_a_model_file_with_no_version_tag_is_left_to_a_person() -> None:
    entry = legacy_s3_entry("watercolour", name="watercolour.safetensors")
    text = dumps({"versions": [entry]})
    [problem] = check(
        text, "unsafe-fixes = true", problems=[(*where(text, '"watercolour.s'), "TV009")]
    )
    assert problem.message.endswith(
        "not a version (the file's name ends with no version tag such as _V7)"
    )
    assert (problem.fix, problem.fixable) == (None, False)


def test_an_entry_that_fix_removes_anyway_is_fixed_by_fix() -> None:
    # The sync's duplicate of a webhook entry: --fix removes it, and its name with it.
    text = dumps({"versions": [legacy_s3_entry(), webhook_entry()]})
    named, _ = check(
        text,
        problems=[
            (*where(text, '"style_1_vV7.safetensors"'), "TV009"),
            (*where(text, '"https', 0), "TV004"),
        ],
    )
    assert (named.fix, named.fixable) == ("safe", True)


def test_names_that_are_versions_or_not_the_file_s_are_left_alone() -> None:
    check(dumps({"versions": [s3_entry("style_1_vV8"), s3_entry(name="Watercolour, final")]}))
    # The model file's name as another entry's: not this entry's own.
    other = s3_entry(
        "style_1_vV9", name="style_1_vV8.safetensors", loraUrl=ACCEL + "style_1_vV9.safetensors"
    )
    check(dumps({"versions": [other]}))
