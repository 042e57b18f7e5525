"""The compiled parser's verdict held to the plain parse: where it says a text is JSON with
no repeated key, the plain parse says so too, with the same data; where it says a file
is clean, the plain path finds no problem."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from tvlint.compiled_json import compiled_data
from tvlint.config import Settings
from tvlint.document import InvalidJSON, parse
from tvlint.lint import Linter
from tvlint.result import Outcome

from .factories import dumps, s3_entry, webhook_entry
from .test_fix_properties import FORMATS, entries, render
from .test_unsafe_fixes import run_entries

WHITESPACE = ["", " ", "\n", "  ", "\t", "\r\n", "\n    "]
ODD_WHITESPACE = ["\x0c", "\xa0", "\u2028", "\x0b"]  # not JSON's


def same(a: Any, b: Any) -> bool:
    """Equal as data of one type each (``1`` is not ``1.0``, ``-0.0`` is not ``0.0``),
    with objects' keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@st.composite
def numbers(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["int", "float", "odd", "huge"]))
    if kind == "int":
        return str(draw(st.integers()))
    if kind == "float":
        return repr(draw(st.floats(allow_nan=False, allow_infinity=False)))
    if kind == "huge":  # around Python's limit on an integer's digits
        return "9" * draw(st.sampled_from([19, 20, 309, 4300, 4301]))
    return draw(
        st.sampled_from(
            [
                "-0",
                "-0.0",
                "0e0",
                "1e400",
                "-1E400",
                "1e-400",
                "5e-324",
                "1.5E+3",
                "01",
                "1.",
                ".5",
                "+1",
                "NaN",
                "-Infinity",
            ]
        )
    )


@st.composite
def strings(draw: st.DrawFn) -> str:
    value = draw(st.text(max_size=6))
    written = json.dumps(value, ensure_ascii=draw(st.booleans()))
    tweak = draw(st.integers(0, 9))
    if tweak == 0:  # a lone surrogate, escaped
        written = (
            written[:-1] + draw(st.sampled_from(["\\ud800", "\\udfff", "\\ud83d\\ude00"])) + '"'
        )
    elif tweak == 1 and value:  # a character escaped where it need not be
        written = '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in value) + '"'
    elif tweak == 2:  # a raw control character, which JSON forbids
        written = written[:-1] + "\x01" + '"'
    return written


def value_text(draw: st.DrawFn, depth: int = 0) -> str:
    def ws() -> str:
        return draw(st.sampled_from(WHITESPACE))

    kind = draw(
        st.sampled_from(["scalar", "scalar", "array", "object"] if depth < 4 else ["scalar"])
    )
    if kind == "scalar":
        return draw(st.one_of(numbers(), strings(), st.sampled_from(["true", "false", "null"])))
    if kind == "array":
        items = [value_text(draw, depth + 1) for _ in range(draw(st.integers(0, 3)))]
        return "[" + ws() + ("," + ws()).join(items) + ws() + "]"
    keys = [draw(st.text(max_size=3)) for _ in range(draw(st.integers(0, 3)))]
    keys = list(dict.fromkeys(keys))
    if keys and draw(st.integers(0, 3)) == 0:  # a key again: as written, or escaped
        again = draw(st.sampled_from(keys))
        spelled = "".join(f"\\u{ord(c):04x}" if ord(c) < 0x10000 else c for c in again)
        keys.append(draw(st.sampled_from([again, spelled])))
    members = []
    for key in keys:
        name = json.dumps(key) if "\\u" not in key else f'"{key}"'
        members.append(name + ws() + ":" + ws() + value_text(draw, depth + 1))
    return "{" + ws() + ("," + ws()).join(members) + ws() + "}"


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    text = value_text(draw)
    nesting = draw(st.sampled_from([0, 0, 0, 150, 199, 260, 511, 513]))
    text = "[" * nesting + text + "]" * nesting
    text = draw(st.sampled_from(WHITESPACE)) + text + draw(st.sampled_from(WHITESPACE))
    if draw(st.integers(0, 9)) == 0:
        text += draw(st.sampled_from([*ODD_WHITESPACE, ",", "x"]))
    raw = text.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        raw = b"\xef\xbb\xbf" + raw
    if draw(st.integers(0, 9)) == 0:  # a byte that is not UTF-8, somewhere
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\xff" + raw[at:]
    return raw


