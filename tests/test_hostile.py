"""Hostile input: every file ends in a clear per-file message and its documented exit
status, never a traceback, and --fix never writes a file it could not fully parse.

The corpus is tests/hostile/*.json with tests/hostile/expected.json; inputs too big or
too strange to keep as files (deep nesting, a 1 MB string, 100,000 entries, a
directory, a symlink loop) are made by the tests below.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tvlint.document import MAX_NESTING

from .factories import Run, dumps, s3_entry, webhook_entry

Cli = Callable[..., Run]
CORPUS = Path(__file__).parent / "hostile"
EXPECTED: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text())


def test_the_corpus_is_complete() -> None:
    files = {p.name for p in CORPUS.glob("*.json")} - {"expected.json"}
    assert files == set(EXPECTED)
    assert len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check(cli: Cli, name: str) -> None:
    expected = EXPECTED[name]
    run = cli("--format", "json", CORPUS / name)
    assert run.code == expected["exit"], run.out + run.err
    result = run.json()
    assert sorted(p["code"] for p in result["problems"]) == sorted(expected["rules"])
    assert all(p["line"] >= 1 and p["column"] >= 1 for p in result["problems"])
    assert (
        any(expected["message"] in p["message"] for p in result["problems"])
        or not expected["rules"]
    )
    assert "Traceback" not in run.err


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fix_writes_only_what_it_fully_parsed(cli: Cli, tmp_path: Path, name: str) -> None:
    expected = EXPECTED[name]
    target = tmp_path / "training_versions.json"
    shutil.copyfile(CORPUS / name, target)
    original = target.read_bytes()
    run = cli("--fix", target)
    assert "Traceback" not in run.err
    if "TV004" in expected["rules"]:
        assert run.code == 1
        assert target.read_bytes() != original
        assert (tmp_path / "training_versions.json.backup").read_bytes() == original
        again = cli("--format", "json", target).json()
        assert "TV004" not in {p["code"] for p in again["problems"]}
    else:
        assert run.code == expected["exit"]
        assert target.read_bytes() == original
        assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]


def test_the_whole_corpus_in_one_real_process() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "tvlint",
            "--format",
            "json",
            *sorted(str(CORPUS / n) for n in EXPECTED),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr == ""
    found: dict[str, list[str]] = {}
    for problem in json.loads(proc.stdout)["problems"]:
        found.setdefault(Path(problem["path"]).name, []).append(problem["code"])
    assert {n: sorted(c) for n, c in found.items()} == {
        n: sorted(e["rules"]) for n, e in EXPECTED.items() if e["rules"]
    }


def test_deep_nesting(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_bytes(b'{"versions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    run = cli("--fix", path)
    assert run.code == 1
    # At the first bracket past the limit: the root is one level, so 512 more in.
    message = f"TV001 invalid-json nesting too deep to parse: more than {MAX_NESTING} levels"
    assert f"{path}:1:{14 + MAX_NESTING - 1}: {message}" in run.out


def _nested(depth: int, kind: str) -> str:
    """``true`` inside ``depth`` arrays or objects."""
    if kind == "arrays":
        return "[" * depth + "true" + "]" * depth
    return '{"a": ' * depth + "true" + "}" * depth


# Where a deep value goes in a file whose two entries name one model file: what --fix
# carries, what it weighs against another value, what it removes or keeps, or beside.
DEEP_PLACES = ["carried isGood", "conflicting isGood", "removed entry", "kept entry", "root"]


def _with_deep_value(place: str, value: str) -> str:
    """A file with ``value`` (JSON text, nested ``depth`` levels) at ``place``."""
    url = "https://b.s3-accelerate.amazonaws.com/m/style_1_vV7.safetensors"
    kept = {"id": '"a"', "loraUrl": f'"{url}"', "parameters": '{"network_dim": 8}'}
    removed = {"id": '"b"', "loraUrl": f'"{url}"'}
    root = ""
    if place == "carried isGood":
        removed["isGood"] = value
    elif place == "conflicting isGood":
        kept["isGood"], removed["isGood"] = "true", value
    elif place == "removed entry":
        removed["extra"] = value
    elif place == "kept entry":
        kept["extra"] = value
    else:
        root = f', "meta": {value}'
    entries = (", ".join(f'"{k}": {v}' for k, v in e.items()) for e in (kept, removed))
    return '{"versions": [\n  {' + "},\n  {".join(entries) + "}\n]" + root + "}\n"


# One more level than a value there may have: the root's, the array's and the entry's.
_LEVELS_ABOVE = {"root": 1, "kept entry": 3, "removed entry": 3}

DEEP_RUNS = [
    (), ("--format", "json"), ("--format", "sarif"), ("--format", "github"),
    ("--diff",), ("--diff", "--format", "json"), ("--fix", "--no-backup"),
    ("--fix", "--no-backup", "--format", "json"), ("--fix", "--no-backup", "--format", "sarif"),
]  # fmt: skip


@pytest.mark.parametrize("kind", ["arrays", "objects"])
@pytest.mark.parametrize("place", DEEP_PLACES)
def test_data_as_deep_as_allowed_is_read_everywhere(
    cli: Cli, tmp_path: Path, place: str, kind: str
) -> None:
    # Everything after the parse (ranking, carrying, the self-check, every report)
    # recurses into the value from deeper in the stack than the parse did.
    levels = MAX_NESTING - _LEVELS_ABOVE.get(place, 3)
    text = _with_deep_value(place, _nested(levels, kind))
    path = tmp_path / "training_versions.json"
    for args in DEEP_RUNS:
        path.write_text(text)
        run = cli(*args, path)
        assert "nesting too deep" not in run.out + run.err, args
        assert run.code == 1, (args, run.err)  # duplicates or schema problems
    if place != "conflicting isGood":  # a conflict is left for a person
        assert path.read_text() != text


@pytest.mark.parametrize("kind", ["arrays", "objects"])
@pytest.mark.parametrize("place", DEEP_PLACES)
def test_data_deeper_than_allowed_is_invalid_json_everywhere(
    cli: Cli, tmp_path: Path, place: str, kind: str
) -> None:
    levels = MAX_NESTING - _LEVELS_ABOVE.get(place, 3) + 1
    text = _with_deep_value(place, _nested(levels, kind))
    path = tmp_path / "training_versions.json"
    for args in DEEP_RUNS:
        path.write_text(text)
        run = cli(*args, path)
        message = f"nesting too deep to parse: more than {MAX_NESTING} levels"
        assert message in run.out + run.err, args
        assert run.code == 1, (args, run.err)
        assert path.read_text() == text


def test_a_megabyte_string_gives_a_short_message(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry(status="x" * 1_000_000)]}))
    run = cli("--format", "json", path)
    assert run.code == 1
    [problem] = run.json()["problems"]
    assert problem["code"] == "TV003"
    # The value is shortened in the middle; what is wrong with it stays readable.
    assert problem["message"].startswith('/versions/0/status: "xxxxx')
    assert "x…x" in problem["message"]
    assert problem["message"].endswith(
        'is not one of "pending", "starting", "training", "completed", "failed"'
    )
    assert len(problem["message"]) <= 200


@pytest.mark.parametrize(
    "ending", ["x.safetensors#a#", "x.safetensors?a[", "x.safetensors ", "\U0001f600?#"]
)
def test_a_long_lora_url_refused_late_is_explained_in_little_memory(
    cli: Cli, tmp_path: Path, ending: str
) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(
        dumps({"versions": [s3_entry(loraUrl="https://b.example/" + "a/" * 300_000 + ending)]})
    )
    size = path.stat().st_size
    tracemalloc.start()
    try:
        run = cli("--format", "json", path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert run.code == 1
    problems = run.json()["problems"]
    assert {p["code"] for p in problems} == {"TV003"}
    assert all(
        p["message"].startswith('/versions/0/loraUrl: "https://b.example/a/a/') for p in problems
    )
    # Cut in the middle: the end of the URL is in the message.
    assert any(
        p["message"].endswith(
            f'a/{ending}" is not an absolute URI such as https://host/path/model.safetensors'
        )
        for p in problems
    )
    # rfc3986-validator's regex held 130-180 bytes a character here: 100 MB.
    assert peak < 20 * size


@pytest.mark.slow
def test_a_hundred_thousand_entries_with_one_lora_url(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    entries = [s3_entry(id=f"e{i}") for i in range(100_000)]
    path.write_text(json.dumps({"versions": entries}))
    run = cli("--format", "json", path)
    assert run.code == 1
    assert run.json()["summary"]["duplicates"] == 99_999
    fixed = cli("--fix", "--no-backup", "--format", "json", path)
    assert fixed.code == 1
    assert fixed.json()["summary"]["removed"] == 99_999
    assert json.loads(path.read_text())["versions"] == [entries[0]]  # a full tie: the first
    assert cli(path).code == 0


def test_a_directory_named_like_the_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a" / "training_versions.json").mkdir(parents=True)
    for args in (
        [tmp_path],
        ["--fix", tmp_path],
        [tmp_path / "a" / "training_versions.json" / ".."],
    ):
        run = cli(*args)
        assert run.code == 2
        assert "training_versions.json: is a directory" in run.err


def test_a_symlink_loop(cli: Cli, tmp_path: Path) -> None:
    loop = tmp_path / "training_versions.json"
    loop.symlink_to(tmp_path / "other.json")
    (tmp_path / "other.json").symlink_to(loop)
    for args in ([tmp_path], ["--fix", loop]):
        run = cli(*args)
        assert run.code == 2
        assert "Too many levels of symbolic links" in run.err
        assert "Traceback" not in run.err


def test_an_unreadable_file_among_good_ones(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "a" / "training_versions.json"
    bad = tmp_path / "b" / "training_versions.json"
    for path in (good, bad):
        path.parent.mkdir()
        path.write_text(dumps({"versions": [webhook_entry(), s3_entry()]}))
    real_open = os.open

    # Simulated: as root (CI), chmod cannot take the right to read away.
    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(bad):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    run = cli("--fix", tmp_path)
    assert run.code == 2
    assert f"tvlint: error: {bad}: Permission denied" in run.err
    assert json.loads(good.read_text())["versions"] == [webhook_entry()]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_really_unreadable_file(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text("{}")
    path.chmod(0)
    assert cli(path).code == 2


def test_repeated_keys_in_a_versions_that_json_did_not_keep(cli: Cli, tmp_path: Path) -> None:
    # The first "versions" is an object whose keys look like indices: neither "²" (a
    # digit, but no number) nor "0" is an entry of the versions that is kept.
    for key in ("²", "0"):
        path = tmp_path / "training_versions.json"
        path.write_text(
            f'{{"versions": {{"{key}": {{"a": 1, "a": 2}}}},\n "versions": '
            + json.dumps([s3_entry(id="a"), s3_entry(id="b")])
            + "}"
        )
        run = cli("--format", "json", path)
        assert run.code == 1
        problems = run.json()["problems"]
        assert [p["code"] for p in problems] == ["TV002", "TV002", "TV004"]
        assert problems[2]["message"].startswith('entry "b" duplicates "a" (line 2): same model')
        assert "resolve by hand" not in problems[2]["message"]
