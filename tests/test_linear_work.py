"""Work and memory that grow with the input's size, not faster, for hostile inputs:
the repeated-key search, placing schema problems (a per-file cap that every report
states), and the position of an integer past the interpreter's digit limit."""

from __future__ import annotations

import gc
import json
import re
import tracemalloc
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from tvlint import document, json_errors, json_keys, json_spans
from tvlint.lint import Linter
from tvlint.rules import schema as schema_rule
from tvlint.runner import PARALLEL_FROM, can_fork
from tvlint.untrusted import VALUE_LIMIT, cut

from .factories import Run, run_process, s3_entry

Cli = Callable[..., Run]
DATA = Path(__file__).parent / "data"
SIZES = (1, 2, 4, 8)  # at least four sizes, each twice the one before


def _peak(work: Callable[[], object]) -> int:
    """The most memory ``work`` held at once, in bytes (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _assert_linear(measures: list[tuple[int, int]], factor: float = 2.0) -> None:
    """(size, measure) pairs: the largest size's measure per byte stays within
    ``factor`` of the smallest's."""
    (small, at_small), (large, at_large) = measures[0], measures[-1]
    assert at_large / large <= factor * at_small / small, measures


# The repeated-key search


def _long_key(size: int) -> str:
    """A key of half the file holding a quarter of it in elements, the last of which
    repeats a key: a search that writes the key into each element's pointer holds
    size² / 8."""
    key = "k" * (size // 2)
    elements = ",".join(["0"] * (size // 8))
    return f'{{"versions": [], "{key}": [{elements}, {{"a": 1, "a": 2}}]}}'


def _nested(size: int) -> str:
    """Arrays nested size / 80 deep (at most 400), holding the rest of the file in
    elements, and a repeated key at the bottom: a search that decodes each level's
    subtree again, or writes each element's whole pointer, does size² work."""
    depth = min(size // 80, 400)
    elements = ",".join(["0"] * ((size - 2 * depth) // 2))
    inner = f'{elements}, {{"b": 1, "b": 2}}'
    return '{"versions": [], "x": ' + "[" * depth + inner + "]" * depth + "}"


@pytest.mark.parametrize("shape", [_long_key, _nested])
def test_a_repeated_key_in_a_hostile_file_is_found_in_memory_bounded_by_its_size(
    cli: Cli, write: Callable[..., Path], shape: Callable[[int], str]
) -> None:
    text = shape(64_000)
    path = write(text)
    peak = _peak(lambda: cli(path))
    assert peak < 100 * len(text), peak
    run = cli("--format", "json", path)
    assert run.code == 1
    [problem] = json.loads(run.out)["problems"]
    assert (problem["code"], problem["column"]) == (
        "TV002",
        text.rindex('"b"' if shape is _nested else '"a"') + 1,
    )
    if shape is _long_key:  # as a report shows a long pointer: each token cut
        assert problem["pointer"] == f"/{cut('k' * 32_000)}/8000/a"


@pytest.mark.parametrize("shape", [_long_key, _nested])
def test_the_repeated_key_search_grows_linearly(shape: Callable[[int], str]) -> None:
    document.parse_text(shape(1000))  # what is made once (compiled patterns) made first
    measures = []
    for n in SIZES:
        text = shape(4000 * n)
        measures.append((len(text), _peak(partial(document.parse_text, text))))
    _assert_linear(measures)


# Documents whose objects repeat keys, written out with the repeats (json.dumps
# cannot), and keys that are hard to point at.
_KEYS = st.sampled_from(["a", "b", "", "~", "/", "a/b~1", '"', "\\", ",", "[", "{", "0", "k" * 90])


class _Members(list[tuple[str, Any]]):
    """An object's members in order, repeats kept."""


_VALUES = st.recursive(
    st.integers(0, 3) | st.sampled_from(["s", '"]', "{,", "[]", "x" * 90]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.lists(st.tuples(_KEYS, inner), max_size=4).map(_Members)
    ),
    max_leaves=25,
)


def _render(value: Any, space: str) -> str:
    if isinstance(value, _Members):
        members = f",{space}".join(
            f"{json.dumps(k)}{space}:{space}{_render(v, space)}" for k, v in value
        )
        return "{" + space + members + space + "}"
    if isinstance(value, list):
        return "[" + f",{space}".join(_render(v, space) for v in value) + "]"
    return json.dumps(value)


def _reference(text: str) -> list[tuple[str, int]]:
    """Every member of every object visited, each level decoded again: slow, plain."""
    found = []
    stack = [("", json_spans._skip_ws(text, 0))]
    while stack:
        pointer, pos = stack.pop()
        if text.startswith("{", pos):
            seen = set()
            for key, key_offset, value_start in json_spans._members(text, pos):
                child = pointer + document.join_pointer(key)
                if key in seen:
                    found.append((child, key_offset))
                seen.add(key)
                stack.append((child, value_start))
        elif text.startswith("[", pos):
            for i, (_, start, _) in enumerate(json_spans._elements(text, pos)):
                stack.append((pointer + document.join_pointer(i), start))
    return [(_shown(pointer), offset) for pointer, offset in sorted(found, key=lambda f: f[1])]


def _shown(pointer: str) -> str:
    # As a report shows a pointer (lint._placed).
    if len(pointer) <= VALUE_LIMIT:
        return pointer
    return "/".join(cut(token) for token in pointer.split("/"))


def _pointers(value: Any, pointer: str = "") -> Iterator[str]:
    yield pointer
    if isinstance(value, dict | list):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            yield from _pointers(child, pointer + document.join_pointer(key))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_KEYS, _VALUES), max_size=4).map(_Members),
    st.sampled_from(["", " ", "\n  "]),
)
def test_the_one_pass_search_finds_what_a_walk_of_every_member_finds(
    root: _Members, space: str
) -> None:
    text = _render(root, space)
    doc = document.parse_text(text)
    assert list(doc.duplicate_keys) == _reference(text)
    # Each value is located where json takes it from (the last of repeated keys),
    # with or without knowing where keys repeat.
    walking = document.Document(text, doc.data, False, doc.duplicate_keys, None)
    for pointer in _pointers(doc.data):
        assert doc.locate(pointer) == walking.locate(pointer), pointer


# Placing schema problems


def _empty_entries(count: int) -> str:
    return '{"versions": [' + ", ".join(["{}"] * count) + "]}"  # five problems each


def _sarif_errors(log: Any) -> list[str]:
    validator = Draft7Validator(json.loads((DATA / "sarif-2.1.0.schema.json").read_text()))
    return [e.message for e in validator.iter_errors(log)]


def test_schema_problems_past_the_cap_are_counted_in_every_format(
    cli: Cli, write: Callable[..., Path]
) -> None:
    entries = schema_rule.MAX_SCHEMA_PROBLEMS // 5 + 100
    left_out = entries * 5 - schema_rule.MAX_SCHEMA_PROBLEMS
    path = write(_empty_entries(entries))

    text = cli(path)
    assert text.code == 1
    assert text.out.count(" TV003 schema ") == schema_rule.MAX_SCHEMA_PROBLEMS
    assert f"… and {left_out} more TV003 problems in {path} not shown" in text.out

    report = cli("--format", "json", path)
    assert report.code == 1
    shown = json.loads(report.out)
    assert len(shown["problems"]) == schema_rule.MAX_SCHEMA_PROBLEMS
    assert shown["summary"]["omitted"] == left_out
    assert shown["omitted"] == [{"path": str(path), "code": "TV003", "count": left_out}]

    sarif = cli("--format", "sarif", path)
    assert sarif.code == 1
    log = json.loads(sarif.out)
    assert _sarif_errors(log) == []
    [run] = log["runs"]
    assert len(run["results"]) == schema_rule.MAX_SCHEMA_PROBLEMS
    [notice] = run["invocations"][0]["toolExecutionNotifications"]
    assert notice["properties"] == {"omitted": left_out}
    assert notice["associatedRule"]["id"] == "TV003"
    assert str(left_out) in notice["message"]["text"]

    github = cli("--format", "github", path)
    assert github.code == 1
    warnings = [line for line in github.out.splitlines() if line.startswith("::warning ")]
    assert warnings == [
        f"::warning file={path},title=tvlint::{left_out} more TV003 problems not shown"
    ]

    # Under the cap, nothing is said of it: every report keeps its shape.
    write(_empty_entries(3))
    report = json.loads(cli("--format", "json", path).out)
    assert len(report["problems"]) == 15
    assert "omitted" not in report
    assert "omitted" not in report["summary"]
    assert "not shown" not in cli(path).out


def test_the_count_left_out_survives_a_diff(cli: Cli, write: Callable[..., Path]) -> None:
    # The file is checked again as the fix would leave it: the count is that check's.
    entries = [s3_entry(), s3_entry()] + [{}] * (schema_rule.MAX_SCHEMA_PROBLEMS // 5 + 10)
    path = write({"versions": entries})
    report = json.loads(cli("--diff", "--format", "json", path).out)
    assert report["summary"]["removed"] == 1
    assert report["omitted"] == [{"path": str(path), "code": "TV003", "count": 50}]


@pytest.mark.skipif(not can_fork(), reason="workers are forked on Linux only")
@pytest.mark.filterwarnings(
    "ignore:This process .* is multi-threaded, use of fork:DeprecationWarning"
)
def test_the_count_left_out_crosses_the_workers_pipe(tmp_path: Path) -> None:
    for i in range(PARALLEL_FROM + 10):
        path = tmp_path / f"d{i:03d}" / "training_versions.json"
        path.parent.mkdir()
        path.write_text(
            _empty_entries(schema_rule.MAX_SCHEMA_PROBLEMS // 5 + 1 + i // 40)
            if i % 40 == 39
            else "{}"
        )
    serial = run_process("--format", "json", "--jobs", "1", tmp_path)
    parallel = run_process("--format", "json", "--jobs", "2", tmp_path)
    assert (parallel.code, parallel.out) == (serial.code, serial.out)
    omitted = json.loads(parallel.out)["omitted"]
    assert [(Path(o["path"]).parent.name, o["count"]) for o in omitted] == [
        ("d039", 5),
        ("d079", 10),
    ]


def _check(linter: Linter, text: str) -> object:
    return linter.lint_document("x", document.parse_text(text))


def test_placing_schema_problems_takes_memory_bounded_by_the_file() -> None:
    linter = Linter()
    linter.lint_document("x", document.parse_text(_empty_entries(10)))
    measures = []
    for n in SIZES:
        text = _empty_entries(1500 * n)
        measures.append(
            (
                len(text),
                _peak(partial(_check, linter, text)),
            )
        )
    _assert_linear(measures)
    # A file's data costs some tens of bytes a byte here; every problem kept, a kilobyte
    # and more for each of its 3 bytes.
    size, peak = measures[-1]
    assert peak < 200 * size, measures


# The position of an integer past the digit limit


def test_a_long_integer_is_placed_at_itself_not_at_digits_in_a_string(
    cli: Cli, write: Callable[..., Path]
) -> None:
    path = write('{"a": "' + "1" * 5000 + '",\n "b": ' + "2" * 5000 + "}")
    run = cli(path)
    assert run.code == 1
    assert run.out.startswith(f"{path}:2:7: TV001 invalid-json Exceeds the limit")


@pytest.mark.parametrize(
    "before",
    [
        '"a": 1.' + "1" * 5000 + ", ",  # a fraction's digits are no integer
        '"a": 1e' + "1" * 5000 + ", ",  # nor an exponent's
        '"a": -1E+' + "1" * 5000 + ", ",
        '"a": ["' + "1" * 5000 + '", ' + ", ".join(["1" * 4300] * 3) + "], ",
    ],
)
def test_a_long_integer_after_other_long_digit_runs_is_placed_at_itself(before: str) -> None:
    text = "{" + before + '\n  "versions": [-' + "3" * 4301 + "]}"
    for spans in (True, False):
        with pytest.raises(document.InvalidJSON) as error:
            document.parse_text(text, spans=spans)
        assert (error.value.line, error.value.column) == (2, 16)


def _digit_runs(count: int) -> str:
    # Integers one digit under the limit, strings of digits, and one past the limit last.
    under = "1" * 4300
    items = ", ".join([under, '"' + under + '"'] * count)
    return '{"versions": [], "a": [' + items + ", " + "2" * 5000 + "]}"


def test_finding_a_long_integer_looks_at_each_character_about_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The regex engine counts no steps: the search is done by searches from a position
    # each, every one of which looks at the characters up to where it stops (or the
    # end), and by json's string scanner. Counted here, it must grow with the text.
    real = json_errors._token_or_quote
    looked = [0]

    def counting(tokens: str) -> Callable[[str, int, int], re.Match[str] | None]:
        search = real(tokens)

        def counted(text: str, pos: int, end: int) -> re.Match[str] | None:
            match = search(text, pos, end)
            looked[0] += (end if match is None else match.end()) - pos
            return match

        return counted

    # Wherever the search is made: the errors' positions and the repeated keys' scan.
    monkeypatch.setattr(json_errors, "_token_or_quote", counting)
    monkeypatch.setattr(json_keys, "_token_or_quote", counting)
    measures = []
    for n in SIZES:
        text = _digit_runs(20 * n)
        looked[0] = 0
        with pytest.raises(document.InvalidJSON) as error:
            document.parse_text(text)
        assert error.value.column == text.index("2" * 5000) + 1
        assert looked[0] >= len(text) // 3  # the search went through the runs
        measures.append((len(text), looked[0]))
    _assert_linear(measures, factor=1.2)
