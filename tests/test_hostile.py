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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    assert "TV001 invalid-json nesting too deep to parse (100001 levels)" in run.out


def test_a_megabyte_string_gives_a_short_message(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry(status="x" * 1_000_000)]}))
    run = cli("--format", "json", path)
    assert run.code == 1
    [problem] = run.json()["problems"]
    assert problem["code"] == "TV003"
    # The value is shortened in the middle; what is wrong with it stays readable.
    assert problem["message"].startswith("/versions/0/status: 'xxxxx")
    assert "x…x" in problem["message"]
    assert problem["message"].endswith(
        "is not one of ['pending', 'starting', 'training', 'completed', 'failed']"
    )
    assert len(problem["message"]) <= 200


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
