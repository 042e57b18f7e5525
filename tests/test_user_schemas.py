"""A user's schema is hostile input: ECMA-262 patterns, bounded work, no tracebacks."""

from __future__ import annotations

import gc
import itertools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tvlint.fastschema import compile_schema, module_source

from .factories import Run
from .test_fast_paths import _INSTANCES as _FAST_INSTANCES
from .test_fast_paths import _LEAF_SCHEMAS as _FAST_LEAVES
from .test_fast_paths import _USER_SCHEMAS as _FAST_SCHEMAS

Cli = Callable[..., Run]

# (pattern, value, what tvlint says: 0 valid, 1 a problem, 2 the schema is refused)
_ECMA_TABLE = [
    (r"^[a-z0-9_]+$", "style_1", 0),
    (r"^[a-z0-9_]+$", "style_1\n", 1),  # Python's $ matches before a final newline
    (r"^\d+$", "123", 0),
    (r"^\d+$", "\u0661\u0662", 1),  # Arabic-Indic digits: \d is ASCII in ECMA-262
    (r"^\w+$", "\u00e9", 1),  # \w is ASCII in ECMA-262
    (r"^\s$", "\x1c", 1),  # a separator Python's \s takes, ECMA-262's does not
    (r"^\s$", "\ufeff", 0),  # the BOM is white space in ECMA-262, not in Python
    (r"^\p{L}+$", "\u00e9t\u00e9", 0),  # Unicode property classes, with the u flag
    (r"^\p{L}+$", "1", 1),
    (r"^.$", "\U0001f600", 0),  # one code point, not two UTF-16 units
    (r"^.$", "\ud800", 0),  # a lone surrogate is one character, never a crash
    (r"[[:alpha:]]", "a", 2),  # POSIX classes do not exist; with u, "]" is an error
    (r"(?P<name>a)", "a", 2),  # Python-only syntax
    (r"\Z", "a", 2),
]


def _write_case(tmp_path: Path, schema: Any, document: Any) -> None:
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "training_versions.json").write_text(json.dumps(document))


def _status(cli: Cli, tmp_path: Path, schema: Any, document: Any) -> Run:
    _write_case(tmp_path, schema, document)
    return cli("--schema", "schema.json", "--select", "TV003", "training_versions.json")


def _assert_one_line_or_none(run: Run) -> None:
    assert "Traceback" not in run.err and "Warning" not in run.err, run.err
    if run.code == 2:
        assert run.err.count("\n") == 1 and run.err.startswith("tvlint: error: "), run.err


def test_pattern_is_ecma_262_in_both_checks(tmp_path: Path, cli: Cli) -> None:
    from tvlint.schema import RefMemo, make_validator

    wrong = []
    for pattern, value, expected in _ECMA_TABLE:
        schema = {"properties": {"s": {"type": "string", "pattern": pattern}}}
        run = _status(cli, tmp_path, schema, {"versions": [], "s": value})
        _assert_one_line_or_none(run)
        if run.code != expected:
            wrong.append((pattern, value, run.code))
        if expected == 2 or wrong:
            continue
        # Each path on its own: the compiled check and jsonschema.
        check = compile_schema(schema, ecma=True)
        assert check is not None
        assert check({"s": value}) is (expected == 0), (pattern, value)
        assert make_validator(schema, RefMemo()).is_valid({"s": value}) is (expected == 0)
    assert wrong == []


def test_pattern_properties_keys_are_ecma_262(tmp_path: Path, cli: Cli) -> None:
    digits = {"patternProperties": {r"^\d+$": False}}
    lower = {"patternProperties": {"^[a-z]+$": {}}, "additionalProperties": False}
    cases = [
        (digits, {"\u0661": 1}, 0),  # not an ECMA digit: the false schema does not apply
        (digits, {"1": 1}, 1),
        (lower, {"ab": 1}, 0),
        (lower, {"ab\n": 1}, 1),  # not matched, so additional, so refused
    ]
    got = []
    for schema, document, _ in cases:
        run = _status(cli, tmp_path, schema, document)
        _assert_one_line_or_none(run)
        got.append(run.code)
    assert got == [expected for *_, expected in cases]


