from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tvlint.schema import (
    SchemaLoadError,
    load_schema,
    make_validator,
    shipped_checker,
    shipped_schema_text,
)
from tvlint.string_formats import rfc3339_instant

from .factories import s3_entry, webhook_entry

ROOT = Path(__file__).resolve().parent.parent


def errors(data: Any) -> list[str]:
    return sorted(e.message for e in shipped_checker().validator.iter_errors(data))


def test_shipped_schema_is_the_one_under_schemas() -> None:
    assert shipped_schema_text() == (ROOT / "schemas" / "training_versions.schema.json").read_text()


def test_schema_is_valid_2020_12_with_id_title_and_descriptions() -> None:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] and schema["title"]
    assert "Unknown keys are allowed" in schema["description"]
    assert "Unknown keys are allowed" in schema["$defs"]["entry"]["description"]
    for key, prop in schema["$defs"]["entry"]["properties"].items():
        assert prop.get("description") or "$ref" in prop, key


@pytest.mark.parametrize(
    "data",
    [
        {"versions": []},
        {"versions": [webhook_entry(), s3_entry()]},
        {"versions": [webhook_entry(status="pending", loraUrl=None)]},
        {
            "versions": [
                {k: v for k, v in webhook_entry().items() if k not in ("loraUrl", "completedAt")}
                | {"status": "failed", "failedAt": "2025-10-12T08:20:00Z", "error": "OOM"}
            ]
        },
        {"versions": [s3_entry(name="V7", isGood=True)]},
        {"versions": [webhook_entry(newKeyFromAWriter={"any": "thing"})], "extra": 1},
        {"versions": [webhook_entry(timestamp="2025-10-12T10:41:02+02:00")]},
        {
            "versions": [
                s3_entry(loraUrl=s3_entry()["loraUrl"] + "?X-Amz-Signature=abc&X-Amz-Expires=3600")
            ]
        },
        {"versions": [webhook_entry(parameters={"network_dim": 16, "future_knob": "x"})]},
    ],
)
def test_real_shapes_pass(data: dict[str, Any]) -> None:
    for entry in data["versions"]:
        if entry.get("loraUrl") is None:
            entry.pop("loraUrl", None)
    assert errors(data) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": None}, "None is not of type 'string'"),
        ({"imageCount": "43"}, "'43' is not of type 'integer'"),
        ({"selectionSetId": 1.5}, "1.5 is not of type 'integer'"),
        ({"status": "done"}, "'done' is not one of"),
        ({"timestamp": "yesterday"}, "'yesterday' is not a 'date-time'"),
        ({"timestamp": "2025-13-01T00:00:00Z"}, "'2025-13-01T00:00:00Z' is not a 'date-time'"),
        ({"timestamp": "2025-02-30T00:00:00Z"}, "is not a 'date-time'"),
        ({"timestamp": "2025-10-12T08:41:02"}, "is not a 'date-time'"),
        ({"completedAt": "2025-10-12 08:41"}, "is not a 'date-time'"),
        ({"loraUrl": "s3://bucket/models/a.safetensors"}, "does not match"),
        ({"loraUrl": "/models/a.safetensors"}, "does not match"),
        ({"loraUrl": "https://host.example/"}, "does not match"),
        ({"loraUrl": "https://ho st/a.safetensors"}, "does not match"),
        ({"loraUrl": 5}, "5 is not of type 'string'"),
        # Python's "$" (in the pattern, and in rfc3986-validator, which jsonschema would
        # use) matches before a final newline; a URI holds none.
        ({"loraUrl": "https://b.s3.amazonaws.com/m/a.safetensors\n"}, "is not a 'uri'"),
        ({"isGood": "yes"}, "'yes' is not of type 'boolean'"),
        ({"parameters": []}, "[] is not of type 'object'"),
        ({"parameters": {"learning_rate": "3e-4"}}, "'3e-4' is not of type 'number'"),
        ({"parameters": {"network_dim": -1}}, "-1 is less than the minimum of 0"),
    ],
)
def test_each_violation_fails(change: dict[str, Any], expected: str) -> None:
    found = errors({"versions": [webhook_entry(**change)]})
    assert any(expected in message for message in found), found


@pytest.mark.parametrize("key", ["id", "name", "timestamp", "status", "parameters"])
def test_required_keys(key: str) -> None:
    entry = s3_entry()
    del entry[key]
    assert errors({"versions": [entry]}) == [f"'{key}' is a required property"]


@pytest.mark.parametrize(
    "data", [None, [], {}, {"versions": None}, {"versions": {}}, {"versions": [5]}]
)
def test_wrong_document_shapes_fail(data: Any) -> None:
    assert errors(data)


def test_every_violation_is_reported_not_only_the_first() -> None:
    entry = webhook_entry(imageCount="43", status="done", timestamp="yesterday")
    del entry["name"]
    assert len(errors({"versions": [entry, s3_entry(loraUrl=5)]})) == 5


def test_formats_are_really_checked() -> None:
    checker = shipped_checker().validator.format_checker  # type: ignore[attr-defined]
    assert checker is not None
    assert {"date-time", "uri"} <= set(checker.checkers)
    assert not checker.conforms("2025-13-01T00:00:00Z", "date-time")
    assert not checker.conforms("https://exa mple.com/x", "uri")


def test_date_time_format_and_ranking_share_one_parser() -> None:
    assert rfc3339_instant("2025-10-12T10:41:02+02:00") == rfc3339_instant("2025-10-12T08:41:02Z")
    assert rfc3339_instant("2025-10-12t08:41:02.5z") is not None
    assert rfc3339_instant("2025-10-12T08:41:02+24:00") is None
    assert rfc3339_instant("2025-10-12T08:41:60Z") is None
    assert rfc3339_instant(20251012) is None


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read schema"),
        ("{not json", "not valid JSON"),
        ("[1]", "not a JSON Schema"),
        (json.dumps({"type": "no-such-type"}), "not a valid JSON Schema"),
    ],
)
def test_bad_schema_files_raise_clear_errors(
    tmp_path: Path, content: str | None, words: str
) -> None:
    path = tmp_path / "schema.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(SchemaLoadError, match=words):
        make_validator(load_schema(str(path)))
