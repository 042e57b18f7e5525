"""The hooks, driven by the real pre-commit against a snapshot of this repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tvlint.option_parser import build_parser

from .factories import dumps, s3_entry, webhook_entry

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def test_hook_definitions_match_the_hook_file() -> None:
    by_id = {hook["id"]: hook for hook in HOOKS}
    assert set(by_id) == {"tvlint", "tvlint-fix"}
    for hook in HOOKS:
        assert hook["language"] == "python"
        # Every staged JSON file: tvlint picks those the configuration selects.
        assert hook["types"] == ["json"]
        assert "files" not in hook and "exclude" not in hook
        assert hook["name"] and hook["description"]
        # One run for all the files: one report, and tvlint shares out the CPUs itself.
        assert hook["require_serial"] is True
        # The entry is this package's console script with arguments the CLI accepts,
        # ending with "--" where a user's args: cannot remove it: the staged paths come
        # after it, and none may read as an option.
        program, *args = hook["entry"].split()
        assert program == "tvlint"
        assert args[-1] == "--" and "--filter-files" in args
        assert "args" not in hook
        parsed = build_parser().parse_args([*args, "--fix", "training_versions.json"])
        assert parsed.paths == ["--fix", "training_versions.json"]
    assert by_id["tvlint"]["entry"] == "tvlint --filter-files --"
    assert by_id["tvlint-fix"]["entry"] == "tvlint --fix --filter-files --"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """This working tree, committed into a repository pre-commit can install from."""
    dest = tmp_path_factory.mktemp("tvlint-src")
    listed = git(ROOT, "ls-files", "-co", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_symlink() or source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "snapshot")
    return dest, git(dest, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


class Consumer:
    """A studio repository that uses the hooks."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
        self.env.pop("NO_COLOR", None)

    def write(self, relative: str, data: Any) -> Path:
        target = self.path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dumps(data))
        return target

    def git(self, *args: str) -> str:
        return git(self.path, "-c", "user.name=t", "-c", "user.email=t@t", *args)

    def commit(self) -> subprocess.CompletedProcess[str]:
        """A real `git commit`, which runs the installed hooks."""
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-m", "add"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
        )

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PRE_COMMIT, *args], cwd=self.path, env=self.env, capture_output=True, text=True
        )


@pytest.fixture
def consumer(
    tmp_path: Path, snapshot: tuple[Path, str], pre_commit_home: Path
) -> Iterator[Consumer]:
    repo, rev = snapshot
    consumer = Consumer(tmp_path / "studio", pre_commit_home)
    consumer.path.mkdir()
    consumer.git("init", "-q")
    (consumer.path / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {repo}\n  rev: {rev}\n  hooks:\n  - id: tvlint\n  - id: tvlint-fix\n"
    )
    consumer.git("add", "-A")
    consumer.git("commit", "-qm", "config")
    yield consumer


