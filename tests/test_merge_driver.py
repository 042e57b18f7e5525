"""tvlint-merge as git runs it: real merges in temporary repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tvlint.merge_driver import ATTRIBUTES_LINE, main

from .factories import dumps, s3_entry, webhook_entry

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

DRIVER = os.path.join(os.path.dirname(sys.executable), "tvlint-merge")
FILE = "styles/1_watercolor/training_versions.json"


class Repo:
    """A repository with one training-versions file, a base commit, and two branches; the
    driver set up with ``--install``, or with ``setup`` (shell lines) where given."""

    def __init__(
        self, root: Path, base: str | bytes, driver: bool = True, setup: str | None = None
    ) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "t@example.com")
        self.git("config", "user.name", "t")
        self.write(base)
        self.git("add", "-A")
        self.git("commit", "-qm", "base")
        if setup is not None:
            # As a user pastes them, with the installation's commands on PATH.
            path = os.path.dirname(DRIVER) + os.pathsep + os.environ.get("PATH", "")
            env = {**os.environ, "PATH": path}
            run = subprocess.run(
                ["sh", "-ec", setup], cwd=root, env=env, capture_output=True, text=True
            )
            assert run.returncode == 0, run.stderr
            self.git("add", ".gitattributes")
            self.git("commit", "-qm", "the merge driver")
        elif driver:
            run = subprocess.run([DRIVER, "--install"], cwd=root, capture_output=True, text=True)
            assert run.returncode == 0, run.stderr
            self.git("add", ".gitattributes")
            self.git("commit", "-qm", "the merge driver")

    def git(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", *args], cwd=self.root, capture_output=True, text=True, check=False
        )

    def write(self, content: str | bytes) -> None:
        path = self.root / FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)

    def read(self) -> bytes:
        return (self.root / FILE).read_bytes()

    def branches(self, ours: str | bytes, theirs: str | bytes) -> subprocess.CompletedProcess[str]:
        """Commit ``theirs`` on a branch and ``ours`` on main, then merge the branch."""
        self.git("checkout", "-qb", "theirs")
        self.write(theirs)
        self.git("add", FILE)
        self.git("commit", "-qm", "theirs")
        self.git("checkout", "-q", "main")
        self.write(ours)
        self.git("add", FILE)
        self.git("commit", "-qm", "ours")
        return self.git("merge", "--no-edit", "theirs")


def entries(text: bytes) -> list[dict[str, Any]]:
    versions: list[dict[str, Any]] = json.loads(text)["versions"]
    return versions


def pending(job: str, version: str) -> dict[str, Any]:
    entry = webhook_entry(job=job, model=f"style_1_v{version}", status="pending")
    del entry["loraUrl"], entry["completedAt"]
    return entry


BASE = [webhook_entry(), webhook_entry(job="bb22-e1", model="style_1_vV6")]


def test_two_appends_merge_cleanly_where_git_alone_conflicts(tmp_path: Path) -> None:
    ours = [pending("ours-e1", "V8"), *BASE]
    theirs = [pending("theirs-e1", "V9"), *BASE]
    plain = Repo(tmp_path / "plain", dumps({"versions": BASE}), driver=False)
    assert plain.branches(dumps({"versions": ours}), dumps({"versions": theirs})).returncode != 0
    repo = Repo(tmp_path / "driven", dumps({"versions": BASE}))
    merged = repo.branches(dumps({"versions": ours}), dumps({"versions": theirs}))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    # Both added at the top: ours' first, then theirs'.
    assert entries(repo.read()) == [ours[0], theirs[0], *BASE]
    assert repo.read() == dumps({"versions": [ours[0], theirs[0], *BASE]}).encode()


def test_the_webhook_and_the_sync_adding_one_model_file_leave_the_best(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    webhook = webhook_entry(job="cc33-e1", model="style_1_vV8")
    synced = s3_entry("style_1_vV8", isGood=True)
    merged = repo.branches(
        dumps({"versions": [webhook, *BASE]}), dumps({"versions": [synced, *BASE]})
    )
    assert merged.returncode == 0, merged.stderr
    assert entries(repo.read()) == [{**webhook, "isGood": True}, *BASE]


def test_edits_to_different_entries_both_land(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    ours = [{**BASE[0], "isGood": True}, BASE[1]]
    theirs = [BASE[0], {**BASE[1], "description": "retrained"}]
    assert repo.branches(dumps({"versions": ours}), dumps({"versions": theirs})).returncode == 0
    assert entries(repo.read()) == [ours[0], theirs[1]]


def test_opposite_edits_to_one_entry_are_a_conflict_with_both_values(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    ours = [{**BASE[0], "isGood": True}, BASE[1]]
    theirs = [{**BASE[0], "isGood": False}, BASE[1]]
    merged = repo.branches(dumps({"versions": ours}), dumps({"versions": theirs}))
    assert merged.returncode != 0
    text = repo.read().decode()
    assert "<<<<<<< ours" in text and '"isGood": true' in text and '"isGood": false' in text
    assert "Traceback" not in merged.stderr + merged.stdout
    assert (
        "changed on both sides, differently; left to git's line merge"
        in merged.stdout + merged.stderr
    )


def test_a_removal_is_taken_also_beside_an_append(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "theirs-adds", dumps({"versions": BASE}))
    added = pending("theirs-e1", "V9")
    merged = repo.branches(dumps({"versions": [BASE[0]]}), dumps({"versions": [added, *BASE]}))
    assert merged.returncode == 0, merged.stderr
    assert entries(repo.read()) == [added, BASE[0]]
    repo2 = Repo(tmp_path / "ours-adds", dumps({"versions": BASE}))
    merged = repo2.branches(dumps({"versions": [added, *BASE]}), dumps({"versions": [BASE[1]]}))
    assert merged.returncode == 0, merged.stderr
    assert entries(repo2.read()) == [added, BASE[1]]


def test_a_side_that_is_not_json_is_git_s_conflict(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    broken = dumps({"versions": [pending("theirs-e1", "V9"), *BASE]}).replace("{", "", 1)
    merged = repo.branches(dumps({"versions": [pending("ours-e1", "V8"), *BASE]}), broken)
    assert merged.returncode != 0
    assert "theirs is not valid JSON" in merged.stdout + merged.stderr
    assert "Traceback" not in merged.stdout + merged.stderr
    assert (
        b"<<<<<<< ours" in repo.read() and b"ours-e1" in repo.read() and b"theirs-e1" in repo.read()
    )


def test_ours_bytes_are_kept_in_a_crlf_four_space_file(tmp_path: Path) -> None:
    def styled(versions: list[dict[str, Any]]) -> bytes:
        return json.dumps({"versions": versions}, indent=4).replace("\n", "\r\n").encode() + b"\r\n"

    repo = Repo(tmp_path, styled(BASE))
    ours = [pending("ours-e1", "V8"), *BASE]
    theirs = [*BASE, pending("theirs-e1", "V9")]  # appended at the end, as some writers do
    merged = repo.branches(styled(ours), styled(theirs))
    assert merged.returncode == 0, merged.stderr
    assert repo.read() == styled([*ours, theirs[-1]])


def test_the_readme_s_two_setup_lines_work_as_pasted(tmp_path: Path) -> None:
    from .test_docs import fenced, readme, section

    [setup] = fenced(section(readme(), "Merges"), "sh")
    assert len([line for line in setup.splitlines() if line.strip()]) == 2
    repo = Repo(tmp_path, dumps({"versions": BASE}), setup=setup)
    ours = [pending("ours-e1", "V8"), *BASE]
    theirs = [pending("theirs-e1", "V9"), *BASE]
    merged = repo.branches(dumps({"versions": ours}), dumps({"versions": theirs}))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert entries(repo.read()) == [ours[0], theirs[0], *BASE]


def test_install_is_idempotent_and_writes_the_absolute_path(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    assert subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True).returncode == 0
    driver = repo.git("config", "merge.tvlint.driver").stdout.strip()
    assert driver == f"{DRIVER} %O %A %B %P" and os.path.isabs(driver.split()[0])
    lines = (tmp_path / ".gitattributes").read_text().splitlines()
    assert lines.count(ATTRIBUTES_LINE) == 1


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["only-one"]) == 2
    assert "usage: tvlint-merge BASE OURS THEIRS [PATH]" in capsys.readouterr().err


def test_a_schema_that_cannot_be_loaded_falls_back_to_git_s_merge(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    (tmp_path / "tvlint.toml").write_text('schema = "schemas/missing.json"\n')
    merged = repo.branches(
        dumps({"versions": [pending("ours-e1", "V8"), *BASE]}),
        dumps({"versions": [pending("theirs-e1", "V9"), *BASE]}),
    )
    assert merged.returncode != 0 and "Traceback" not in merged.stdout + merged.stderr
    assert b"ours-e1" in repo.read() and b"theirs-e1" in repo.read()


def test_both_sides_creating_the_file_merge(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    repo.git("rm", "-q", FILE)
    repo.git("commit", "-qm", "no file")
    ours, theirs = [pending("ours-e1", "V8")], [pending("theirs-e1", "V9")]
    merged = repo.branches(dumps({"versions": ours}), dumps({"versions": theirs}))
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert entries(repo.read()) == [*ours, *theirs]


def test_install_keeps_the_attributes_file_s_bytes_and_line_ending(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    before = b"*.txt text\r\n# caf\xe9 (Latin-1)\r\n*.bin binary"  # no newline at the end
    (tmp_path / ".gitattributes").write_bytes(before)
    run = subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True)
    assert run.returncode == 0, run.stderr
    after = (tmp_path / ".gitattributes").read_bytes()
    assert after == before + b"\r\n" + ATTRIBUTES_LINE.encode() + b"\r\n"
    again = subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True)
    assert again.returncode == 0 and (tmp_path / ".gitattributes").read_bytes() == after
    assert repo.git("config", "merge.tvlint.driver").stdout.strip()


def test_install_writes_nothing_through_a_link_out_of_the_work_tree(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "attributes").write_bytes(b"# not the repository's\n")
    Repo(tmp_path / "repo", dumps({"versions": BASE}), driver=False)
    (tmp_path / "repo" / ".gitattributes").symlink_to(outside / "attributes")
    run = subprocess.run([DRIVER, "--install"], cwd=tmp_path / "repo", capture_output=True)
    assert run.returncode == 2 and b"is a symbolic link" in run.stderr
    assert b"Traceback" not in run.stderr
    assert (outside / "attributes").read_bytes() == b"# not the repository's\n"


def test_install_writes_nothing_through_a_link_inside_the_work_tree(tmp_path: Path) -> None:
    # A clone can hold .gitattributes -> .git/config: a line appended there would break
    # every git command, and git never reads a linked .gitattributes anyway.
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / ".gitattributes").symlink_to(".git/config")
    config = (tmp_path / ".git" / "config").read_bytes()
    run = subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True)
    assert run.returncode == 2 and b"nothing was changed" in run.stderr
    assert (tmp_path / ".git" / "config").read_bytes() == config
    assert repo.git("status", "--porcelain").returncode == 0


def test_install_sets_up_the_repository_git_sees_with_a_relative_git_dir(tmp_path: Path) -> None:
    outer = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    inner = Repo(tmp_path / "inner", dumps({"versions": BASE}), driver=False)
    (tmp_path / "inner" / "sub").mkdir()
    env = {**os.environ, "GIT_DIR": "../.git", "GIT_WORK_TREE": ".."}
    run = subprocess.run(
        [DRIVER, "--install"], cwd=tmp_path / "inner" / "sub", env=env, capture_output=True
    )
    assert run.returncode == 0, run.stderr
    assert inner.git("config", "merge.tvlint.driver").stdout.startswith(DRIVER)
    assert outer.git("config", "merge.tvlint.driver").stdout == ""
    assert inner.git("check-attr", "merge", "--", FILE).stdout.endswith(": merge: tvlint\n")


def test_install_adds_the_line_again_where_a_later_line_overrides_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    before = f"{ATTRIBUTES_LINE}\n*.json merge=union\n".encode()
    (tmp_path / ".gitattributes").write_bytes(before)
    run = subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / ".gitattributes").read_bytes() == before + ATTRIBUTES_LINE.encode() + b"\n"
    assert repo.git("check-attr", "merge", "--", FILE).stdout.endswith(": merge: tvlint\n")


def test_install_says_so_where_git_s_own_attributes_override_the_line(tmp_path: Path) -> None:
    Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "attributes").write_text("*.json merge=union\n")
    for _ in range(2):  # and, run again, adds nothing more
        run = subprocess.run([DRIVER, "--install"], cwd=tmp_path, capture_output=True)
        assert run.returncode == 2 and b"git takes merge=union" in run.stderr
        assert (tmp_path / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"


def _install(cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [DRIVER, "--install"], cwd=cwd, env={**os.environ, **env}, capture_output=True
    )


def _taken(repo: Repo, path: str) -> str:
    return repo.git("check-attr", "merge", "--", path).stdout.rstrip("\n").rsplit(": ", 1)[-1]


def test_install_adds_the_line_where_one_for_the_top_alone_is_there(tmp_path: Path) -> None:
    # A line anchored at the top ("/training_versions.json") leaves every file below it
    # without the driver: the one checked at the top alone took it as installed.
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / ".gitattributes").write_text(f"/{ATTRIBUTES_LINE}\n")
    assert _install(tmp_path).returncode == 0
    assert (tmp_path / ".gitattributes").read_text().splitlines()[-1] == ATTRIBUTES_LINE
    assert _taken(repo, FILE) == "tvlint"


def test_install_says_so_where_a_nearer_attributes_file_overrides_it(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / "styles" / ".gitattributes").write_text(f"{ATTRIBUTES_LINE[:-6]}union\n")
    for _ in range(2):
        run = _install(tmp_path)
        assert run.returncode == 2
        assert f"git takes merge=union for {FILE}".encode() in run.stderr
        assert (tmp_path / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert _taken(repo, FILE) == "union"


def test_install_writes_the_shared_file_where_only_this_clone_has_the_line(
    tmp_path: Path,
) -> None:
    # In .git/info/attributes, the line is this clone's alone: .gitattributes, which the
    # README says to commit, must hold it. It was said to, and did not exist.
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / ".git" / "info").mkdir(exist_ok=True)
    (tmp_path / ".git" / "info" / "attributes").write_text(ATTRIBUTES_LINE + "\n")
    assert _install(tmp_path).returncode == 0
    assert (tmp_path / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert repo.git("add", ".gitattributes").returncode == 0


def test_install_from_outside_the_work_tree(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo", dumps({"versions": BASE}), driver=False)
    (tmp_path / "elsewhere").mkdir()
    where = {"GIT_DIR": str(tmp_path / "repo" / ".git"), "GIT_WORK_TREE": str(tmp_path / "repo")}
    for _ in range(2):
        run = _install(tmp_path / "elsewhere", **where)
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "repo" / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert _taken(repo, FILE) == "tvlint"


def test_install_sets_a_driver_given_twice_once(tmp_path: Path) -> None:
    # `git config` refuses to replace two values with one: the name was set, the driver
    # not, and every run after failed the same way.
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    for old in ("a %A", "b %A"):
        repo.git("config", "--add", "merge.tvlint.driver", old)
    assert _install(tmp_path).returncode == 0
    [driver] = repo.git("config", "--get-all", "merge.tvlint.driver").stdout.splitlines()
    assert driver == f"{DRIVER} %O %A %B %P"


def test_install_reads_blanks_as_git_does(tmp_path: Path) -> None:
    # A form feed ends the line for Python's strip(), not for git: the line counted as
    # already last, and every run said another file set the driver.
    repo = Repo(tmp_path, dumps({"versions": BASE}), driver=False)
    (tmp_path / ".gitattributes").write_bytes(ATTRIBUTES_LINE.encode() + b"\f\n")
    assert _install(tmp_path).returncode == 0
    assert _taken(repo, FILE) == "tvlint"


@pytest.mark.parametrize("name", ["repo ", b"repo-\xff"], ids=["a trailing space", "not UTF-8"])
def test_install_in_a_work_tree_of_any_name(tmp_path: Path, name: str | bytes) -> None:
    root = tmp_path / os.fsdecode(name)
    repo = Repo(root, dumps({"versions": BASE}), driver=False)
    run = _install(root)
    assert run.returncode == 0, run.stderr
    assert (root / ".gitattributes").read_text() == ATTRIBUTES_LINE + "\n"
    assert not (tmp_path / "repo" / ".gitattributes").exists()
    assert _taken(repo, FILE) == "tvlint"


def test_a_side_past_the_size_limit_falls_back_to_git_s_merge(tmp_path: Path) -> None:
    repo = Repo(tmp_path, dumps({"versions": BASE}))
    (tmp_path / "tvlint.toml").write_text('max-file-size = "2KiB"\n')
    ours = dumps({"versions": [{**pending("ours-e1", "V8"), "error": "x" * 4000}, *BASE]})
    merged = repo.branches(ours, dumps({"versions": [pending("theirs-e1", "V9"), *BASE]}))
    assert merged.returncode != 0 and "Traceback" not in merged.stdout + merged.stderr
    assert "cannot read a side" in merged.stdout + merged.stderr
    assert b"ours-e1" in repo.read() and b"theirs-e1" in repo.read()
