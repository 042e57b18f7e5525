"""Work linear in the input, memory a bounded multiple of it: for hostile documents and
schemas of growing size, through check, ``--diff`` and ``--fix``.

The work is a deterministic count, not a clock: every Python and C function call the
run makes (``sys.setprofile``), so that a loop that grows with the input's square shows
however fast the machine is. The memory is tracemalloc's peak. Each is fitted over
four sizes (a least-squares line through log size and log cost): linear work has a
slope of 1 (less, while the fixed cost of a run still counts), quadratic work 2.
"""

from __future__ import annotations

import io
import json
import math
import sys
import tracemalloc
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import tvlint.lint
from tvlint.cli import main

from .factories import REGIONAL, dumps, s3_entry, webhook_entry

SIZES = (1, 2, 4, 8)
# Above 1 for the fit's noise at small sizes and for n log n sorts; quadratic is 2.
MAX_SLOPE = 1.3
MODES = ((), ("--diff",), ("--fix", "--no-backup"))

Shape = Callable[[int], tuple[str, dict[str, Any] | None]]


def many_empty_entries(n: int) -> tuple[str, None]:
    return '{"versions": [' + ", ".join(["{}"] * (100 * n)) + "]}", None


def many_zeros(n: int) -> tuple[str, None]:
    return '{"versions": [' + ",".join(["0"] * (200 * n)) + "]}", None


def a_long_key_repeated(n: int) -> tuple[str, None]:
    key = json.dumps("k" * (2000 * n))
    inner = f"{{{key}: 1, {key}: 2}}"
    return '{"versions": [], "x": [' + ", ".join([inner] * (20 * n)) + "]}", None


def nested_arrays_with_a_repeated_key(n: int) -> tuple[str, None]:
    nest = "[" * 200 + "0" + "]" * 200
    body = ", ".join([nest] * (10 * n))
    return '{"versions": [], "a": [' + body + '], "b": 1, "b": 2}', None


def deep_objects_with_repeated_keys(n: int) -> tuple[str, None]:
    key = json.dumps("k" * 200)
    depth = 30
    one = "0"
    for _ in range(depth):
        one = f"{{{key}: {one}, {key}: 0}}"
    return '{"versions": [], "x": [' + ", ".join([one] * (4 * n)) + "]}", None


def a_number_past_the_digit_limit(n: int) -> tuple[str, None]:
    digits = "1" * 5000
    strings = ", ".join(f'"s{i}": "{digits}"' for i in range(20 * n))
    return f'{{"versions": [], {strings},\n "big": {digits}}}', None


def large_values_duplicated(n: int) -> tuple[str, None]:
    parameters = {f"p{i}": "x" * 1000 for i in range(20 * n)}
    kept = webhook_entry(parameters=parameters)
    copies = [s3_entry(id=f"copy-{i}", parameters=parameters) for i in range(20 * n)]
    return dumps({"versions": [kept, *copies]}), None


def conflicting_holders(n: int) -> tuple[str, None]:
    url = REGIONAL + "style_1_vV7.safetensors"
    holders = [
        webhook_entry(job=f"job-{i}", loraUrl=url, parameters={"seed": i}) for i in range(50 * n)
    ]
    return dumps({"versions": holders}), None


def an_any_of_that_recurses(n: int) -> tuple[str, dict[str, Any]]:
    # Two identical branches at every level: evaluated again at each, the work would
    # double with each level of the value (and each level here adds the same bytes).
    schema = {
        "$defs": {
            "node": {"anyOf": [{"$ref": "#/$defs/branch"}, {"$ref": "#/$defs/branch"}]},
            "branch": {
                "type": "array",
                "items": {"anyOf": [{"$ref": "#/$defs/node"}, {"type": "string"}]},
            },
        },
        "properties": {"x": {"$ref": "#/$defs/node"}},
    }
    value: Any = 1  # fails at the bottom: every branch is tried
    for _ in range(10 * n):
        value = [value, "padding so that each level is as large as the schema's part"]
    return json.dumps({"x": value}), schema


def many_refs(n: int) -> tuple[str, dict[str, Any]]:
    defs: dict[str, Any] = {"d0": {"type": "integer"}}
    for i in range(1, 10 * n):
        defs[f"d{i}"] = {"allOf": [{"$ref": f"#/$defs/d{i - 1}"}, {"$ref": f"#/$defs/d{i - 1}"}]}
    schema = {"$defs": defs, "properties": {"x": {"$ref": f"#/$defs/d{10 * n - 1}"}}}
    return json.dumps({"x": "not an integer"}), schema


SHAPES: dict[str, Shape] = {
    shape.__name__: shape
    for shape in (
        many_empty_entries,
        many_zeros,
        a_long_key_repeated,
        nested_arrays_with_a_repeated_key,
        deep_objects_with_repeated_keys,
        a_number_past_the_digit_limit,
        large_values_duplicated,
        conflicting_holders,
        an_any_of_that_recurses,
        many_refs,
    )
}


