"""--unsafe-fixes: one run recorded twice merged (TV008) and names set to the version
(TV009), through the command line and over generated files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvlint.config import Settings
from tvlint.document import parse
from tvlint.fix import SAFE, UNSAFE, SelfCheckFailed, plan_fix
from tvlint.lint import Linter

from .factories import REGIONAL, Run, dumps, legacy_s3_entry, lint_bytes, s3_entry, webhook_entry
from .test_fix_properties import FORMATS, HOSTS, render, timestamps

Cli = Callable[..., Run]
EVERY_FIX = SAFE | UNSAFE


def pending(version: str = "V8", **extra: Any) -> dict[str, Any]:
    """The webhook's entry of a run whose completion never arrived: no model file yet."""
    entry = webhook_entry(job="aa11-e3", model=f"style_1_v{version}", status="pending")
    del entry["loraUrl"], entry["completedAt"]
    return {**entry, **extra}


def one_run_twice() -> list[dict[str, Any]]:
    """Newest first: the sync's entry of V8 (named by its file, as it once wrote them),
    the webhook's pending V8, and an older failed run."""
    failed = webhook_entry(job="bb22-e1", model="style_1_vV7", status="failed")
    del failed["loraUrl"], failed["completedAt"]
    return [legacy_s3_entry("style_1_vV8", isGood=True), pending(), failed]


@pytest.fixture
def run_twice(tmp_path: Path) -> Path:
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": one_run_twice()}))
    return path


def test_reported_and_left_alone_by_fix(cli: Cli, run_twice: Path) -> None:
    before = run_twice.read_bytes()
    run = cli(run_twice)
    assert run.code == 1
    assert [line.split(": ", 2)[1].split()[0] for line in run.out.splitlines()[:2]] == [
        "TV009",
        "TV008",
    ]
    assert run.out.splitlines()[-1] == "2 fixable with `tvlint --fix --unsafe-fixes`"
    fixed = cli("--fix", run_twice)
    assert (fixed.code, run_twice.read_bytes()) == (1, before)
    assert "2 fixable with `tvlint --fix --unsafe-fixes`" in fixed.out.splitlines()


def test_fix_with_unsafe_fixes_merges_the_run_into_the_entry_with_parameters(
    cli: Cli, run_twice: Path
) -> None:
    before = run_twice.read_text()
    run = cli("--fix", "--unsafe-fixes", run_twice)
    assert run.code == 1  # a file changed
    synced, kept, failed = one_run_twice()
    merged = {**kept, "status": "completed", "loraUrl": synced["loraUrl"], "isGood": True}
    assert json.loads(run_twice.read_text())["versions"] == [merged, failed]
    # Bytes outside the edited members are as they were: the text is the old text with
    # the sync's entry cut, the status replaced and the two members added.
    expected = before.replace(dumps(synced).replace("\n", "\n    ") + ",\n    ", "")
    expected = expected.replace('"status": "pending"', '"status": "completed"', 1)
    added = f',\n      "loraUrl": "{synced["loraUrl"]}",\n      "isGood": true\n    }}'
    expected = expected.replace('"imageCount": 43\n    }', '"imageCount": 43' + added, 1)
    assert run_twice.read_text() == expected
    lines = run.out.splitlines()
    assert lines[0].startswith(f"{run_twice}: merged 1 entry into its run (backup ")
    assert lines[1] == '  version V8: kept "aa11-e3" (name "V8", params yes), now completed'
    assert "only the removed entry had: lastSynced=" in lines[4]
    assert "1 file changed, 0 duplicates removed, 1 entry merged, 1 backup written" in lines
    again = cli("--fix", "--unsafe-fixes", run_twice)
    assert again.code == 0 and again.out.startswith("All checks passed")


def test_the_configuration_asks_for_unsafe_fixes_and_the_flag_overrides_it(
    cli: Cli, run_twice: Path
) -> None:
    before = run_twice.read_bytes()
    (run_twice.parent / "tvlint.toml").write_text("unsafe-fixes = true\n")
    checked = cli("--format", "json", run_twice).json()
    assert (checked["summary"]["fixable"], checked["summary"]["unsafe_fixable"]) == (2, 0)
    assert cli("--fix", "--no-unsafe-fixes", run_twice).code == 1
    assert run_twice.read_bytes() == before
    assert cli("--fix", run_twice).code == 1
    assert len(json.loads(run_twice.read_text())["versions"]) == 2