@settings(max_examples=1500, deadline=None)
@given(documents())
def test_what_the_compiled_parser_takes_the_plain_parse_takes_alike(raw: bytes) -> None:
    fast = compiled_data(raw)
    try:
        plain = parse(raw)
    except (InvalidJSON, RecursionError):
        plain = None
    event("compiled: " + ("data" if fast is not None else "hands over"))
    event("plain: " + ("JSON" if plain is not None else "not JSON"))
    if fast is not None:
        assert plain is not None, raw
        assert not plain.duplicate_keys, raw
        assert same(fast[0], plain.data), raw


@pytest.mark.parametrize(
    ("raw", "data"),
    [
        (b'{"a": -0.0, "b": -0, "c": 1e400}', {"a": -0.0, "b": 0, "c": math.inf}),
        (b"\xef\xbb\xbf[1]", [1]),
        (b'{"\\u00e9": "\\ud83d\\ude00"}', {"é": "😀"}),
    ],
)
def test_the_data_is_the_plain_parse_s(raw: bytes, data: Any) -> None:
    fast = compiled_data(raw)
    assert fast is not None and same(fast[0], data) and same(parse(raw).data, data)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": 1, "\\u0061": 2}',  # one key, spelled twice
        b'["\\ud800"]',  # a lone surrogate: tvlint takes it, the compiled parser does not
        b"[" * 300 + b"]" * 300,  # deeper than it goes, not deeper than tvlint does
        b"9" * 4301,  # past Python's digit limit
        b"\xfe\xff\x00[\x00]",  # UTF-16
        b"[NaN]",
        b"[1,]",
    ],
)
def test_it_hands_over_what_it_cannot_decide(raw: bytes) -> None:
    assert compiled_data(raw) is None


LINTER = Linter.for_settings(Settings())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(entries(), run_entries()), max_size=8), FORMATS)
def test_a_file_found_clean_has_no_problem_on_the_plain_path(
    versions: list[dict[str, Any]], fmt: tuple[Any, bool, bool, bool]
) -> None:
    raw = render({"versions": versions}, fmt)
    found = LINTER.compiled("f.json", raw)
    problems = LINTER.lint_document("f.json", parse(raw)).problems
    if isinstance(found, Outcome):
        event("clean")
        assert found.problems == () and problems == ()
    elif (
        found is not None
    ):  # a problem: placed from the text on demand, exactly as the plain path places it
        event("placed on demand")
        assert LINTER.lint_document("f.json", found).problems == problems != ()
    else:
        event("handed over")
        assert compiled_data(raw) is None


def test_what_one_linter_found_clean_is_not_skipped_by_another(tmp_path: Path) -> None:
    # TV004 finds the duplicate, so the document comes back with the rules before it
    # found clean; a linter whose TV003 has another schema still runs its TV003.
    text = dumps({"versions": [s3_entry("style_1_vV7"), webhook_entry(model="style_1_vV7")]})
    found = LINTER.compiled("f.json", text.encode())
    assert found is not None and not isinstance(found, Outcome)
    assert "TV003" in {rule.code for rule in LINTER.rules if rule in found.found_clean}
    codes = [p.code for p in LINTER.lint_document("f.json", found).problems or ()]
    assert codes == ["TV004"]
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"properties": {"versions": {"maxItems": 1}}}))
    other = Linter.for_settings(Settings(schema=str(schema), select=("TV003",)))
    assert [p.code for p in other.lint_document("f.json", found).problems or ()] == ["TV003"]
