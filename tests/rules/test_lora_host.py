"""TV006 lora-host: models on hosts the project allows, set in its own table."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from tvlint.report import FORMATS

from ..factories import ACCEL, REGIONAL, Run, dumps, s3_entry, webhook_entry

Cli = Callable[..., Run]
DATA = Path(__file__).parent.parent / "data"
ALLOWED = (
    "[tool.tvlint.rules.lora-host]\n"
    'allowed-hosts = ["storyboard-user-files.s3-accelerate.amazonaws.com", '
    '"storyboard-user-files.s3.*.amazonaws.com"]\n'
)
ELSEWHERE = "https://models.example.net:8443/x/style_1_vV9.safetensors?sig=1"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(ALLOWED)
    versions = [
        webhook_entry(),
        s3_entry("style_1_vV6"),
        s3_entry("style_1_vV9", loraUrl=ELSEWHERE),
        s3_entry(
            "style_1_vV5", loraUrl=ACCEL.replace("https://", "https://user@") + "a.safetensors"
        ),
    ]
    (tmp_path / "training_versions.json").write_text(dumps({"versions": versions}))
    return tmp_path


def test_a_host_that_is_not_allowed_is_reported_at_its_lora_url(cli: Cli, project: Path) -> None:
    run = cli("--format", "json", "training_versions.json")
    assert run.code == 1
    [problem] = run.json()["problems"]
    assert (problem["code"], problem["rule"]) == ("TV006", "lora-host")
    assert problem["pointer"] == "/versions/2/loraUrl"
    assert problem["message"] == (
        'model file on host "models.example.net", which allowed-hosts '
        "(set in pyproject.toml [tool.tvlint.rules.lora-host]) does not allow"
    )
    text = (project / "training_versions.json").read_text()
    line = text[: text.index(ELSEWHERE)].count("\n") + 1
    assert problem["line"] == line


def test_the_message_names_where_allowed_hosts_is_set(
    cli: Cli, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pyproject.toml").unlink()
    (project / "tvlint.toml").write_text(ALLOWED.replace("[tool.tvlint.", "["))
    [problem] = cli("--format", "json", "training_versions.json").json()["problems"]
    assert (
        "which allowed-hosts (set in tvlint.toml [rules.lora-host]) does not"
        in (problem["message"])
    )
    # From a directory beside it, the configuration's whole path.
    (project / "elsewhere").mkdir()
    monkeypatch.chdir(project / "elsewhere")
    [problem] = cli("--format", "json", project / "training_versions.json").json()["problems"]
    assert f"(set in {project / 'tvlint.toml'} [rules.lora-host])" in problem["message"]


def test_with_no_allowed_hosts_the_rule_reports_nothing(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text("")
    assert cli("training_versions.json").code == 0
    (project / "pyproject.toml").write_text("[tool.tvlint.rules.lora-host]\nallowed-hosts = []\n")
    assert cli("training_versions.json").code == 0


def test_hosts_match_in_lower_case_and_a_star_stays_in_one_label(cli: Cli, tmp_path: Path) -> None:
    # The host has four labels before "amazonaws.com": one "*" stands for one of them.
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tvlint.rules.lora-host]\nallowed-hosts = ["*.AMAZONAWS.com"]\n'
    )
    entry = s3_entry(loraUrl=REGIONAL.replace("storyboard", "STORYBOARD") + "m.safetensors")
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [entry]}))
    run = cli("--format", "json", "training_versions.json")
    assert run.code == 1
    [problem] = run.json()["problems"]
    assert problem["message"] == (
        'model file on host "storyboard-user-files.s3.us-west-1.amazonaws.com", '
        "which allowed-hosts (set in pyproject.toml [tool.tvlint.rules.lora-host]) does not allow"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tvlint.rules.lora-host]\nallowed-hosts = ["Storyboard-User-Files.S3.*.AMAZONAWS.com"]\n'
    )
    assert cli("training_versions.json").code == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_reports_it(cli: Cli, project: Path, fmt: str) -> None:
    run = cli("--format", fmt, "training_versions.json")
    assert run.code == 1
    assert "TV006" in run.out
    if fmt == "sarif":
        log = json.loads(run.out)
        Draft7Validator(json.loads((DATA / "sarif-2.1.0.schema.json").read_text())).validate(log)
        rules = log["runs"][0]["tool"]["driver"]["rules"]
        [result] = log["runs"][0]["results"]
        assert rules[result["ruleIndex"]]["id"] == "TV006"
        assert rules[result["ruleIndex"]]["name"] == "lora-host"


def test_explain(cli: Cli) -> None:
    run = cli("--explain", "TV006")
    assert run.code == 0
    assert run.out.startswith("TV006 lora-host\n\nA loraUrl names a host")
    assert "Option allowed-hosts (list[str], default []):" in run.out
    assert cli("--explain", "lora-host").out == run.out


def test_select_and_ignore_by_code_and_name(cli: Cli, project: Path) -> None:
    assert cli("--ignore", "lora-host", "training_versions.json").code == 0
    assert cli("--select", "TV006", "training_versions.json").code == 1


def test_a_wrong_option_names_the_table_and_key(cli: Cli, project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.tvlint.rules.lora-host]\nallowed-hosts = "storyboard-user-files.s3.*"\n'
    )
    run = cli("training_versions.json")
    assert run.code == 2
    assert run.err.endswith(
        "[tool.tvlint.rules.lora-host]: allowed-hosts must be a list of strings\n"
    )