def test_unsafe_fixes_only_with_fix_or_diff(cli: Cli, run_twice: Path) -> None:
    for flag in ("--unsafe-fixes", "--no-unsafe-fixes"):
        run = cli(flag, run_twice)
        assert run.code == 2 and f"argument {flag}: only with --fix or --diff" in run.err


def test_a_name_that_is_a_file_name_is_set_to_the_version(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    text = dumps({"versions": [legacy_s3_entry("style_1_vV8"), webhook_entry()]})
    path.write_text(text)
    assert cli("--fix", path).code == 1 and path.read_text() == text
    run = cli("--fix", "--unsafe-fixes", "--format", "json", path)
    assert path.read_text() == text.replace('"style_1_vV8.safetensors"', '"V8"', 1)
    [fix] = run.json()["fixes"]
    assert fix["renamed"] == [
        {"id": "style_1_vV8", "name": "style_1_vV8.safetensors", "version": "V8"}
    ]
    assert run.json()["summary"]["renamed"] == 1


def test_a_failed_run_and_a_completed_one_are_never_merged(cli: Cli, tmp_path: Path) -> None:
    failed = webhook_entry(job="bb22-e1", status="failed")
    del failed["loraUrl"], failed["completedAt"]
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [webhook_entry(), failed]}))
    before = path.read_bytes()
    run = cli("--fix", "--unsafe-fixes", path)
    assert run.code == 1 and path.read_bytes() == before
    assert "TV008 duplicate-version" in run.out and "a failed run is never merged" in run.out
    assert "Fix by hand: TV008" in run.out


def test_the_diff_shows_the_merge_and_writes_nothing(cli: Cli, run_twice: Path) -> None:
    before = run_twice.read_bytes()
    run = cli("--diff", "--unsafe-fixes", run_twice)
    assert run.code == 1 and run_twice.read_bytes() == before
    assert '-      "status": "pending",\n+      "status": "completed",' in run.out
    assert "1 file would change, 0 duplicates would be removed, 1 entry would be merged" in run.err


def test_a_duplicate_s_verdict_reaches_the_merged_entry(cli: Cli, tmp_path: Path) -> None:
    # The sync listed V8 twice (two hosts), one copy rated; the webhook's pending V8
    # has the parameters. One --fix --unsafe-fixes: TV004 and TV008 together.
    path = tmp_path / "training_versions.json"
    rated = s3_entry(
        "style_1_vV8",
        id="again",
        isGood=True,
        loraUrl=REGIONAL.replace("s3.us-west-1", "s3-accelerate") + "style_1_vV8.safetensors",
    )
    path.write_text(dumps({"versions": [s3_entry("style_1_vV8"), rated, pending()]}))
    assert cli("--fix", "--unsafe-fixes", path).code == 1
    [entry] = json.loads(path.read_text())["versions"]
    assert (entry["id"], entry["status"], entry["isGood"]) == ("aa11-e3", "completed", True)
    assert entry["loraUrl"] == s3_entry("style_1_vV8")["loraUrl"]


@pytest.mark.parametrize(
    ("versions", "planned", "written"),
    [
        (one_run_twice(), '"completed"', '"complete"'),
        ([legacy_s3_entry("style_1_vV8"), webhook_entry()], '"V8"', '"V9"'),
    ],
    ids=["status", "name"],
)
def test_the_self_check_covers_each_replaced_value(
    monkeypatch: pytest.MonkeyPatch, versions: list[dict[str, Any]], planned: str, written: str
) -> None:
    import tvlint.fix as fix_module

    real = fix_module._edits_of

    def miswritten(text: str, start: int, spans: Any, change: Any) -> list[tuple[int, int, str]]:
        return [
            (a, b, new.replace(planned, written)) for a, b, new in real(text, start, spans, change)
        ]

    raw = dumps({"versions": versions}).encode()
    doc = parse(raw)
    plan = plan_fix(doc, fixing=EVERY_FIX)
    assert plan is not None
    plan.apply(doc)  # as planned: it passes
    monkeypatch.setattr(fix_module, "_edits_of", miswritten)
    doc = parse(raw)
    plan = plan_fix(doc, fixing=EVERY_FIX)
    assert plan is not None and any(written in new for _, _, new in plan.edits)
    with pytest.raises(SelfCheckFailed, match="change an entry it keeps"):
        plan.apply(doc)


