"""The github and sarif output formats, and the text format's options."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from tvlint.report.github import _data, _property
from tvlint.report.sarif import artifact_uri
from tvlint.rules import RULES

from .factories import Run, s3_entry, webhook_entry

Cli = Callable[..., Run]
Write = Callable[..., Path]
DATA = Path(__file__).parent / "data"
BROKEN = {"versions": [webhook_entry(imageCount="43"), s3_entry()]}


def test_github_workflow_commands(
    cli: Cli, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(BROKEN, "data/actors/6_b/training_versions.json")
    monkeypatch.chdir(tmp_path)
    run = cli("--format", "github", "data")
    assert run.code == 1
    lines = run.out.splitlines()
    path = "data/actors/6_b/training_versions.json"
    text = (tmp_path / path).read_text()
    count_line = text[: text.index('"43"')].count("\n") + 1
    assert lines[0].startswith(
        f"::error file={path},line={count_line},col=",
    )
    assert ',title=TV003 schema::/versions/0/imageCount: "43" is not an integer' in lines[0]
    assert lines[1].startswith(f"::error file={path},line=")
    assert ",title=TV004 duplicate-lora-url::entry " in lines[1]
    assert not lines[2].startswith("::")  # the summary, as plain log lines


def test_github_escaping() -> None:
    # Made visible first: a line break in a value shows as "\r\n" in the annotation.
    assert _data("50% done\r\nnext") == "50%25 done\\r\\nnext"
    assert _property("a:b,c%") == "a%3Ab%2Cc%25"


def test_github_reports_unreadable_files(cli: Cli, tmp_path: Path) -> None:
    run = cli("--format", "github", "-q", tmp_path / "gone.json")
    assert run.code == 2
    assert (
        run.out
        == f"::error file={tmp_path / 'gone.json'},title=tvlint::No such file or directory\n"
    )


@pytest.fixture(scope="module")
def sarif_validator() -> Draft7Validator:
    schema = json.loads((DATA / "sarif-2.1.0.schema.json").read_text())
    return Draft7Validator(schema)


def test_sarif_validates_and_locates_each_result(
    cli: Cli,
    write: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    sarif_validator: Draft7Validator,
) -> None:
    write(BROKEN, "styles/1 water/training_versions.json")
    monkeypatch.chdir(tmp_path)
    run = cli("--format", "sarif", "styles")
    assert run.code == 1
    log = run.json()
    assert sorted(e.message for e in sarif_validator.iter_errors(log)) == []
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "tvlint"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    assert sarif_run["columnKind"] == "unicodeCodePoints"
    text = (tmp_path / "styles/1 water/training_versions.json").read_text()
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("TV003", "error"), ("TV004", "error")]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "styles/1%20water/training_versions.json"
    schema_result, duplicate = results
    assert schema_result["message"]["text"] == '/versions/0/imageCount: "43" is not an integer'
    offset = text.index('"43"')
    assert schema_result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": text.count("\n", 0, offset) + 1,
        "startColumn": offset - text.rfind("\n", 0, offset),
    }
    offset = text.index('"https://storyboard-user-files.s3.us-west-1')
    assert duplicate["locations"][0]["physicalLocation"]["region"] == {
        "startLine": text.count("\n", 0, offset) + 1,
        "startColumn": offset - text.rfind("\n", 0, offset),
    }
    assert sarif_run["invocations"][0]["executionSuccessful"] is True


def test_sarif_with_errors_and_no_results_validates(
    cli: Cli, tmp_path: Path, sarif_validator: Draft7Validator
) -> None:
    run = cli("--format", "sarif", tmp_path / "gone.json")
    assert run.code == 2
    log = run.json()
    assert list(sarif_validator.iter_errors(log)) == []
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert (
        invocation["toolExecutionNotifications"][0]["message"]["text"]
        == "No such file or directory"
    )


def test_the_sarif_schema_copy_rejects_a_broken_log(sarif_validator: Draft7Validator) -> None:
    assert list(sarif_validator.iter_errors({"version": "2.1.0", "runs": [{"results": []}]}))


def test_artifact_uris() -> None:
    assert artifact_uri("./a b/x.json") == "a%20b/x.json"
    assert artifact_uri("/abs/é.json") == "file:///abs/%C3%A9.json"


def test_quiet_prints_problems_only_and_statistics_counts_by_rule(cli: Cli, write: Write) -> None:
    path = write(BROKEN)
    quiet = cli("-q", path)
    assert quiet.code == 1
    assert [line.split(": ", 2)[1].split()[0] for line in quiet.out.splitlines()] == [
        "TV003",
        "TV004",
    ]
    stats = cli("--statistics", "-q", path)
    assert stats.out.splitlines()[2:] == []  # quiet wins: no summary, no statistics
    stats = cli("--statistics", path)
    assert stats.out.splitlines()[-2:] == ["1      TV003 schema", "1      TV004 duplicate-lora-url"]


def _run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Runs tvlint with its stdout on a pseudo-terminal, as a person would."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvlint", *args], stdout=follower, stderr=subprocess.PIPE, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(write: Write) -> None:
    path = str(write(BROKEN))
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[31mTV003" in _run_in_terminal([path], env)
    assert "\x1b[" not in _run_in_terminal([path], {**env, "NO_COLOR": "1"})
    piped = subprocess.run(
        [sys.executable, "-m", "tvlint", path], capture_output=True, text=True, env=env
    )
    assert "\x1b[" not in piped.stdout
    forced = subprocess.run(
        [sys.executable, "-m", "tvlint", "--color", "always", path],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "\x1b[31mTV004" in forced.stdout


@pytest.mark.parametrize(
    ("builtin", "path"),
    [
        ("vendor.github-actions", "action.yml"),
        ("vendor.github-workflows", "examples/github/tvlint.yml"),
        ("vendor.github-workflows", ".github/workflows/ci.yml"),
    ],
)
def test_action_and_workflow_validate(builtin: str, path: str, tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    check = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin]
    good = subprocess.run([*check, str(root / path)], capture_output=True, text=True)
    assert good.returncode == 0, good.stdout + good.stderr
    # The same check rejects a broken copy, so the pass above means something.
    broken = tmp_path / "broken.yml"
    broken.write_text(
        (root / path)
        .read_text()
        .replace("runs-on:", "runs_on:")
        .replace("using: composite", "using: nothing")
    )
    assert subprocess.run([*check, str(broken)], capture_output=True).returncode == 1


@pytest.mark.parametrize("fmt", ["text", "github"])
def test_quiet_and_statistics_mean_the_same_in_every_line_format(
    cli: Cli, write: Write, fmt: str
) -> None:
    path = write(BROKEN)
    full = cli("--format", fmt, "--fix", "--no-backup", path).out.splitlines()
    path.unlink()
    path = write(BROKEN)
    quiet = cli("--format", fmt, "--fix", "--no-backup", "-q", path).out.splitlines()
    # Quiet keeps the problems (and errors) and each changed file's line, in the same
    # words, and nothing else.
    assert quiet and all(line in full for line in quiet)
    changed = [line for line in quiet if "TV0" not in line]
    assert len(changed) == 1 and "removed 1 duplicate" in changed[0]
    assert not any("checked" in line or "kept" in line for line in quiet)
    stats = cli("--format", fmt, "--statistics", path).out.splitlines()
    assert stats[-1] == "1      TV003 schema"
