"""``--fix`` never drops what a person set without saying so, and never acts on an
entry it cannot read whole; its files keep their owner; its diff applies."""

from __future__ import annotations

import errno
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
from .test_fix import STYLES

Cli = Callable[..., Run]
Write = Callable[..., Path]
UTF8_BOM = b"\xef\xbb\xbf"


def rated_pair() -> list[dict[str, Any]]:
    """The studio's case: a person rated the sync duplicate, not the webhook entry."""
    return [s3_entry(isGood=True), webhook_entry()]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_a_rated_duplicate_carries_its_verdict_over(
    cli: Cli, tmp_path: Path, style: str, crlf: bool, bom: bool
) -> None:
    dump = STYLES[style]
    other = webhook_entry(job="bb22-e1", model="style_1_vV6", name="V6")

    def encode(versions: list[dict[str, Any]]) -> bytes:
        text = dump({"versions": versions})
        if crlf:
            text = text.replace("\n", "\r\n")
        return (UTF8_BOM if bom else b"") + text.encode()

    path = tmp_path / "training_versions.json"
    path.write_bytes(encode([*rated_pair(), other]))
    run = cli("--fix", path)
    assert run.code == 1, run.out + run.err
    # Byte-exact: the sync entry gone, and isGood the kept entry's last member, written
    # like its other members (what the writer would have written for that data).
    assert path.read_bytes() == encode([{**webhook_entry(), "isGood": True}, other])
    assert "      carried into the kept entry: isGood=true" in run.out.splitlines()
    assert cli(path).code == 0


def test_a_conflict_is_left_for_a_person_and_the_other_groups_are_fixed(
    cli: Cli, write: Write
) -> None:
    versions = [
        s3_entry(isGood=True),
        webhook_entry(isGood=False),
        webhook_entry(job="bb22-e1", model="style_1_vV6", name="V6"),
        s3_entry("style_1_vV6"),
    ]
    path = write({"versions": versions})
    run = cli("--fix", path)
    assert run.code == 1
    assert json.loads(path.read_text())["versions"] == versions[:3]  # vV6 fixed, vV7 not
    message = (
        f'{path}:7:18: TV004 duplicate-lora-url entry "style_1_vV7" duplicates '
        '"3e248bb6-012c-4384-ae6c-4b19c126d093-e1" (line 14): same model file '
        'style_1_vV7.safetensors; conflicting isGood: kept "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" '
        'false, "style_1_vV7" true; make isGood agree (or delete the entries not wanted), '
        "then run tvlint --fix"
    )
    assert message in run.out.splitlines()
    # A second run changes nothing and says the same.
    before = path.read_bytes()
    again = cli("--fix", path)
    assert again.code == 1
    assert path.read_bytes() == before
    assert message in again.out.splitlines()
    assert "0 files changed, 0 duplicates removed, 0 backups written" in again.out
    # The check says it too.
    assert message in cli(path).out.splitlines()


def test_two_removed_entries_that_disagree_are_a_conflict(cli: Cli, write: Write) -> None:
    versions = [s3_entry(isGood=True), webhook_entry(), s3_entry(id="again", isGood=False)]
    path = write({"versions": versions})
    run = cli("--fix", path)
    assert run.code == 1
    assert json.loads(path.read_text())["versions"] == versions
    assert (
        'conflicting isGood: "style_1_vV7" true, "again" false; make isGood agree '
        "(or delete the entries not wanted), then run tvlint --fix"
    ) in run.out


def test_two_removed_entries_that_agree_carry_once(cli: Cli, write: Write) -> None:
    versions = [s3_entry(isGood=False), webhook_entry(), s3_entry(id="again", isGood=False)]
    path = write({"versions": versions})
    assert cli("--fix", path).code == 1
    assert json.loads(path.read_text())["versions"] == [{**webhook_entry(), "isGood": False}]


def test_protect_nothing_the_kept_entry_wins_and_the_difference_is_reported(
    cli: Cli, write: Write, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tvlint]\nprotect = []\n")
    versions = [s3_entry(isGood=True), webhook_entry(isGood=False)]
    path = write({"versions": versions})
    run = cli("--fix", "--format", "json", path)
    assert run.code == 1
    assert json.loads(path.read_text())["versions"] == [versions[1]]
    [removed] = run.json()["fixes"][0]["groups"][0]["removed"]
    assert removed["differs"]["isGood"] == {"kept": False, "removed": True}
    assert removed["carried"] == {}
    # --protect replaces the configured list; '' empties it.
    path.write_text(dumps({"versions": versions}))
    assert "conflicting isGood" in cli("--protect", "isGood", path).out
    path.write_text(dumps({"versions": versions}))
    text = cli("--fix", "--protect", "", path).out
    assert "isGood=true" in _other_values(text)


def _other_values(report: str) -> str:
    """The one line of a text report that lists a removed entry's values that differ."""
    prefix = "      the removed entry's other values: "
    [line] = [line for line in report.splitlines() if line.startswith(prefix)]
    return line[len(prefix) :]


def test_notes_and_description_differences_are_reported(cli: Cli, write: Write) -> None:
    versions = [
        s3_entry(notes="retrained on 40 images", description="Synced from S3"),
        webhook_entry(notes="first try", description="Watercolour, soft"),
    ]
    path = write({"versions": versions})
    text = cli("--diff", path)
    assert text.code == 1
    # With --diff, the report is on stderr; the kept values are in the file.
    other = _other_values(text.err)
    assert 'description="Synced from S3"' in other and 'notes="retrained on 40 images"' in other
    report = cli("--diff", "--format", "json", path).json()
    [removed] = report["fixes"][0]["groups"][0]["removed"]
    assert removed["differs"]["notes"] == {"kept": "first try", "removed": "retrained on 40 images"}
    assert removed["differs"]["description"] == {
        "kept": "Watercolour, soft",
        "removed": "Synced from S3",
    }
    assert removed["only_here"] == {"lastSynced": "2025-10-12T09:46:20.075Z"}