@pytest.mark.parametrize(
    "schema",
    [
        {"$schema": "http://json-schema.org/draft-03/schema#", "extends": {"type": "object"}},
        {"$schema": "http://json-schema.org/draft-03/schema#", "definitions": {"a": True}},
        {"$schema": "http://json-schema.org/draft-04/schema#", "patternProperties": {"(": {}}},
        {"$schema": "http://json-schema.org/draft-04/schema#", "pattern": "[[:alpha:]]"},
        {"patternProperties": {"(?P<x>a)": {}}},
        {"$schema": "https://json-schema.org/draft/2019-09/schema", "$recursiveRef": "#"},
        {"unevaluatedProperties": False, "allOf": [{"$ref": "#/$defs/a"}], "$defs": {"a": {}}},
    ],
)
def test_schemas_jsonschema_accepts_never_give_a_traceback(
    tmp_path: Path, cli: Cli, schema: dict[str, Any]
) -> None:
    run = _status(cli, tmp_path, schema, {"versions": [], "a": 1})
    assert run.code == 2, run
    _assert_one_line_or_none(run)


# --- Work that grows with the input, not faster -------------------------------------


def _linear(counts: dict[int, int]) -> bool:
    """Whether the work added per unit of size stays within a factor of 2 from one size
    to the next (a fixed cost, the schema's own check, is no part of it)."""
    sizes = sorted(counts)
    slopes = [
        (counts[large] - counts[small]) / (large - small)
        for small, large in itertools.pairwise(sizes)
    ]
    return min(slopes) > 0 and max(slopes) / min(slopes) < 2


def _wide_leaf_schema(n: int) -> dict[str, Any]:
    # One leaf of n properties, referred to from n places.
    leaf = {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(n)}}
    return {
        "$defs": {"leaf": leaf},
        "properties": {f"q{i}": {"$ref": "#/$defs/leaf"} for i in range(n)},
    }


def test_each_reference_is_compiled_once(tmp_path: Path, cli: Cli) -> None:
    sizes = [25, 50, 100, 200]
    generated = {}
    for n in sizes:
        source = module_source(_wide_leaf_schema(n))
        assert source is not None
        generated[n] = len(source)
    assert _linear(generated), generated
    document = {"versions": [], "q0": {"p0": 1}, "q1": {"p1": "s"}}
    run = _status(cli, tmp_path, _wide_leaf_schema(sizes[-1]), document)
    assert run.code == 1 and "/q0/p0" in run.out


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(_FAST_SCHEMAS, _FAST_LEAVES, st.lists(_FAST_INSTANCES, min_size=1, max_size=4))
def test_leaves_copied_in_give_the_verdicts_of_leaves_called(
    schema: Any, definition: Any, instances: list[Any]
) -> None:
    if isinstance(definition, dict) and "$ref" in definition:
        return  # a definition that refers to itself, without end
    root = {**schema, "$defs": {"d": definition}} if isinstance(schema, dict) else schema
    plain = compile_schema(root, ecma=True, inline=False)
    copied = compile_schema(root, ecma=True)
    assert (plain is None) == (copied is None)
    if plain is None or copied is None:
        return
    for instance in instances:
        assert plain(instance) == copied(instance), (root, instance)


@contextmanager
def _counting_descents() -> Iterator[list[int]]:
    """Counts jsonschema's descents into a subschema: its unit of work."""
    count = [0]

    def profile(frame: FrameType, event: str, arg: object) -> None:
        code = frame.f_code
        if event == "call" and code.co_name == "descend" and "jsonschema" in code.co_filename:
            count[0] += 1

    sys.setprofile(profile)
    try:
        yield count
    finally:
        sys.setprofile(None)


_TWIN_BRANCHES = {
    "$defs": {
        "n": {
            "type": "object",
            "required": ["a"],
            "properties": {"a": {"anyOf": [{"$ref": "#/$defs/n"}, {"$ref": "#/$defs/n"}]}},
        },
        "m": {
            "type": "object",
            "properties": {"a": {"allOf": [{"$ref": "#/$defs/m"}, {"$ref": "#/$defs/m"}]}},
        },
    },
}


