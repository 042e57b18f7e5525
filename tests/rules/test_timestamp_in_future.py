"""TV007 timestamp-in-future: off by default, turned on by select or extend-select, its
skew a duration option, its clock given by the run's settings."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tvlint.config import Settings
from tvlint.lint import Linter
from tvlint.rules import RULES
from tvlint.rules.base import duration_seconds
from tvlint.rules.interpret import enabled_codes

from ..factories import Run, dumps, lint_bytes, s3_entry, webhook_entry

Cli = Callable[..., Run]
NOW = 1_760_258_462.0  # 2025-10-12T08:41:02Z


def _problems(
    versions: Sequence[object], skew: str | None = None, now: float = NOW
) -> list[tuple[str, str]]:
    options = {} if skew is None else {"timestamp-in-future": {"allowed-skew": skew}}
    settings = Settings(extend_select=("TV007",), rule_options=options, clock=lambda: now)
    result, _ = lint_bytes(
        Linter.for_settings(settings), "t.json", dumps({"versions": versions}).encode()
    )
    return [(p.pointer, p.message) for p in result.problems or () if p.code == "TV007"]


def test_each_key_past_the_skew_is_reported_at_its_value() -> None:
    versions = [
        webhook_entry(timestamp="2025-10-12T09:41:02Z"),  # exactly the skew: allowed
        webhook_entry(timestamp="2025-10-12T09:41:02.5Z", completedAt="2025-10-15T08:41:02Z"),
        s3_entry(timestamp="2025-10-12T11:41:02+02:00"),  # the same instant, another zone
        s3_entry(timestamp="not a date"),  # TV003's
        "not an entry",
    ]
    assert _problems(versions) == [
        (
            "/versions/1/timestamp",
            'timestamp "2025-10-12T09:41:02.5Z" is 1 hour after now (allowed-skew "1h")',
        ),
        (
            "/versions/1/completedAt",
            'completedAt "2025-10-15T08:41:02Z" is 3 days after now (allowed-skew "1h")',
        ),
    ]


def test_the_skew_is_a_duration_option() -> None:
    ahead = [webhook_entry(timestamp="2025-10-14T08:41:02Z")]  # two days ahead
    assert len(_problems(ahead, skew="1d")) == 1
    assert _problems(ahead, skew="3d") == []
    assert _problems(ahead, skew="2880m") == []  # two days, to the second
    assert len(_problems(ahead, skew="172799s")) == 1
    # The clock is the settings': a day later, the same file passes.
    assert _problems(ahead, now=NOW + 86400 * 2) == []


@pytest.mark.parametrize(
    ("value", "seconds"), [("90s", 90), ("30m", 1800), ("12h", 43200), ("3d", 259200)]
)
def test_durations(value: str, seconds: int) -> None:
    assert duration_seconds(value) == seconds


def test_off_by_default_and_not_set_up_when_off() -> None:
    [rule] = [r for r in RULES if r.code == "TV007"]
    assert not rule.default
    assert "TV007" not in enabled_codes(Settings())
    assert "TV007" in enabled_codes(Settings(select=("TV007",)))
    assert "TV007" not in enabled_codes(Settings(extend_select=("TV007",), ignore=("TV007",)))
    assert {r.code for r in Linter.for_settings(Settings()).rules} == enabled_codes(Settings())


def test_sarif_lists_it_as_off_by_default(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": []}))
    rules = cli("--format", "sarif", path).json()["runs"][0]["tool"]["driver"]["rules"]
    enabled = {r["id"]: r["defaultConfiguration"]["enabled"] for r in rules}
    assert enabled == {r.code: r.code != "TV007" for r in RULES}


def test_a_rule_that_does_not_run_is_not_set_up(cli: Cli, tmp_path: Path) -> None:
    # TV003 is not selected: its schema is never read, so a missing one is no error.
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry(), webhook_entry()]}))
    run = cli("--select", "TV004", "--schema", tmp_path / "missing.json", path)
    assert (run.code, run.err) == (1, "")
    assert cli("--schema", tmp_path / "missing.json", path).code == 2


@pytest.fixture
def future(tmp_path: Path) -> Path:
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [webhook_entry(timestamp="2999-10-12T08:41:02Z")]}))
    return path


def test_the_command_line_turns_it_on_with_extend_select(cli: Cli, future: Path) -> None:
    assert cli(future).code == 0
    run = cli("--extend-select", "timestamp-in-future", future)
    assert run.code == 1
    assert ' TV007 timestamp-in-future timestamp "2999-10-12T08:41:02Z" is ' in run.out
    # extend-select adds to what select picks; select alone replaces the defaults.
    both = cli("--format", "json", "--select", "TV005", "--extend-select", "TV007", future)
    assert [p["code"] for p in both.json()["problems"]] == ["TV007"]


def test_the_configuration_turns_it_on_and_sets_the_skew(
    cli: Cli, future: Path, tmp_path: Path
) -> None:
    config = tmp_path / "pyproject.toml"
    config.write_text('[tool.tvlint]\nextend-select = ["TV007"]\n')
    assert cli(future).code == 1
    soon = dumps({"versions": [webhook_entry(timestamp=_iso(_now() + 2 * 86400))]})
    future.write_text(soon)
    assert cli(future).code == 1
    config.write_text(
        '[tool.tvlint]\nextend-select = ["TV007"]\n'
        '[tool.tvlint.rules.timestamp-in-future]\nallowed-skew = "3d"\n'
    )
    assert cli(future).code == 0


@pytest.mark.parametrize("skew", ["3 days", "3", "-1h", "1w", "1.5h"])
def test_a_skew_that_is_not_a_duration_is_a_configuration_error(
    cli: Cli, future: Path, tmp_path: Path, skew: str
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.tvlint.rules.timestamp-in-future]\nallowed-skew = "{skew}"\n'
    )
    run = cli(future)
    assert run.code == 2
    assert run.err.endswith(
        "[tool.tvlint.rules.timestamp-in-future]: allowed-skew must be a duration such as "
        '"90s", "30m", "12h" or "3d"\n'
    )


def _now() -> float:
    """The run's own clock, for a file made to lie near it."""
    import time

    return time.time()


def _iso(seconds: float) -> str:
    import datetime

    moment = datetime.datetime.fromtimestamp(int(seconds), tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_extend_select_flag_adds_to_the_file_s(cli: Cli, tmp_path: Path) -> None:
    entries = [webhook_entry(timestamp="2999-10-12T08:41:02Z"), webhook_entry()]
    (tmp_path / "training_versions.json").write_text(dumps({"versions": entries}))
    (tmp_path / "tvlint.toml").write_text('select = ["TV001"]\nextend-select = ["TV007"]\n')
    run = cli("--format", "json", "--extend-select", "TV005", tmp_path)
    assert sorted(p["code"] for p in run.json()["problems"]) == ["TV005", "TV007"]
