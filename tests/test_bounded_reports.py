"""Reports that grow with the file, model files told apart byte for byte, and host
patterns that a host cannot widen."""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tvlint.rules.hosts import _glob
from tvlint.untrusted import clipped, cut, quoted, quoted_middle

from .factories import REGIONAL, Run, dumps, s3_entry, webhook_entry

Cli = Callable[..., Run]
SIZES = (50, 100, 200, 400)


def _linear(sizes: list[int], measures: list[int], slack: float = 1.25) -> bool:
    """Whether ``measures`` grow linearly with ``sizes``: the measure per unit of size
    at the largest is no more than ``slack`` times that at the smallest (a square
    would multiply it by the sizes' ratio, 8 here)."""
    first, last = measures[0] / sizes[0], measures[-1] / sizes[-1]
    return last <= slack * first


# Values json.loads can give: strings with lone surrogates ("\udcfe" in a file) and
# numbers too large for a float (1e400) included.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(exclude_categories=())),
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(
            st.text(st.characters(exclude_categories=()), max_size=8), inner, max_size=6
        )
    ),
    max_leaves=25,
)


def _reference_clipped(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return cut(value, limit)
    if isinstance(value, (dict, list)):
        shown = json.dumps(value, ensure_ascii=False)
        return value if len(shown) <= limit else cut(shown, limit)
    return value


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a) == json.dumps(b)  # NaN is not equal to itself


@settings(max_examples=250, deadline=None)
@given(JSON_VALUES, st.integers(min_value=1, max_value=120))
@example(['"\\\n' * 30, {"": []}], 3)
@example({"a" * 200: 1}, 80)
@example([[[[[]]]]], 1)
@example(float("inf"), 5)
def test_quoting_is_json_dumps_cut_to_the_limit(value: Any, limit: int) -> None:
    from tvlint.untrusted import json_prefix

    text = json.dumps(value, ensure_ascii=False)
    assert quoted(value, limit) == cut(text, limit)
    assert _same(clipped(value, limit), _reference_clipped(value, limit))
    for size in (0, 1, limit, len(text), len(text) + 1):
        assert json_prefix(value, size) == text[:size]


@settings(max_examples=250, deadline=None)
@given(JSON_VALUES | st.text(), st.integers(min_value=1, max_value=120))
@example("https://b.s3.us-west-1.amazonaws.com/" + "d/" * 40 + "style_1_vV7.safetensors", 60)
@example("\n" * 100, 9)
@example("a" * 100 + "\x01" * 40, 60)
@example("\x01" * 13 + "X" * 5, 20)
def test_a_value_cut_in_the_middle_keeps_both_ends(value: Any, limit: int) -> None:
    text = json.dumps(value, ensure_ascii=False)
    shown = quoted_middle(value, limit)
    if not isinstance(value, str) or len(text) <= limit or limit < 3:
        assert shown == quoted(value, limit)
        return
    # No longer than the limit: the JSON text's start, an ellipsis for the middle, and
    # its end in whole escapes (a JSON string's end once the opening quote is added).
    head, _, end = shown.rpartition("…")
    assert len(shown) <= limit and len(head) >= limit - 1 - (limit - 1) // 2
    assert text.startswith(head) and text.endswith(end)
    assert isinstance(json.loads('"' + end), str)


def test_a_url_cut_in_the_middle_keeps_its_file_name() -> None:
    host = "https://storyboard-user-files.s3.us-west-1.amazonaws.com/"
    url = host + "m/" * 30 + "style_1_vV7.safetensors"
    assert quoted_middle(url, 60).endswith('/style_1_vV7.safetensors"')
    assert "style_1_vV7" not in quoted(url, 60)  # where the end-cut loses it


@pytest.mark.parametrize("shape", ["object", "array", "nested"])
def test_quoting_a_large_value_costs_what_the_limit_allows(shape: str) -> None:
    peaks = []
    for size in SIZES:
        n = size * 200
        value: Any = {
            "object": {f"k{i:06d}": "v" * 20 for i in range(n)},
            "array": [[i, "v" * 20] for i in range(n)],
            "nested": [[[[{"k": ["v" * 20] * n}]]]],
        }[shape]
        tracemalloc.start()
        try:
            quoted(value)
            quoted(value, 40)
            clipped(value)
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    # A megabyte of JSON written whole would be a megabyte at the peak.
    assert max(peaks) < 20_000, peaks