def _nested(depth: int, leaf: Any) -> Any:
    document = leaf
    for _ in range(depth):
        document = {"a": document}
    return document


@pytest.mark.parametrize(("definition", "leaf"), [("n", 0), ("m", {})])
def test_twin_recursive_branches_are_evaluated_once_per_value(
    tmp_path: Path, cli: Cli, definition: str, leaf: Any
) -> None:
    schema = {**_TWIN_BRANCHES, "$ref": f"#/$defs/{definition}"}
    descents = {}
    for depth in [3, 6, 9, 12]:
        _write_case(tmp_path, schema, _nested(depth, leaf))
        with _counting_descents() as count:
            run = cli("--schema", "schema.json", "training_versions.json")
        assert run.code in (0, 1), run
        descents[depth] = count[0]
    assert _linear(descents), descents
    from tvlint.schema import RefMemo, make_validator

    # The verdict itself, and the count the memo keeps, through functions.
    memo = RefMemo()
    validator = make_validator(schema, memo)
    with memo.validation():
        assert validator.is_valid(_nested(40, leaf)) is (definition == "m")
    assert memo.evaluations < 4 * 40


def test_errors_of_earlier_files_do_not_pile_up(tmp_path: Path, cli: Cli) -> None:
    # The run keeps the collector off; what an anyOf's errors hold in cycles must still go.
    schema = {
        "properties": {"versions": {"items": {"anyOf": [{"type": "string"}, {"type": "null"}]}}}
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    left = {}
    for files in (2, 8):
        for i in range(files):
            path = tmp_path / f"f{files}" / str(i) / "training_versions.json"
            path.parent.mkdir(parents=True)
            path.write_text(json.dumps({"versions": [{"id": j} for j in range(50)]}))
        gc.collect()
        gc.disable()  # as in a run of its own, after main() too
        try:
            run = cli("--schema", "schema.json", "-j", "1", f"f{files}")
            left[files] = gc.collect()  # the cyclic garbage the run left
        finally:
            gc.enable()
        assert run.code == 1
    assert left[8] < 2 * left[2] + 100, left


# --- Any schema: tvlint agrees with jsonschema (ECMA-262 regexes) or refuses it ------

_DRAFTS = [
    "http://json-schema.org/draft-03/schema#",
    "http://json-schema.org/draft-04/schema#",
    "http://json-schema.org/draft-06/schema#",
    "http://json-schema.org/draft-07/schema#",
    "https://json-schema.org/draft/2019-09/schema",
    "https://json-schema.org/draft/2020-12/schema",
]
# Patterns that ECMA-262 and Python read alike on the keys and strings generated here,
# so that jsonschema's own additionalProperties (Python's re) is a fair oracle.
_PATTERNS = ["^a", "b", "^[ab]+$", "a|c", "^$"]
_REFS = ["#", "#/definitions/d", "#/$defs/d"]
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-2, 2)
    | st.sampled_from([0.5, 2.0, "", "a", "ab", "c"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(["a", "b", "ab", "c"]), inner, max_size=3)
    ),
    max_leaves=6,
)
_TYPES = st.sampled_from(
    ["string", "object", "array", "boolean", "null", "number", "integer", "any"]
)