def slope(sizes: list[int], costs: list[int]) -> float:
    """The least-squares slope of log cost against log size."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(max(c, 1)) for c in costs]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )


def measured(argv: list[str]) -> tuple[int, int, int]:
    """The exit status of ``main(argv)``, the calls it made, and its memory peak.

    Every size takes the walking parse: the compiled parser's work is one call that the
    count cannot see into, so a size past ``COMPILED_UP_TO`` would look like growth.
    (Past the compiled parse, the rules do the same work on either path.)
    """
    calls = 0
    compiled_up_to = tvlint.lint.COMPILED_UP_TO
    tvlint.lint.COMPILED_UP_TO = -1

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    sys.setprofile(count)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(argv)
    finally:
        sys.setprofile(None)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        tvlint.lint.COMPILED_UP_TO = compiled_up_to
    assert "Traceback" not in err.getvalue()
    return code, calls, peak


def grow(tmp_path: Path, shape: Shape, mode: tuple[str, ...]) -> tuple[list[int], ...]:
    """The input's size (document and schema), the calls and the memory peak, at each
    of SIZES; after a first run that is not counted, so that what a process does once
    (imports, compiled patterns) is not taken for work that shrinks as the input grows."""
    sizes, calls, peaks = [], [], []
    for n in (SIZES[0], *SIZES):
        text, schema = shape(n)
        folder = tmp_path / f"{shape.__name__}{''.join(mode)}{n}"
        folder.mkdir(exist_ok=True)
        target = folder / "training_versions.json"
        target.write_text(text, encoding="utf-8")
        argv = [*mode, "--format", "json"]
        size = len(text.encode())
        if schema is not None:
            (folder / "schema.json").write_text(json.dumps(schema))
            argv += ["--schema", str(folder / "schema.json")]
            size += len(json.dumps(schema))
        code, count, peak = measured([*argv, str(target)])
        assert code in (0, 1, 2)
        sizes.append(size)
        calls.append(count)
        peaks.append(peak)
    return sizes[1:], calls[1:], peaks[1:]


@pytest.mark.slow
@pytest.mark.parametrize("mode", MODES, ids=lambda m: " ".join(m) or "check")
@pytest.mark.parametrize("name", sorted(SHAPES))
def test_work_and_memory_grow_linearly(tmp_path: Path, name: str, mode: tuple[str, ...]) -> None:
    sizes, calls, peaks = grow(tmp_path, SHAPES[name], mode)
    assert slope(sizes, calls) <= MAX_SLOPE, (sizes, calls)
    assert slope(sizes, peaks) <= MAX_SLOPE, (sizes, peaks)
    if SHAPES[name](1)[1] is None:
        # A bounded multiple of the file, past the run's own fixed share. (Under a user
        # schema the bound is the schema's size times the file's, which the slope holds.)
        assert peaks[-1] - peaks[0] <= 40 * (sizes[-1] - sizes[0]) + 2_000_000, (sizes, peaks)


@st.composite
def mixed(draw: st.DrawFn) -> Shape:
    """A document of several hostile parts at once (each a member of the root, so that
    one part's cost cannot hide behind another's), each part's size scaled by n."""
    # Shapes whose size grows with n's square, or that live in the schema, stand alone.
    quadratic = {"a_long_key_repeated", "large_values_duplicated"}
    singles = sorted(set(SHAPES) - quadratic - {"an_any_of_that_recurses", "many_refs"})
    parts = draw(st.lists(st.sampled_from(singles), min_size=2, max_size=3, unique=True))
    # Large enough that every part is past the sizes at which tvlint starts to look
    # closer (the nesting check walks a value only past 512 brackets), so that a
    # threshold crossed between two sizes is not taken for growth.
    weights = draw(st.lists(st.integers(6, 8), min_size=len(parts), max_size=len(parts)))

    def shape(n: int) -> tuple[str, None]:
        members = []
        for i, (part, weight) in enumerate(zip(parts, weights, strict=True)):
            text, _ = SHAPES[part](n * weight)
            members.append(f'"part{i}": {text}')
        return '{"versions": [], ' + ", ".join(members) + "}", None

    shape.__name__ = "+".join(parts)
    return shape


@pytest.mark.slow
# A failure is shown as found: shrinking one takes minutes of runs at four sizes each.
@settings(
    max_examples=3,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(shape=mixed(), mode=st.sampled_from(MODES))
def test_mixed_hostile_documents_grow_linearly(
    tmp_path_factory: pytest.TempPathFactory, shape: Shape, mode: tuple[str, ...]
) -> None:
    sizes, calls, peaks = grow(tmp_path_factory.mktemp("mixed"), shape, mode)
    assert slope(sizes, calls) <= MAX_SLOPE, (shape.__name__, sizes, calls)
    assert slope(sizes, peaks) <= MAX_SLOPE, (shape.__name__, sizes, peaks)