def test_an_entry_with_a_repeated_key_is_never_removed(cli: Cli, tmp_path: Path) -> None:
    # The sync entry names two model files; json keeps the second, the duplicate.
    text = dumps(
        {
            "versions": [
                s3_entry(),
                webhook_entry(),
                webhook_entry(job="bb22-e1", model="style_1_vV6", name="V6"),
                s3_entry("style_1_vV6"),
            ]
        }
    )
    first = '"id": "style_1_vV7",'
    text = text.replace(
        first, first + ' "loraUrl": "https://x.example/m/style_1_vV9.safetensors",', 1
    )
    path = tmp_path / "training_versions.json"
    path.write_text(text)
    run = cli("--fix", "--format", "json", path)
    assert run.code == 1
    fixed = path.read_text()
    assert "style_1_vV9.safetensors" in fixed  # the entry and its first model are still there
    assert "style_1_vV6.safetensors" in fixed and '"id": "style_1_vV6"' not in fixed  # fixed
    codes = sorted(p["code"] for p in run.json()["problems"])
    assert codes == ["TV002", "TV004"]
    [held] = [p for p in run.json()["problems"] if p["code"] == "TV004"]
    assert held["message"].endswith(
        '; "style_1_vV7" repeats a key; delete the repeated member, then run tvlint --fix'
    )


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
@pytest.mark.parametrize("hard_links", [True, False])
def test_ownership_is_kept_as_root(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch, hard_links: bool
) -> None:
    path = write({"versions": [webhook_entry(), s3_entry()]})
    os.chown(path, 1234, 5678)
    path.chmod(0o640)
    if not hard_links:  # the backup is then a copy, which must be given the owner too

        def no_link(*args: Any) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "link", no_link)
    assert cli("--fix", path).code == 1
    backup = Path(str(path) + ".backup")
    for made in (path, backup):
        info = made.stat()
        assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (1234, 5678, 0o640)
    assert len(json.loads(path.read_text())["versions"]) == 1


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs GNU patch")
@pytest.mark.parametrize(
    "directory",
    ["data/6 actor b", "données/acteur été", 'a "quoted" name', "tab\there", "new\nline"],
)
def test_patch_applies_the_diff_for_any_name(tmp_path: Path, directory: str) -> None:
    folder = tmp_path / directory
    folder.mkdir(parents=True)
    path = folder / "training_versions.json"
    path.write_text(dumps({"versions": [s3_entry(isGood=True), webhook_entry()]}))
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", "--diff", "."],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    work = tmp_path / "copy"
    shutil.copytree(tmp_path, work, ignore=shutil.ignore_patterns("copy"))
    applied = subprocess.run(
        ["patch", "-p0", "--batch", "--forward"],
        cwd=work,
        input=proc.stdout,
        capture_output=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    fixed = tmp_path / "fixed"
    shutil.copytree(tmp_path, fixed, ignore=shutil.ignore_patterns("copy", "fixed"))
    assert (
        subprocess.run(
            [sys.executable, "-m", "tvlint", "--fix", "--no-backup", "."],
            cwd=fixed,
            capture_output=True,
            check=False,
        ).returncode
        == 1
    )
    assert (work / directory / "training_versions.json").read_bytes() == (
        fixed / directory / "training_versions.json"
    ).read_bytes()


def test_an_entry_whose_lora_url_is_not_a_string_is_never_removed(cli: Cli, write: Write) -> None:
    odd = s3_entry(id="odd", name="V9")
    odd["loraUrl"] = [s3_entry()["loraUrl"]]  # names the same model, but not as a string
    path = write({"versions": [webhook_entry(), s3_entry(), odd]})
    run = cli("--fix", "--format", "json", path)
    assert run.code == 1  # TV003 for the array
    assert json.loads(path.read_text())["versions"] == [webhook_entry(), odd]
    assert [p["code"] for p in run.json()["problems"]] == ["TV003"]


@pytest.mark.parametrize("protect", ["isGood,approvedBy", "approvedBy,isGood"])
def test_several_carried_keys_come_in_the_order_protect_names_them(
    cli: Cli, write: Write, protect: str
) -> None:
    rated = s3_entry(isGood=True, approvedBy="mia")
    path = write({"versions": [rated, webhook_entry()]})
    assert cli("--fix", "--protect", protect, path).code == 1
    carried = {key: rated[key] for key in protect.split(",")}
    assert path.read_text() == dumps({"versions": [{**webhook_entry(), **carried}]})


def test_protect_flags_add_up_and_a_key_named_twice_counts_once(cli: Cli, write: Write) -> None:
    rated = s3_entry(isGood=True, approvedBy="mia")
    path = write({"versions": [rated, webhook_entry()]})
    assert cli("--fix", "--protect", "isGood,isGood", "--protect", "approvedBy", path).code == 1
    carried = {"isGood": True, "approvedBy": "mia"}
    assert path.read_text() == dumps({"versions": [{**webhook_entry(), **carried}]})


def test_a_value_carried_from_another_removed_entry_is_not_reported_as_lost(
    cli: Cli, write: Write
) -> None:
    versions = [s3_entry(isGood=True), webhook_entry(), s3_entry(id="again", isGood=True)]
    path = write({"versions": versions})
    run = cli("--fix", path)
    assert run.code == 1
    assert "isGood" not in "".join(
        line for line in run.out.splitlines() if "only the removed entry had" in line
    )