def _keywords(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.sampled_from(["a", "b", "c"])
    return st.fixed_dictionaries(
        {},
        optional={
            "type": _TYPES | st.lists(_TYPES, min_size=1, max_size=2, unique=True),
            "enum": st.lists(_VALUES, min_size=1, max_size=2),
            "const": _VALUES,
            "properties": st.dictionaries(keys, inner, max_size=2),
            "patternProperties": st.dictionaries(st.sampled_from(_PATTERNS), inner, max_size=2),
            "additionalProperties": inner,
            "required": st.lists(keys, max_size=2, unique=True) | st.booleans(),
            "items": inner | st.lists(inner, max_size=2),
            "prefixItems": st.lists(inner, min_size=1, max_size=2),
            "additionalItems": inner,
            "contains": inner,
            "minItems": st.integers(0, 2),
            "uniqueItems": st.booleans(),
            "minLength": st.integers(0, 2),
            "maxLength": st.integers(0, 2),
            "pattern": st.sampled_from(_PATTERNS),
            "minimum": st.integers(-1, 1),
            "exclusiveMinimum": st.booleans() | st.integers(-1, 1),
            "multipleOf": st.sampled_from([1, 2]),
            "divisibleBy": st.sampled_from([1, 2]),
            "allOf": st.lists(inner, min_size=1, max_size=2),
            "anyOf": st.lists(inner, min_size=1, max_size=2),
            "oneOf": st.lists(inner, min_size=1, max_size=2),
            "not": inner,
            "if": inner,
            "then": inner,
            "else": inner,
            "extends": inner | st.lists(inner, max_size=2),
            "disallow": _TYPES,
            "dependencies": st.dictionaries(keys, inner | st.lists(keys, max_size=2), max_size=1),
            "dependentRequired": st.dictionaries(keys, st.lists(keys, max_size=2), max_size=1),
            "propertyNames": inner,
            "unevaluatedProperties": inner,
            "$ref": st.sampled_from(_REFS),
        },
    )


_SCHEMAS = st.recursive(st.booleans() | _keywords(st.booleans()), _keywords, max_leaves=5)


def _oracle(schema: Any) -> Any:
    """jsonschema, with check-jsonschema's ECMA-262 pattern keywords."""
    from check_jsonschema.regex_variants import (  # type: ignore[import-untyped]
        RegexImplementation,
        RegexVariantName,
    )
    from jsonschema import validators
    from referencing import Registry

    regex = RegexImplementation(RegexVariantName.default)
    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    extended = validators.extend(  # type: ignore[no-untyped-call]
        cls,
        {"pattern": regex.pattern_keyword, "patternProperties": regex.patternProperties_keyword},
    )
    return extended(schema, registry=Registry())


@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(_DRAFTS),
    _SCHEMAS,
    _SCHEMAS,
    st.lists(_VALUES, min_size=1, max_size=3),
)
def test_any_schema_is_checked_as_jsonschema_checks_it_or_refused(
    tmp_path: Path, cli: Cli, draft: str, schema: Any, definition: Any, documents: list[Any]
) -> None:
    from jsonschema.exceptions import SchemaError

    if isinstance(schema, dict):
        schema = {"$schema": draft, **schema, "definitions": {"d": definition}}
        schema["$defs"] = {"d": definition}
    oracle = _oracle(schema)
    try:
        type(oracle).check_schema(schema)
        accepted = True
    except SchemaError:
        accepted = False
    for document in documents:
        _write_case(tmp_path, schema, document)
        run = cli("--schema", "schema.json", "--select", "TV003", "training_versions.json")
        _assert_one_line_or_none(run)
        assert run.code in (0, 1, 2), run
        if not accepted:
            assert run.code == 2, run
            return
        if run.code == 2:
            return  # refused, in one line
        try:
            expected = oracle.is_valid(document)
        except RecursionError:
            continue  # a schema that refers to itself without end: "cannot check"
        except (TypeError, ValueError, KeyError, AttributeError):
            # jsonschema's own keywords fail on this schema: tvlint says so
            # (test_a_schema_jsonschema_itself_fails_on_says_so), with no traceback.
            continue
        assert run.code == (0 if expected else 1), (schema, document, run)


def test_a_reference_to_itself_past_the_first_error_is_not_followed(
    tmp_path: Path, cli: Cli
) -> None:
    # "not" asks only whether d is valid: jsonschema stops at d's first error (1 is no
    # string), before d's own "not" refers to d again on the same value. A memo that
    # evaluated all of d first recursed without end and said "cannot check".
    schema = {
        "$defs": {"d": {"type": "string", "not": {"$ref": "#/$defs/d"}}},
        "type": "object",
        "properties": {"versions": {"type": "array", "items": {"not": {"$ref": "#/$defs/d"}}}},
    }
    document = {"versions": [1, None]}
    assert _oracle(schema).is_valid(document)
    _write_case(tmp_path, schema, document)
    run = cli("--schema", "schema.json", "--select", "TV003", "training_versions.json")
    assert run.code == 0, run
    from tvlint.schema import RefMemo, make_validator

    memo = RefMemo()
    with memo.validation():
        assert make_validator(schema, memo).is_valid(document)