# Over generated files.

VERSIONS = ["V1", "V2", "V7", "V8"]
STATUSES = ["pending", "starting", "training", "completed", "failed"]


@st.composite
def run_entries(draw: st.DrawFn) -> dict[str, Any]:
    """An entry of either writer, of a few versions, with or without its model file."""
    version = draw(st.sampled_from(VERSIONS))
    model = draw(st.sampled_from([f"style_1_v{version}", f"actor_6_{version}", "watercolour"]))
    webhook = draw(st.booleans())
    entry: dict[str, Any] = {
        "id": f"{draw(st.integers(0, 5))}-e1" if webhook else model,
        "name": draw(st.sampled_from([version, f"{model}.safetensors", version.lower()])),
        "timestamp": draw(timestamps()),
        "parameters": {"network_dim": draw(st.integers(8, 9))} if webhook else {},
        "status": draw(st.sampled_from(STATUSES)),
    }
    if entry["timestamp"] is None:
        del entry["timestamp"]
    if draw(st.booleans()):
        entry["loraUrl"] = draw(st.sampled_from(HOSTS)) + model + ".safetensors"
    for key, values in (
        ("completedAt", ["2025-10-12T08:41:05.201Z", "2025-10-13T08:00:00Z"]),
        ("isGood", [True, False]),
    ):
        if draw(st.integers(0, 2)) == 0:
            entry[key] = draw(st.sampled_from(values))
    if not webhook:
        entry["lastSynced"] = "2025-10-12T09:46:20.075Z"
    order = draw(st.permutations(list(entry)))
    return {k: entry[k] for k in order}


# What an unsafe fix may change in an entry it keeps, and what it may add.
CHANGED = {"status", "name"}
ADDED = {"loraUrl", "completedAt", "isGood"}


@settings(max_examples=300, deadline=None)
@given(st.lists(run_entries(), max_size=10), FORMATS)
def test_every_fix_loses_no_member_and_is_done_in_one_go(
    versions: list[dict[str, Any]], fmt: tuple[Any, bool, bool, bool]
) -> None:
    raw = render({"versions": versions}, fmt)
    doc = parse(raw)
    plan = plan_fix(doc, fixing=EVERY_FIX)
    if plan is None:
        return
    new = plan.apply(doc)
    after = json.loads(new.text)["versions"]
    kept = [entry for i, entry in enumerate(versions) if i not in plan.removed]
    assert len(after) == len(kept)
    for old, now in zip(kept, after, strict=True):
        # Every member is still there: its value as it was, but a status completed or a
        # name set to the version; the members added are the merge's.
        assert set(old) <= set(now) and set(now) - set(old) <= ADDED
        for key, value in old.items():
            if key not in CHANGED:
                assert now[key] == value
        if now["status"] != old["status"]:  # a merged run that now names its model file
            assert now["status"] == "completed" and "loraUrl" in now
            assert old["status"] in ("pending", "starting", "training")
        for key in set(now) - set(old):
            assert any(e.get(key) == now[key] for e in versions)
    # Fixing twice is fixing once.
    assert plan_fix(parse(new.raw), fixing=EVERY_FIX) is None
    unsafe = Linter.for_settings(Settings(unsafe_fixes=True))
    result, _ = lint_bytes(unsafe, "f.json", new.raw)
    assert not any(p.fixable for p in result.problems or ())