CLEAN = {"versions": [webhook_entry(), s3_entry("style_1_vV6")]}
DUPLICATED = {"versions": [s3_entry(), webhook_entry()]}
FIXED = dumps({"versions": [webhook_entry()]})


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_clean_file_passes_and_a_duplicate_fails_with_file_line_and_rule(
    consumer: Consumer,
) -> None:
    consumer.write("resources/style_images/1_a/training_versions.json", CLEAN)
    consumer.git("add", "-A")
    clean = consumer.run("run", "tvlint")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
    consumer.git("commit", "-qm", "clean")

    path = consumer.write("data/actors/6_b/training_versions.json", DUPLICATED)
    consumer.git("add", "-A")
    failed = consumer.run("run", "tvlint")
    assert failed.returncode == 1
    assert "Failed" in failed.stdout
    assert re.search(
        r"^data/actors/6_b/training_versions\.json:\d+:\d+: TV004 duplicate-lora-url ",
        failed.stdout,
        re.M,
    ), failed.stdout
    assert path.read_text() == dumps(DUPLICATED)


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_fix_hook_fixes_backs_up_fails_once_then_passes(consumer: Consumer) -> None:
    path = consumer.write("resources/style_images/1_a/training_versions.json", DUPLICATED)
    consumer.git("add", "-A")
    first = consumer.run("run", "tvlint-fix")
    assert first.returncode == 1
    assert "files were modified by this hook" in first.stdout
    assert path.read_text() == FIXED
    # The backup is under .git, where `git add -A` never looks (no .gitignore line).
    relative = "resources/style_images/1_a/training_versions.json"
    backup = consumer.path / ".git" / "tvlint" / "backups" / (relative + ".backup")
    assert backup.read_text() == dumps(DUPLICATED)
    assert f"backup .git/tvlint/backups/{relative}.backup" in first.stdout
    consumer.git("add", "-A")
    assert consumer.git("status", "--porcelain").split() == ["A", relative]
    second = consumer.run("run", "tvlint-fix")
    assert second.returncode == 0, second.stdout
    assert consumer.run("run", "tvlint").returncode == 0


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_a_staged_path_that_looks_like_an_option_is_a_path(consumer: Consumer) -> None:
    # Without the "--" in the hooks' args, this directory's name would exclude every
    # file from the check, and the duplicates beside it would pass.
    consumer.write("--exclude=*/training_versions.json", DUPLICATED)
    consumer.write("data/actors/6_b/training_versions.json", DUPLICATED)
    consumer.git("add", "-A")
    result = consumer.run("run", "tvlint")
    assert result.returncode == 1, result.stdout
    assert "--exclude=*/training_versions.json:" in result.stdout
    assert "data/actors/6_b/training_versions.json:" in result.stdout


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_git_commit_runs_the_hooks(consumer: Consumer) -> None:
    assert consumer.run("install").returncode == 0
    path = consumer.write("resources/style_images/1_a/training_versions.json", DUPLICATED)
    consumer.git("add", "-A")
    commit = consumer.commit()
    assert commit.returncode != 0
    assert "TV004 duplicate-lora-url" in commit.stdout + commit.stderr
    assert path.read_text() == FIXED  # the fix hook ran too
    consumer.git("add", "-A")
    again = consumer.commit()
    assert again.returncode == 0, again.stdout + again.stderr


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_many_files_are_checked_in_one_run_and_each_reported_once(consumer: Consumer) -> None:
    duplicated = set()
    for i in range(240):
        folder = "resources/style_images" if i % 2 else "data/actors"
        relative = f"{folder}/{i}_{'long_slug_' * 8}{i}/training_versions.json"
        consumer.write(relative, DUPLICATED if i % 3 == 0 else CLEAN)
        if i % 3 == 0:
            duplicated.add(relative)
    consumer.git("add", "-A")
    result = consumer.run("run", "tvlint", "--verbose")
    assert result.returncode == 1
    reported = re.findall(r"^(\S+training_versions\.json):\d+:\d+: TV004", result.stdout, re.M)
    assert sorted(reported) == sorted(duplicated)  # each once
    # Without require_serial, pre-commit would cut the 240 paths into a batch per CPU,
    # each with its own report and summary.
    assert re.findall(r"^(\d+) files? checked", result.stdout, re.M) == ["240"]


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_the_hooks_pick_what_the_configuration_selects(consumer: Consumer) -> None:
    (consumer.path / "pyproject.toml").write_text(
        '[tool.tvlint]\ninclude = ["*.versions.json"]\nexclude = ["archive"]\n'
    )
    consumer.write("legacy.versions.json", DUPLICATED)  # selected by include
    consumer.write("archive/training_versions.json", DUPLICATED)  # excluded
    consumer.write("package.json", {"name": "x"})  # a JSON file of another kind
    consumer.git("add", "-A")
    result = consumer.run("run", "tvlint")
    assert result.returncode == 1, result.stdout
    assert re.search(r"^legacy\.versions\.json:\d+:\d+: TV004", result.stdout, re.M)
    assert "archive" not in result.stdout and "package.json" not in result.stdout
    assert "1 file checked" in result.stdout


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_options_in_a_hook_s_args_are_refused_not_dropped(consumer: Consumer) -> None:
    (consumer.path / ".pre-commit-config.yaml").write_text(
        (consumer.path / ".pre-commit-config.yaml")
        .read_text()
        .replace("- id: tvlint\n", "- id: tvlint\n    args: [--ignore=TV004]\n")
    )
    consumer.write("training_versions.json", DUPLICATED)
    consumer.git("add", "-A")
    result = consumer.run("run", "tvlint")
    assert "- exit code: 2" in result.stdout, result.stdout
    assert "--ignore=TV004: no such file; an option after -- is a path" in result.stdout
    assert re.search(r"^training_versions\.json:\d+:\d+: TV004", result.stdout, re.M)
