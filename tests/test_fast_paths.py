"""Every fast path gives the answer of the slow path it stands in for."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tvlint.document as document
import tvlint.json_errors as json_errors
from tvlint.document import parse
from tvlint.fastschema import compile_schema, module_source, shipped_module_source
from tvlint.model_file import entry_model_files, model_file, shared
from tvlint.native_schema import LOAD_AFTER, NativeVerdict, stricter
from tvlint.ranking import canonical, same_value
from tvlint.rules.schema import SchemaRule
from tvlint.schema import SchemaChecker, load_schema, make_validator, shipped_checker
from tvlint.string_formats import (
    DATE_TIME_ANYWHERE,
    PLAIN_URL,
    all_date_times,
    is_date_time,
    rfc3339_instant,
)
from tvlint.untrusted import _strict, json_text
from tvlint.versions import EntryVersions, file_version, named_by_file, version_of

from .factories import as_datetime, s3_entry, webhook_entry

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = load_schema()
REFERENCE = make_validator(SCHEMA)


def test_the_shipped_compiled_check_is_generated_from_the_shipped_schema() -> None:
    generated = (ROOT / "tvlint" / "_shipped_schema_check.py").read_text()
    assert generated == shipped_module_source(SCHEMA), "stale: run python -m tvlint.fastschema"
    assert generated == module_source(SCHEMA, "schemas/training_versions.schema.json")


def test_keywords_the_compiler_does_not_know_are_checked_by_jsonschema() -> None:
    # The shipped schema may use any keyword: a copy with minItems and an if/then.
    schema = json.loads(json.dumps(SCHEMA))
    schema["properties"]["versions"]["minItems"] = 1
    schema["if"] = {"properties": {"locked": {"const": True}}, "required": ["locked"]}
    schema["then"] = {"required": ["lockedBy"]}
    assert module_source(schema) is None  # not compilable: no fast path
    generated = shipped_module_source(schema)
    namespace: dict[str, Any] = {}
    exec(generated, namespace)
    assert namespace["valid"] is None  # the shipped module leaves it to jsonschema
    checker = SchemaChecker(lambda: schema, namespace["valid"])
    rule = SchemaRule(checker)

    def messages(data: Any) -> list[str]:
        doc = parse(json.dumps(data).encode())
        return [f.message for f in rule.check(doc)]

    assert messages({"versions": [webhook_entry()]}) == []
    assert messages({"versions": []}) == ["/versions: [] should be non-empty"]
    assert messages({"versions": [webhook_entry()], "locked": True}) == [
        '/: the required key "lockedBy" is missing'
    ]


# Values that probe each keyword: right and wrong types, edges, formats.
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, -0.5, 1.0, 2.5, 1e300, -1e-300, 43.0, 10**25]),
    st.sampled_from(
        [
            "",
            "x",
            "V7",
            "completed",
            "done",
            "starting",
            "2025-10-12T08:41:02Z",
            "2025-02-29T00:00:00Z",
            "2024-02-29T00:00:00+01:00",
            "2025-13-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "2025-10-12T08:41:02",
            "2025-10-12t08:41:02.5z",
            "https://h/a/b.safetensors",
            "https://h/",
            "HTTP://H/x?y#z",
            "s3://b/k",
            "https://a b/c",
            "https://h/%zz",
            "https://h/\u00e9t\u00e9.safetensors",
            "2025-06-31T00:00:00Z",
        ]
    ),
    st.lists(st.integers(0, 2), max_size=2),
    st.dictionaries(st.sampled_from(["network_dim", "x"]), st.integers(-1, 2), max_size=2),
)
KEYS = ["id", "name", "description", "timestamp", "parameters", "status", "loraUrl",
        "selectionSetId", "imageCount", "completedAt", "failedAt", "lastSynced", "isGood",
        "error", "unknownKey"]  # fmt: skip


@st.composite
def documents(draw: st.DrawFn) -> Any:
    base = [webhook_entry(), s3_entry(), webhook_entry(status="pending")]
    versions = copy.deepcopy(draw(st.lists(st.sampled_from(base), max_size=4)))
    for entry in versions:
        for _ in range(draw(st.integers(0, 3))):
            key = draw(st.sampled_from(KEYS))
            if draw(st.integers(0, 4)) == 0:
                entry.pop(key, None)
            elif key == "parameters" and draw(st.booleans()):
                entry[key] = {
                    draw(st.sampled_from(["learning_rate", "batch_size", "x"])): draw(ODD_VALUES)
                }
            else:
                entry[key] = draw(ODD_VALUES)
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(ODD_VALUES)
    if shape == 1:
        return {"versions": draw(ODD_VALUES)}
    return {"versions": versions}


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_compiled_check_and_jsonschema_agree(data: Any) -> None:
    assert shipped_checker().fast_verdict(data) == REFERENCE.is_valid(data)


def test_compiled_check_sees_both_verdicts() -> None:
    fast = shipped_checker().fast
    assert fast is not None
    assert fast({"versions": [webhook_entry(), s3_entry()]}) is True
    assert fast({"versions": [webhook_entry(imageCount="43")]}) is False


@pytest.mark.parametrize(
    "schema",
    [{"type": "object", "additionalProperties": False}, {"oneOf": [{}]}, {"format": "email"},
     {"$schema": "http://json-schema.org/draft-07/schema#"}, {"enum": [1, True]}],
)  # fmt: skip
def test_schemas_beyond_the_subset_are_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_schema(schema) is None


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.from_regex(
            r"\d{4}-[01]\d-[0-3]\d[Tt ][0-2]\d:[0-6]\d:[0-6]\d(\.\d{1,3})?([Zz]|[+-][0-2]\d:[0-6]\d)?",
            fullmatch=True,
        )
        | st.sampled_from(
            ["", "2025-10-12T08:41:02Z\n", "2025-02-29T00:00:00Z", "2024-02-29T00:00:00Z"]
        )
        | st.text(max_size=4),
        min_size=1,
        max_size=6,
    )
)
def test_date_time_paths_agree(values: list[str]) -> None:
    # One regex call for many values (joined) says what each value's check says.
    for value in values:
        assert is_date_time(value) == (rfc3339_instant(value) is not None)
    assert all_date_times(values) == all(map(is_date_time, values))


@settings(max_examples=1000, deadline=None)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(None)
        ).map(lambda d: d.isoformat(timespec="microseconds")),
        min_size=2,
        max_size=2,
    ),
    st.lists(
        st.sampled_from(["Z", "z", "+00:00", "-23:59", "+05:30", "-01:00"]), min_size=2, max_size=2
    ),
    st.lists(st.integers(0, 6), min_size=2, max_size=2),
)
def test_instants_sort_as_datetime_does(
    stamps: list[str], zones: list[str], cuts: list[int]
) -> None:
    # Fractions of 0 to 6 digits, trailing zeros included, on either side.
    values = [
        (s[: len(s) - cut] if cut < 6 else s[:-7]) + zone
        for s, zone, cut in zip(stamps, zones, cuts, strict=True)
    ]
    a, b = (rfc3339_instant(v) for v in values)
    assert a is not None and b is not None
    first, second = (as_datetime(v) for v in values)
    assert first is not None and second is not None
    assert (a < b, a == b) == (first < second, first == second)


def test_date_times_are_checked_in_batches_of_bounded_memory() -> None:
    import tracemalloc

    values = [f"2025-10-{1 + i % 28:02d}T08:41:02.{i}Z" for i in range(20_000)]
    tracemalloc.start()
    try:
        assert all_date_times(values)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # One regex call over all of them keeps ~700 bytes of backtracking state per value.
    assert peak < 3_000_000
    for bad in ("2025-02-30T08:41:02Z", "0000-10-12T08:41:02Z", "2025-10-12 08:41:02Z"):
        assert not all_date_times([*values[:3077], bad, *values[:5]])


def test_batched_date_times_reject_a_hidden_newline() -> None:
    assert not all_date_times(["2025-10-12T08:41:02Z\n2025-10-12T08:41:02Z"])
    assert all_date_times(["2025-10-12T08:41:02Z", "2024-02-29T08:41:02Z"])
    assert not all_date_times(["2025-10-12T08:41:02Z", "2025-02-29T08:41:02Z"])


SMALL_JSON = st.recursive(
    st.none() | st.booleans() | st.sampled_from([0, 1, 0.0, -0.0, 1.0, "", "a", "1"]),
    lambda inner: (
        st.lists(inner, max_size=2)
        | st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2)
    ),
    max_leaves=4,
)
NUMBERS = (0, 1, 0.0, -0.0, 1.0, True, False)


@st.composite
def value_pairs(draw: st.DrawFn) -> tuple[Any, Any]:
    """Two values, the second often the first with numbers swapped for equal ones of
    another type (1, 1.0, true; 0.0, -0.0), which Python calls equal and JSON does not."""
    a = draw(SMALL_JSON)

    def twin(value: Any) -> Any:
        if isinstance(value, list):
            return [twin(v) for v in value]
        if isinstance(value, dict):
            return {k: twin(v) for k, v in value.items()}
        if isinstance(value, (int, float)):
            return draw(st.sampled_from([n for n in NUMBERS if n == value]))
        return value

    return a, twin(a) if draw(st.booleans()) else draw(SMALL_JSON)


@settings(max_examples=500, deadline=None)
@given(value_pairs() | st.tuples(st.sampled_from(NUMBERS), st.sampled_from(NUMBERS)))
def test_same_value_is_the_comparison_as_json(pair: tuple[Any, Any]) -> None:
    a, b = pair
    assert same_value(a, b) == (a == b and canonical(a) == canonical(b))


# Strings with lone surrogates (undecodable bytes of a file name: low ones, as os.fsdecode
# makes them, and high ones), characters beyond the BMP (json writes them as a pair of
# surrogate escapes), controls and bidi characters; numbers json cannot write.
REPORT_STRINGS = st.text(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
    | st.sampled_from(["a", "\U0001f600", "\x1b", "\u202e", "\\", '"', "\n"]),
    max_size=4,
)
REPORT_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308])
    | REPORT_STRINGS,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(REPORT_STRINGS | st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(REPORT_VALUES)
@example("\udcff")
@example("\udfff")
@example("\ud800")
@example({"\ud83d\ude00": "\ud83d\ude00"})  # a pair, as two code points
@example([float("inf"), float("nan"), -1e400])
def test_json_reports_are_written_as_the_strict_walk_writes_them(document: Any) -> None:
    assert json_text(document) == json.dumps(_strict(document), indent=2, ensure_ascii=True)


# A subschema with an $id of its own: "#/$defs/d" inside it is its own $defs/d.
_OWN_BASE = {
    "$id": "https://example.com/sub",
    "$defs": {"d": {"type": "integer"}},
    "$ref": "#/$defs/d",
}
_OWN_BASE_SCHEMAS = [
    {"$defs": {"d": {"type": "string"}}, "properties": {"a": _OWN_BASE}},
    {"$defs": {"d": {"type": "string"}, "y": _OWN_BASE}, "properties": {"a": {"$ref": "#/$defs/y"}}},
    {"$defs": {"d": {"type": "string"}, "y": {"$id": "https://example.com/y", "$defs": {"d": {"type": "integer"}}, "properties": {"b": {"$ref": "#/$defs/d"}}}}, "properties": {"a": {"$ref": "#/$defs/y/properties/b"}}},
]  # fmt: skip


@pytest.mark.parametrize("spelled", ["%41", "a%20b", "a%7E0", "a%25"])
def test_a_ref_with_percent_escapes_is_left_to_jsonschema(spelled: str) -> None:
    # jsonschema decodes the escapes before it reads the pointer: "#/$defs/%41" is A.
    decoded = unquote(spelled).replace("~0", "~")
    schema = {
        "$defs": {spelled: {"type": "object"}, decoded: {"type": "array"}},
        "$ref": f"#/$defs/{spelled}",
    }
    assert not make_validator(schema).is_valid({"versions": []})
    assert compile_schema(schema) is None


@pytest.mark.parametrize("schema", _OWN_BASE_SCHEMAS)
def test_a_subschema_with_its_own_id_is_left_to_jsonschema(schema: dict[str, Any]) -> None:
    assert compile_schema(schema) is None
    assert (
        compile_schema({**schema, "$id": "https://example.com/root"} | {"properties": {}})
        is not None
    )


_TYPES = ["string", "object", "array", "boolean", "null", "number", "integer"]
_INSTANCES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3)
    | st.sampled_from([0.0, 1.0, -0.5, 2.5, 1e300, 10**20])
    | st.sampled_from(["", "a", "ab", "2025-10-12T08:41:02Z", "2025-02-30T00:00:00Z", "https://h/a", "x y"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
_LEAF_SCHEMAS = st.booleans() | st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(_TYPES) | st.lists(st.sampled_from(_TYPES), min_size=1, max_size=3, unique=True),
        "enum": st.lists(st.sampled_from(["a", "b", ""]), max_size=2),
        "minLength": st.integers(0, 2), "maxLength": st.integers(0, 2),
        "minimum": st.sampled_from([0, 1, -0.5, 2.5]), "maximum": st.sampled_from([0, 1, 2.5]),
        "exclusiveMinimum": st.sampled_from([0, 1.0]), "exclusiveMaximum": st.sampled_from([1, 3]),
        "pattern": st.sampled_from(["a", "^b$", "^$"]),
        "format": st.sampled_from(["date-time", "uri"]),
        "$ref": st.just("#/$defs/d"),
        "$id": st.just("https://example.com/sub"),
    },
)  # fmt: skip
_USER_SCHEMAS = st.recursive(
    _LEAF_SCHEMAS,
    lambda inner: st.builds(
        lambda base, props, required, items: {
            **(base if isinstance(base, dict) else {}),
            **({"properties": props} if props else {}),
            **({"required": required} if required else {}),
            **({"items": items} if items is not None else {}),
        },
        _LEAF_SCHEMAS,
        st.dictionaries(st.sampled_from("abc"), inner, max_size=2),
        st.lists(st.sampled_from("ab"), max_size=2, unique=True),
        st.none() | inner,
    ),
    max_leaves=6,
)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(_USER_SCHEMAS, _LEAF_SCHEMAS, st.lists(_INSTANCES, min_size=1, max_size=6))
@example({"properties": {"a": _OWN_BASE}}, {"type": "string"}, [{"a": "s"}, {"a": 1}])
def test_a_user_schema_compiled_says_what_jsonschema_says(
    schema: Any, definition: Any, instances: list[Any]
) -> None:
    # The compiled check of a --schema gives the verdict; jsonschema explains a "no".
    if isinstance(definition, dict) and "$ref" in definition:
        return  # a definition that refers to itself, without end
    root = {**schema, "$defs": {"d": definition}} if isinstance(schema, dict) else schema
    check = compile_schema(root)
    if check is None:
        return
    reference = make_validator(root)
    for instance in instances:
        assert check(instance) == reference.is_valid(instance), (root, instance)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.from_regex(
            r"https?://[a-z.]{0,8}(/[a-z%0-9._?#-]{0,8}){0,3}[?#]?[a-z=&]{0,5}", fullmatch=True
        ),
        st.text(max_size=30),
        # What urlsplit strips, refuses or normalises: Unicode spaces, brackets,
        # characters whose NFKC form is a delimiter.
        st.builds(
            str.__add__,
            st.sampled_from(["https://", "http://"]),
            st.text(alphabet="ab/?#%.[]:@ \xa0\u3000\u2028\x85\uff0f\uff03\u2100", max_size=12),
        ),
    )
)
@example("https://h/a.safetensors\u3000")
@example("https://[h/m/a.safetensors")
@example("https://a\uff0fb/c")
@example("https://h/m/model%FE.safetensors")
@example("https://h/m/model\udcfe.safetensors")
def test_model_file_fast_path_matches_urlsplit(url: str) -> None:
    from urllib.parse import unquote_to_bytes, urlsplit

    try:
        segment = urlsplit(url.strip()).path.rsplit("/", 1)[-1]
    except ValueError:
        expected = None
    else:
        # The segment's bytes, percent-escapes decoded, as text that gives them back.
        raw = unquote_to_bytes(segment.encode("utf-8", "surrogatepass"))
        expected = raw.decode("utf-8", "surrogateescape") or None
    assert model_file(url) == expected


_LAYOUTS = [
    {"indent": 2}, {"indent": None}, {"indent": "\t"},
    {"separators": (" ,\r\n ", " : ")}, {"separators": (",", ":")},
]  # fmt: skip
JSON_TEXTS = st.one_of(
    st.builds(
        lambda v, layout: json.dumps({"versions": v, "other": v[:1]}, **layout),
        st.lists(
            st.recursive(
                st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=5),
                lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
                max_leaves=12,
            ),
            max_size=4,
        ),
        st.sampled_from(_LAYOUTS),
    ),
    st.sampled_from([
        '{"a": 1, "a": 2}', '{"a" : 1, "a":2}', '{"a": {"b": 1, "b": 1}}', '{"a\\u003a": 1}',
        '{"n": 123456789012345678901234567890}', '{"n": -9223372036854775809}', '{"s": "\\ud800"}', '{"x": 1e400}',
        '{"k": "\\":", "k2": 1}', '{"versions": [1, 2,]}', "[1] x", '{"versions": [1 2]}', '{"versions": [,]}',
            '{"deep": ' + "[" * 300 + "]" * 300 + "}", '{"versions": [{"a": NaN}]}',
            '{"deeper": ' + "[" * 1100 + "]" * 1100 + "}", '{"versions": [{"id": "a"},\n{"id": "a"}]}',
            '{"versions": [{"id": "a", "id": "b"}], "versions": []}', '{"versions": []} x',
    ]),
)  # fmt: skip


def _json_verdict(text: str) -> tuple[bool, Any, bool]:
    """What plain ``json`` makes of ``text``: (parses, data, some key repeated)."""
    repeated = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        repeated.extend(pairs[len(obj) :] if len(obj) != len(pairs) else [])
        return obj

    def reject(name: str) -> Any:
        raise ValueError(name)

    try:
        data = json.loads(text, object_pairs_hook=hook, parse_constant=reject)
    except (ValueError, RecursionError):
        return False, None, False
    if _first_past(text, document.MAX_NESTING) is not None:  # tvlint's own limit
        return False, None, False
    return True, data, bool(repeated)


def _first_past(text: str, limit: int) -> int | None:
    """Where brackets outside strings first nest more than ``limit`` deep in ``text``
    (read one character at a time), or None."""
    depth = 0
    in_string = escaped = False
    for offset, char in enumerate(text):
        if in_string:
            in_string = escaped or char != '"'
            escaped = not escaped and char == "\\"
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return offset
        elif char in "]}":
            depth -= 1
    return None


_BRACKETED_VALUES = st.recursive(
    st.text(alphabet='[]{}"\\a', max_size=6),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text("[{", max_size=2), children, max_size=3),
    max_leaves=30,
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_BRACKETED_VALUES, st.integers(0, 8), st.sampled_from([None, 2, "\t"]))
def test_the_nesting_check_finds_what_reading_every_character_finds(
    value: Any, limit: int, indent: int | str | None
) -> None:
    # The check looks only into values long enough, and with brackets enough, to nest
    # past the limit, and then skips strings by regex: brackets in strings never count.
    text = json.dumps(value, indent=indent)
    expected = _first_past(text, limit)
    assert json_errors._nesting_past(text, 0, len(text), limit) == expected
    prefix = '{"versions": ['
    whole = prefix + text + "]}"
    try:
        json_errors._check_nesting(whole, [(len(prefix), len(whole) - 2)], limit)
    except json_errors._TooDeep as exc:
        assert exc.offset == len(prefix) + expected  # type: ignore[operator]
    else:
        assert expected is None


@settings(max_examples=800, deadline=None)
@given(JSON_TEXTS)
def test_the_walking_parser_gives_json_s_answer_and_true_spans(text: str) -> None:
    # The parse decodes the root's members and each entry of versions by separate calls;
    # together they must be exactly one json.loads, and each span exactly its entry.
    parses, data, repeated = _json_verdict(text)
    raw = text.encode("utf-8", "surrogatepass")
    try:
        doc = document.parse(raw)
    except document.InvalidJSON as exc:
        assert not parses
        with pytest.raises(document.InvalidJSON) as one_call:  # the same error
            document.parse(raw, spans=False)
        assert (one_call.value.message, one_call.value.line, one_call.value.column) == (
            exc.message,
            exc.line,
            exc.column,
        )
        return
    assert parses
    assert doc.data == data
    assert bool(doc.duplicate_keys) == repeated
    whole = document.parse(text.encode("utf-8", "surrogatepass"), spans=False)
    assert (whole.data, whole.duplicate_keys) == (doc.data, doc.duplicate_keys)
    assert whole.element_spans("/versions") == doc.element_spans("/versions")
    versions = data.get("versions") if isinstance(data, dict) else None
    if isinstance(versions, list) and not repeated:
        spans = doc.element_spans("/versions")
        assert [json.loads(doc.text[a:b]) for a, b in spans] == versions
        decode_at = json.JSONDecoder().raw_decode
        for i, entry in enumerate(versions):
            for key, value in entry.items() if isinstance(entry, dict) else ():
                offset = doc.locate(document.join_pointer("versions", i, key))
                assert decode_at(doc.text, offset)[0] == value


@settings(max_examples=300, deadline=None)
@given(JSON_TEXTS)
def test_keys_interned_in_a_large_file_change_nothing_but_memory(text: str) -> None:
    # Above INTERN_KEYS_ABOVE characters each key is interned as it is decoded; forced
    # here for any text, the parse must say the same of it.
    def interning(text: str) -> document.Document:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(document, "INTERN_KEYS_ABOVE", -1)
            return document.parse_text(text)

    try:
        plain = document.parse_text(text)
    except document.InvalidJSON as exc:
        with pytest.raises(document.InvalidJSON) as error:
            interning(text)
        assert (error.value.message, error.value.line) == (exc.message, exc.line)
        return
    interned = interning(text)
    assert interned.data == plain.data
    assert interned.duplicate_keys == plain.duplicate_keys
    assert interned.element_spans("/versions") == plain.element_spans("/versions")


@settings(max_examples=500, deadline=None)
@given(JSON_TEXTS)
def test_the_walk_that_keeps_no_entry_finds_what_the_parse_finds(text: str) -> None:
    # --fix's self-check walks the fixed text without keeping its entries: the same
    # verdict (the same error, at the same place), the same element spans of versions
    # and the same number of repeated keys as the parse that keeps everything.
    try:
        plain = document.parse_text(text)
    except document.InvalidJSON as exc:
        with pytest.raises(document.InvalidJSON) as walked:
            document.walk_text(text)
        assert (walked.value.message, walked.value.line, walked.value.column) == (
            exc.message,
            exc.line,
            exc.column,
        )
        return
    spans, repeated = document.walk_text(text)
    assert spans == plain.element_spans("/versions")
    assert repeated == len(plain.duplicate_keys)


@pytest.mark.slow
def test_the_benchmark_runs_on_a_tiny_tree() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for scenario in ("6 files x 8, clean", "6 files x 8, 80% with a duplicate"):
        assert f"| {scenario} | tvlint |" in proc.stdout
    assert "| 1 staged file, clean | tvlint |" in proc.stdout
    assert "| 1 staged file, with a duplicate | tvlint |" in proc.stdout
    assert "| 1 file, 100 entries (0.1 MB) | tvlint |" in proc.stdout
    assert "tvlint --fix" in proc.stdout
    assert "C++ jsonschema" in proc.stdout  # its row, or the note that says why not


# jsonschema-rs: its "valid", from the stricter schema, is always jsonschema's.
NATIVE = NativeVerdict(load_schema, load_after=0)


def test_the_native_check_is_installed_here() -> None:
    # Where the dependency is missing the path below is never taken; this suite is
    # meant to run where it is, so that the tests that hold it to jsonschema bite.
    assert NATIVE.valid({"versions": [webhook_entry(), s3_entry()]}, 0) is True


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_the_native_check_says_valid_only_where_jsonschema_does(data: Any) -> None:
    if NATIVE.valid(data, 0):
        assert REFERENCE.is_valid(data)


@pytest.mark.parametrize(
    "data",
    [
        {"versions": [webhook_entry(imageCount="43")]},  # invalid: Python explains
        {"versions": [webhook_entry(timestamp="2025-02-29T08:41:02Z")]},  # no such day
        {"versions": [webhook_entry(loraUrl="https://h/m/a%20b.safetensors")]},
        {"versions": [webhook_entry(timestamp="2025-10-12T08:41:02\ud800Z")]},  # no UTF-8
        {"versions": [webhook_entry(imageCount=-(10**40))]},
        # Before jsonschema-rs 0.46 a lone surrogate in a key crashed the process.
        json.loads('{"versions": [], "note\\ud800": 1, "versions\\udfff": []}'),
    ],
)
def test_the_native_check_leaves_the_rest_to_python(data: Any) -> None:
    assert NATIVE.valid(data, 0) is None
    assert shipped_checker().fast_verdict(data) == REFERENCE.is_valid(data)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(
        st.from_regex(
            r"[0-9]{4}-[01][0-9]-[0-3][0-9][Tt ][0-2][0-9]:[0-6][0-9]:[0-6][0-9](\.[0-9]{1,3})?"
            r"([Zz]|[+-][0-2][0-9]:[0-6][0-9])?",
            fullmatch=True,
        ),
        st.text(max_size=30),
    )
)
def test_the_portable_date_time_pattern_is_the_format(value: str) -> None:
    assert bool(re.fullmatch(DATE_TIME_ANYWHERE, value)) == is_date_time(value)


def test_the_portable_date_time_pattern_knows_the_calendar() -> None:
    # Every day of a leap and a common year, and February 29 in every year.
    for year in (2024, 2025):
        for month in range(1, 13):
            for day in range(0, 33):
                value = f"{year}-{month:02d}-{day:02d}T00:00:00Z"
                assert bool(re.fullmatch(DATE_TIME_ANYWHERE, value)) == is_date_time(value)
    for any_year in range(10000):
        value = f"{any_year:04d}-02-29T23:59:59.5+01:00"
        assert bool(re.fullmatch(DATE_TIME_ANYWHERE, value)) == is_date_time(value), value


def test_the_writers_date_times_and_urls_take_the_native_path() -> None:
    for value in ("2025-10-13T19:36:17.724Z", "2025-10-12T08:41:02+00:00", "2025-12-31T23:59:59Z"):
        assert re.fullmatch(DATE_TIME_ANYWHERE, value), value
    assert re.fullmatch(PLAIN_URL, webhook_entry()["loraUrl"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab/:.%~ ", max_size=40))
def test_the_plain_url_pattern_is_host_then_slash_separated_segments(rest: str) -> None:
    # Written without a group repeated inside a repeat; the same strings as with one.
    url = "https://" + rest
    spelled_out = r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~-]+(?:/[A-Za-z0-9._~-]*)*"
    assert bool(re.fullmatch(PLAIN_URL, url)) == bool(re.fullmatch(spelled_out, url))


def test_a_long_path_that_is_not_a_plain_url_is_told_in_little_memory() -> None:
    url = "https://b" + "/a" * 100_000 + " x"
    tracemalloc.start()
    try:
        assert re.fullmatch(PLAIN_URL, url) is None
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(url)  # a repeated group kept state at every slash: 12 MB


def test_the_stricter_schema_turns_formats_into_patterns_and_leaves_data_alone() -> None:
    schema: dict[str, Any] = {
        "properties": {
            "at": {"type": "string", "format": "date-time"},
            "format": {"enum": [{"format": "uri"}]},
        }
    }
    strict = stricter(schema)
    assert strict["properties"]["at"] == {
        "type": "string",
        "allOf": [{"pattern": f"^(?:{DATE_TIME_ANYWHERE})$"}],
    }
    assert strict["properties"]["format"] == schema["properties"]["format"]
    assert "format" in schema["properties"]["at"]  # a copy: the original is untouched
    assert stricter({"format": "email"}) is None  # no sufficient pattern: no native path


def test_without_jsonschema_rs_everything_stays_in_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails
    verdict = NativeVerdict(load_schema, load_after=0)
    assert verdict.valid({"versions": [webhook_entry()]}, 0) is None


def test_the_native_check_waits_for_enough_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    verdict = NativeVerdict(load_schema, load_after=100)
    data = {"versions": [webhook_entry()]}
    assert verdict.valid(data, 60) is None  # 60 bytes checked: not loaded yet
    assert verdict.valid(data, 60) is True  # 120: loaded
    monkeypatch.setenv("TVLINT_PURE_PYTHON", "1")
    assert NativeVerdict(load_schema, load_after=0).valid(data, 60) is None
    monkeypatch.setenv("TVLINT_PURE_PYTHON", "0")  # "0" does not turn it off
    assert NativeVerdict(load_schema, load_after=0).valid(data, 60) is True


_PROBE = (
    "import sys\n"
    "from tvlint.start import main\n"
    "code = main(sys.argv[1:])\n"
    "print('\\n' + str(code) + ' ' + str('jsonschema_rs' in sys.modules))\n"
)


def _varied_entry(i: int) -> dict[str, Any]:
    """Entries the native check takes, and ones it leaves to Python (valid or not)."""
    entry = webhook_entry(job=f"job-{i}", model=f"style_{i}_vV{i}")
    kind = i % 7
    if kind == 1:
        entry["timestamp"] = "2024-02-29T08:41:02Z"  # a leap day
    elif kind == 2:
        entry["timestamp"] = "2025-02-29T08:41:02Z"  # no such day
    elif kind == 3:
        entry["loraUrl"] += "?X-Amz-Signature=abc%2F"  # presigned
    elif kind == 4:
        entry["imageCount"] = -1
    return entry


@pytest.mark.slow
def test_the_command_line_says_the_same_with_and_without_compiled_checks(
    tmp_path: Path,
) -> None:
    # A file large enough for the process that checks it to load jsonschema-rs at once,
    # then files of every kind after it.
    big = tmp_path / "a" / "training_versions.json"
    big.parent.mkdir()
    entries = [webhook_entry(job=f"j{i}", model=f"style_1_vV{i}") for i in range(12_000)]
    big.write_text(json.dumps({"versions": entries}, indent=2))
    assert big.stat().st_size > LOAD_AFTER
    for n in range(330):
        versions = [_varied_entry(n * 8 + i) for i in range(8)]
        if n % 5 == 0:
            versions.append(s3_entry(model=f"style_{n * 8}_vV{n * 8}"))
        folder = tmp_path / f"s{n}"
        folder.mkdir()
        (folder / "training_versions.json").write_text(json.dumps({"versions": versions}, indent=2))
    runs = {}
    for jobs in ("1", "2"):
        for pure in ("", "1"):
            env = {**os.environ, "TVLINT_PURE_PYTHON": pure}
            proc = subprocess.run(
                [sys.executable, "-c", _PROBE, "--format", "json", "--jobs", jobs, "."],
                cwd=tmp_path, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            report, _, last = proc.stdout.rstrip("\n").rpartition("\n")
            runs[jobs, pure] = (json.loads(report), last)
    reference, _ = runs["1", "1"]
    assert {p["code"] for p in reference["problems"]} == {"TV003", "TV004"}
    for (jobs, pure), (report, last) in runs.items():
        assert report == reference, (jobs, pure)
        assert last.startswith("1 ")
    assert runs["1", ""][1] == "1 True"  # loaded where it pays
    assert runs["1", "1"][1] == "1 False"  # and never with TVLINT_PURE_PYTHON


_NAMES = st.one_of(
    st.sampled_from(["V8", "v08", "V0", "V", "8", "style_1_vV8.safetensors", "actor_1_V3"]),
    st.text(max_size=8),
    st.integers(),
    st.none(),
)
_URLS = st.one_of(
    st.sampled_from(
        [
            "https://b.s3.amazonaws.com/m/style_1_vV8.safetensors",
            "https://b.s3.amazonaws.com/m/actor_1_V3.safetensors?x=1",
            "https://b.s3.amazonaws.com/m/style_1_vV8.safetensors/",
            "s3://b/m/style_1_v008.safetensors",
            "https://b/m/%73tyle_1_vV8.safetensors",
        ]
    ),
    st.text(max_size=12),
    st.none(),
)


@st.composite
def _version_entries(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(st.none(), st.integers(), st.text(max_size=3)))  # no entry
    entry: dict[str, Any] = {}
    name, url = draw(_NAMES), draw(_URLS)
    if draw(st.booleans()) and isinstance(url, str):
        name = model_file(url)  # named by its model file, as the sync once wrote
    if name is not None:
        entry["name"] = name
    if url is not None:
        entry["loraUrl"] = url
    return entry


@given(st.lists(_version_entries(), max_size=8), st.sets(st.integers(0, 8)))
def test_the_one_pass_over_the_entries_is_each_entry_s_own_answer(
    versions: list[Any], gone: set[int]
) -> None:
    assert list(entry_model_files(versions)) == [
        model_file(e.get("loraUrl")) if isinstance(e, dict) else None for e in versions
    ]
    found = EntryVersions(versions)
    each = [version_of(e) if isinstance(e, dict) else None for e in versions]
    assert found.shared(gone) == shared(each, gone)
    assert found.shared(set()) == shared(each)
    assert found.by_file == [
        (i, file_version(e))
        for i, e in enumerate(versions)
        if isinstance(e, dict) and named_by_file(e)
    ]