@pytest.mark.parametrize("leaf", [0, {}])
def test_twin_not_branches_evaluate_each_reference_once_per_value(leaf: Any) -> None:
    # "not" stops at its reference's first error; evaluated again by the twin branch,
    # and by both at each level below, the work would double at every level.
    from tvlint.schema import RefMemo, make_validator

    again = {"not": {"$ref": "#/$defs/m"}}
    schema = {
        "$defs": {
            "n": {"allOf": [again, again], "required": ["z"]},
            "m": {"properties": {"a": {"$ref": "#/$defs/n"}}},
        },
        "properties": {"versions": {"items": {"$ref": "#/$defs/n"}}},
    }
    evaluations = {}
    for depth in [4, 8, 12, 16]:
        memo = RefMemo()
        validator = make_validator(schema, memo)
        with memo.validation():
            assert not validator.is_valid({"versions": [_nested(depth, leaf)]})
        evaluations[depth] = memo.evaluations
    assert _linear(evaluations), evaluations


def test_a_file_failing_a_user_schema_everywhere_is_checked_in_memory_bounded_by_it(
    tmp_path: Path, cli: Cli
) -> None:
    # Every entry fails both branches: jsonschema makes an error with context for each,
    # and those errors hold cycles the run's collector (off) would not free.
    schema = {
        "properties": {"versions": {"items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}}
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    text = json.dumps({"versions": ["x"] * 20_000})
    (tmp_path / "training_versions.json").write_text(text)
    import tracemalloc

    tracemalloc.start()
    try:
        run = cli("--schema", tmp_path / "schema.json", tmp_path / "training_versions.json")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.code == 1
    assert "19,000 more TV003 problems" in run.out
    assert peak < 200 * len(text), peak  # all the errors held at once took 2,000 times


def test_a_schema_jsonschema_itself_fails_on_says_so(tmp_path: Path, cli: Cli) -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-06/schema#",
        "properties": {"versions": {"items": False, "additionalItems": False}},
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "training_versions.json").write_text('{"versions": []}')
    run = cli("--schema", tmp_path / "schema.json", tmp_path / "training_versions.json")
    assert run.code == 1, run.err
    assert "the schema cannot check this file (jsonschema failed: TypeError)" in run.out


def test_a_reference_s_report_does_not_depend_on_the_parser(tmp_path: Path) -> None:
    # Equal strings, numbers and booleans at two places: jiter shares some such objects
    # where json does not (and both share small integers), and the memo of references
    # must not tell them apart by identity.
    from tvlint.config import Settings
    from tvlint.document import parse
    from tvlint.lint import Linter
    from tvlint.result import Outcome

    schema = {
        "$defs": {
            "st": {"pattern": "^x", "minLength": 9},
            "big": {"maximum": 10},
            "text": {"type": "string"},
            "key": {"maxLength": 8},
        },
        "type": "object",
        "properties": {
            "versions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "propertyNames": {"$ref": "#/$defs/key"},  # imageCount, in each entry
                    "properties": {
                        "status": {"$ref": "#/$defs/st"},
                        "imageCount": {"$ref": "#/$defs/big"},
                        "isGood": {"$ref": "#/$defs/text"},
                    },
                },
            }
        },
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    entry = {"status": "done", "imageCount": 1000, "isGood": True}
    raw = json.dumps({"versions": [{"id": "a", **entry}, {"id": "b", **entry}]}).encode()
    linter = Linter.for_settings(Settings(schema=str(tmp_path / "schema.json")))
    found = linter.compiled("f.json", raw)
    assert found is not None and not isinstance(found, Outcome)  # jiter took it
    compiled = linter.lint_document("f.json", found).problems or ()
    plain = linter.lint_document("f.json", parse(raw)).problems or ()
    assert [(p.line, p.column, p.message) for p in compiled] == [
        (p.line, p.column, p.message) for p in plain
    ]
    # Each place is reported; a value met again names the reference it fails.
    assert {p.pointer for p in plain} >= {
        f"/versions/{i}/{key}" for i in (0, 1) for key in ("status", "imageCount", "isGood")
    }
    assert sum("imageCount" in p.message for p in plain) >= 2