def _counting_json(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A counter of the characters every JSON encoding writes from now on: the work
    of writing values, deterministic."""
    written = [0]
    encode = json.JSONEncoder.encode

    def counted(self: json.JSONEncoder, o: Any) -> str:
        text = encode(self, o)
        written[0] += len(text)
        return text

    monkeypatch.setattr(json.JSONEncoder, "encode", counted)
    return written


REPORTS = [
    ("--diff",),
    ("--diff", "--format", "json"),
    ("--fix", "--no-backup"),
    ("--fix", "--no-backup", "--format", "json"),
]


@pytest.mark.parametrize("args", REPORTS, ids=" ".join)
def test_reports_of_a_large_value_and_many_duplicates_are_linear_in_the_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    # The kept entry's parameters are half the file, and every removed entry differs
    # from it there: each removal quotes them.
    path = tmp_path / "training_versions.json"
    file_sizes, work, output = [], [], []
    for size in SIZES:
        parameters = {f"p{i:05d}": "x" * 40 for i in range(size * 2)}
        kept = webhook_entry(parameters=parameters, notes="kept " * 20)
        removed = [s3_entry(id=f"dup-{i:05d}", notes=f"removed {i:05d}") for i in range(size)]
        text = dumps({"versions": [kept, *removed]})
        path.write_text(text)
        with monkeypatch.context() as patch:
            written = _counting_json(patch)
            run = cli(*args, path)
        assert run.code in (0, 1), run.err
        assert written[0] > 0  # the count sees the run's JSON
        file_sizes.append(len(text))
        work.append(written[0])
        output.append(len(run.out) + len(run.err))
    assert _linear(file_sizes, work), work
    assert _linear(file_sizes, output), output


# Groups left for a person: verdicts that disagree, or entries that repeat a key.


def _held_group(size: int, how: str) -> str:
    """One model file named by ``size`` entries, held for a person ``how``."""
    versions = []
    for i in range(size):
        if how == "conflict":
            versions.append(s3_entry(id=f"e{i:05d}", isGood=i % 2 == 0))
        else:
            versions.append(s3_entry(id=f"e{i:05d}"))
    text = dumps({"versions": versions})
    if how == "repeated key":
        text = text.replace('"status": "completed"', '"status": "x", "status": "completed"')
    return text


@pytest.mark.parametrize("how", ["conflict", "repeated key"])
@pytest.mark.parametrize(
    "args",
    [
        (),
        ("--format", "json"),
        ("--format", "github"),
        ("--format", "sarif"),
        *REPORTS,
        ("--fix", "--no-backup", "--format", "sarif"),
    ],
    ids=lambda args: " ".join(args) or "check",
)
def test_a_group_left_for_a_person_gives_a_report_linear_in_the_file(
    cli: Cli, tmp_path: Path, how: str, args: tuple[str, ...]
) -> None:
    path = tmp_path / "training_versions.json"
    file_sizes, output = [], []
    for size in SIZES:
        text = _held_group(size, how)
        path.write_text(text)
        run = cli(*args, path)
        assert run.code == 1, run.err
        assert path.read_text() == text  # held: nothing written
        file_sizes.append(len(text))
        output.append(len(run.out.encode()) + len(run.err.encode()))
    assert _linear(file_sizes, output), output


def test_a_group_left_for_a_person_names_its_holders_once(cli: Cli, write: Any) -> None:
    versions = [
        webhook_entry(isGood=False),
        s3_entry(isGood=True),
        s3_entry(id="again", isGood=True),
        s3_entry(id="third"),
    ]
    path = write({"versions": versions})
    run = cli("--format", "json", path)
    assert run.code == 1
    problems = [p for p in run.json()["problems"] if p["code"] == "TV004"]
    assert [p["pointer"] for p in problems] == [f"/versions/{i}/loraUrl" for i in (1, 2, 3)]
    first_line = problems[0]["line"]
    same = (
        'duplicates "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" (line 3): '
        "same model file style_1_vV7.safetensors; conflicting isGood"
    )
    assert [p["message"] for p in problems] == [
        f'entry "style_1_vV7" {same}: kept "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" false, '
        '"style_1_vV7" true, "again" true; make isGood agree (or delete the entries not wanted), '
        "then run tvlint --fix",
        f'entry "again" {same}: see line {first_line} for what to do',
        f'entry "third" {same}: see line {first_line} for what to do',
    ]


def test_entries_that_repeat_a_key_are_named_once(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(_held_group(3, "repeated key"))
    run = cli("--format", "json", path)
    assert run.code == 1
    problems = [p for p in run.json()["problems"] if p["code"] == "TV004"]
    first_line = problems[0]["line"]
    assert problems[0]["message"].endswith(
        '"e00000", "e00001", "e00002" repeat a key; delete the repeated member, '
        "then run tvlint --fix"
    )
    assert [p["message"].rsplit("; ", 1)[1] for p in problems[1:]] == [
        f"an entry repeats a key: see line {first_line} for what to do"
    ]


# Model files, byte for byte.


def test_model_files_that_are_different_bytes_are_not_duplicates(cli: Cli, write: Any) -> None:
    versions = [
        s3_entry("model%FE", id="fe"),
        s3_entry("model%FF", id="ff"),
        s3_entry("model%C3%A9", id="e-escaped"),
        s3_entry("modelé", id="e-literal"),  # the same bytes as the one before
        s3_entry("model%fe", id="fe-lower"),  # the same byte as the first
    ]
    path = write({"versions": versions})
    check = cli("--format", "json", "--select", "TV004", path)
    assert check.code == 1
    found = {(p["pointer"], p["message"].split(";")[0]) for p in check.json()["problems"]}
    assert {pointer for pointer, _ in found} == {"/versions/3/loraUrl", "/versions/4/loraUrl"}
    assert any("same model file model\\xfe.safetensors" in message for _, message in found)
    fixed = cli("--fix", "--no-backup", "--select", "TV004", path)
    assert (fixed.code, fixed.out.splitlines()[-2:]) == (
        1,
        [
            "1 file changed, 2 duplicates removed, 0 backups written",
            "To undo: no backup was written; git checkout -- FILE restores a file git tracks",
        ],
    )
    after = json.loads(path.read_text())["versions"]
    assert [entry["id"] for entry in after] == ["fe", "ff", "e-escaped"]


def test_model_files_that_differ_only_in_bytes_that_are_not_utf8(cli: Cli, write: Any) -> None:
    entries = [s3_entry("model%FE", id="a", name="V1"), s3_entry("model%FF", id="b", name="V2")]
    path = write({"versions": entries})
    before = path.read_bytes()
    assert cli(path).code == 0
    fixed = cli("--fix", path)
    assert (fixed.code, path.read_bytes()) == (0, before)
    assert "0 duplicates removed" in fixed.out


# Host patterns.

README_PATTERN = (
    '[tool.tvlint.rules.lora-host]\nallowed-hosts = ["storyboard-user-files.s3.*.amazonaws.com"]\n'
)


def _hosts_run(cli: Cli, tmp_path: Path, config: str, *urls: str) -> list[dict[str, Any]]:
    (tmp_path / "pyproject.toml").write_text(config)
    versions = [s3_entry(f"m{i}", loraUrl=url) for i, url in enumerate(urls)]
    (tmp_path / "training_versions.json").write_text(dumps({"versions": versions}))
    run = cli("--format", "json", "--select", "TV006", "training_versions.json")
    assert run.code in (0, 1), run.err
    problems: list[dict[str, Any]] = run.json()["problems"]
    return problems


def test_a_star_stands_for_one_label_and_never_a_dot(cli: Cli, tmp_path: Path) -> None:
    problems = _hosts_run(
        cli,
        tmp_path,
        README_PATTERN,
        REGIONAL + "a.safetensors",
        "https://storyboard-user-files.s3.attacker.s3.us-east-1.amazonaws.com/m/a.safetensors",
        "https://storyboard-user-files.s3.attacker%2Es3.us-east-1.amazonaws.com/m/a.safetensors",
        "https://storyboard-user-files.s3.attacker\u3002s3.us-east-1.amazonaws.com/m/a.safetensors",
    )
    assert [p["pointer"] for p in problems] == [f"/versions/{i}/loraUrl" for i in (1, 2, 3)]
    host = "storyboard-user-files.s3.attacker.s3.us-east-1.amazonaws.com"
    assert {p["message"] for p in problems} == {
        f'model file on host "{host}", which allowed-hosts (set in pyproject.toml [tool.tvlint.rules.lora-host]) does not allow'
    }


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://[::ffff:01.2.3.4]/m/a.safetensors", "an IP literal that is not an IPv6 address"),
        ("https://:443/m/a.safetensors", "an empty host"),
        ("https://user@/m/a.safetensors", "an empty host"),
        (
            "https:storyboard-user-files.s3.us-west-1.amazonaws.com/m/a",
            "no //host after its scheme",
        ),
        ("https://h.amazonaws.com:44x/m/a.safetensors", "a port that is not a number"),
        ("https://127.1/m/a.safetensors", "an IPv4 address not written as four decimal numbers"),
        ("https://ex%FFample.com/m/a.safetensors", "percent-escapes that are not UTF-8"),
        ("https://stra\u00dfe.amazonaws.com/m/a.safetensors", "a name IDNA would change"),
    ],
)
def test_a_lora_url_whose_host_cannot_be_read_is_a_tv006_problem(
    cli: Cli, tmp_path: Path, url: str, why: str
) -> None:
    problems = _hosts_run(cli, tmp_path, README_PATTERN.replace("s3.*.", "*."), url)
    assert [(p["code"], p["pointer"], p["message"]) for p in problems] == [
        (
            "TV006",
            "/versions/0/loraUrl",
            f"cannot tell which host this loraUrl names ({why}), so allowed-hosts (set in pyproject.toml [tool.tvlint.rules.lora-host]) cannot allow it",
        )
    ]


def test_hosts_are_compared_after_idna_lower_case_and_brackets(cli: Cli, tmp_path: Path) -> None:
    config = (
        "[tool.tvlint.rules.lora-host]\n"
        'allowed-hosts = ["ex\u00c4mple.com", "[2001:DB8:0::1]", "*.EXAMPLE.org"]\n'
    )
    allowed = [
        "https://xn--exmple-cua.com/m/a.safetensors",
        "https://EX%C3%A4MPLE.com./m/a.safetensors",
        "https://ex\u00e4mple\uff0ecom/m/a.safetensors",
        "https://u:p@[2001:db8::0:1]:443/m/a.safetensors",
        "https://Models.Example.ORG/m/a.safetensors",
    ]
    refused = ["https://[2001:db8::2]/m/a.safetensors", "https://a.models.example.org/m/a"]
    problems = _hosts_run(cli, tmp_path, config, *allowed, *refused)
    assert [(p["pointer"], p["message"]) for p in problems] == [
        (
            f"/versions/{len(allowed)}/loraUrl",
            'model file on host "[2001:db8::2]", which allowed-hosts (set in pyproject.toml [tool.tvlint.rules.lora-host]) does not allow',
        ),
        (
            f"/versions/{len(allowed) + 1}/loraUrl",
            'model file on host "a.models.example.org", which allowed-hosts (set in pyproject.toml [tool.tvlint.rules.lora-host]) does not allow',
        ),
    ]


@pytest.mark.parametrize("pattern", ["exa mple.com", "a..b", "[v1.x]", "st\u00dfe*.com", ""])
def test_a_pattern_that_is_not_a_host_is_a_configuration_error(
    cli: Cli, tmp_path: Path, pattern: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.tvlint.rules.lora-host]\nallowed-hosts = [{json.dumps(pattern)}]\n"
    )
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [s3_entry()]}))
    run = cli("training_versions.json")
    assert run.code == 2
    assert f"[tool.tvlint.rules.lora-host]: allowed-hosts: {pattern!r} is not a host pattern (" in (
        run.err
    )


def test_a_pattern_of_many_stars_matches_with_work_bounded_by_the_host(
    cli: Cli, tmp_path: Path
) -> None:
    # As a regex, each * within the others backtracks: 8 of them over a 63-character
    # label did not finish in minutes. Each label has its own linear walk.
    pattern = "*a" * 8 + "*b.example"
    config = f'[tool.tvlint.rules.lora-host]\nallowed-hosts = ["{pattern}"]\n'
    url = "https://" + "a" * 63 + ".example/m/a.safetensors"
    problems = _hosts_run(cli, tmp_path, config, url)
    assert [p["pointer"] for p in problems] == ["/versions/0/loraUrl"]


@settings(max_examples=1000, deadline=None)
@given(
    pattern=st.text(alphabet="ab*-", max_size=12),
    label=st.text(alphabet="ab-", max_size=12),
)
def test_a_label_glob_is_fnmatch_within_one_label(pattern: str, label: str) -> None:
    assert _glob(pattern, label) == fnmatchcase(label, pattern)