def test_without_tv004_a_merge_that_needs_its_fix_is_not_fixable(cli: Cli, tmp_path: Path) -> None:
    # The sync's entry of V8 is named twice (two hosts); TV004 off, it is not collapsed,
    # so the merge with the webhook's pending V8 is not made, and not promised.
    twice = s3_entry(
        "style_1_vV8",
        id="again",
        loraUrl=REGIONAL.replace("s3.us-west-1", "s3-accelerate") + "style_1_vV8.safetensors",
    )
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry("style_1_vV8"), twice, pending()]}))
    checked = cli("--ignore", "TV004", "--format", "json", path).json()
    [problem] = [p for p in checked["problems"] if p["code"] == "TV008"]
    assert problem["fix"] is None and checked["summary"]["unsafe_fixable"] == 0
    assert (
        cli("--ignore", "TV004", "--format", "json", path, "--fix", "--unsafe-fixes").json()[
            "fixes"
        ]
        == []
    )


def test_without_tv004_a_file_name_is_not_promised_to_go_with_its_entry(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "training_versions.json"
    text = dumps({"versions": [webhook_entry(), legacy_s3_entry()]})
    path.write_text(text)
    [problem] = cli("--select", "TV009", "--format", "json", path).json()["problems"]
    assert (problem["fix"], problem["fixable"]) == ("unsafe", False)
    assert cli("--select", "TV009", "--fix", path).code == 1 and path.read_text() == text
    cli("--select", "TV009", "--fix", "--unsafe-fixes", path)
    assert path.read_text() == text.replace('"style_1_vV7.safetensors"', '"V7"')


def test_a_protected_key_the_ranking_reads_is_judged_as_carried(cli: Cli, tmp_path: Path) -> None:
    # TV004 carries completedAt (protected here) into k, which then outranks p: one run
    # makes what a second would, and the second changes nothing.
    host = "https://h/m/s_vV8.safetensors"
    versions = [
        {
            "id": "k",
            "name": "x",
            "status": "pending",
            "parameters": {"a": 1},
            "timestamp": "2025-10-10T00:00:00Z",
            "loraUrl": host,
        },
        {
            "id": "r",
            "name": "y",
            "status": "completed",
            "parameters": {},
            "timestamp": "2025-10-09T00:00:00Z",
            "loraUrl": host.replace("//h/", "//h2/"),
            "completedAt": "2025-10-12T08:41:05Z",
        },
        {
            "id": "p",
            "name": "V8",
            "status": "completed",
            "parameters": {"a": 1},
            "timestamp": "2025-10-11T00:00:00Z",
        },
    ]
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": versions}))
    cli("--fix", "--unsafe-fixes", "--protect", "completedAt", "--no-backup", path)
    once = path.read_bytes()
    cli("--fix", "--unsafe-fixes", "--protect", "completedAt", "--no-backup", path)
    assert path.read_bytes() == once


def test_a_long_version_is_cut_where_it_is_shown(cli: Cli, tmp_path: Path) -> None:
    long = "V" + "9" * 100_000
    path = tmp_path / "training_versions.json"
    path.write_text(
        dumps({"versions": [pending(name=long), s3_entry("style_1_vV8", name="v0" + long[1:])]})
    )
    for args in ((), ("--diff", "--unsafe-fixes")):
        run = cli(*args, path)
        assert (
            max(
                len(line)
                for line in (run.out + run.err).splitlines()
                if not line.startswith(("-", "+"))
            )
            < 1_000
        )


def test_json_lists_as_kept_only_what_stays(cli: Cli, tmp_path: Path) -> None:
    # TV004 keeps "style_1_vV8" over its twin; TV008 then merges it into the webhook's V8.
    twice = s3_entry(
        "style_1_vV8",
        id="twin",
        timestamp="2025-10-01T00:00:00Z",
        loraUrl=REGIONAL.replace("s3.us-west-1", "s3-accelerate") + "style_1_vV8.safetensors",
    )
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry("style_1_vV8"), twice, pending()]}))
    [fix] = cli("--fix", "--unsafe-fixes", "--format", "json", path).json()["fixes"]
    assert (fix["kept"], fix["removed"]) == ([], ["twin"])
    assert [m["id"] for m in fix["runs"][0]["merged"]] == ["style_1_vV8"]
    assert [e["id"] for e in json.loads(path.read_text())["versions"]] == ["aa11-e3"]
