"""One tree boundary for every read and write: a repository's links never make tvlint
read, list or write anything outside the tree of the path it was given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tvlint.tree import OutsideTree, Tree, TreeFinder, tree_of

from .factories import dumps, s3_entry, webhook_entry

DIRTY = dumps({"versions": [webhook_entry(), s3_entry()]})
SECRET = {"type": "service_account", "private_key_id": "SECRET-d41d8cd98f00b204"}
# A pull request's own schema, under which every value of any file is a problem.
EVERY_VALUE = '[tool.tvlint]\nschema = "schema.json"\n'
EXAMPLE = Path(__file__).parent.parent / "examples" / "github" / "tvlint.yml"


def tvlint(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tvlint", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # a guard against a hang, not a measurement
    )


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A repository as a CI job checks it out, and a secret elsewhere on the runner."""
    (tmp_path / "runner").mkdir()
    (tmp_path / "runner" / "credentials.json").write_text(json.dumps(SECRET))
    repo = tmp_path / "repo"
    (repo / "data" / "actors" / "6_b").mkdir(parents=True)
    (repo / "data" / "actors" / "6_b" / "training_versions.json").write_text(DIRTY)
    (repo / "schema.json").write_text('{"additionalProperties": {"type": "integer"}}')
    (repo / "pyproject.toml").write_text(EVERY_VALUE)
    git(repo, "init", "-q")
    return repo


def commit(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")


@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_a_committed_link_to_a_file_elsewhere_is_never_read(checkout: Path, fmt: str) -> None:
    link = checkout / "data" / "a" / "training_versions.json"
    link.parent.mkdir()
    link.symlink_to(checkout.parent / "runner" / "credentials.json")
    commit(checkout)
    for named in (["data"], ["data/a/training_versions.json"], []):
        run = tvlint("--format", fmt, *named, cwd=checkout)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "SECRET" not in run.stdout + run.stderr
        assert (
            "data/a/training_versions.json: it points outside the tree, to "
            f"{checkout.parent / 'runner' / 'credentials.json'}" in run.stderr
        )


def test_a_configured_schema_lies_inside_the_configurations_tree(checkout: Path) -> None:
    (checkout.parent / "runner" / "schema.json").write_text('{"type": "object"}')
    for schema in (str(checkout.parent / "runner" / "schema.json"), "../runner/schema.json"):
        (checkout / "pyproject.toml").write_text(f"[tool.tvlint]\nschema = {json.dumps(schema)}\n")
        run = tvlint("data", cwd=checkout)
        assert run.returncode == 2
        assert run.stderr.count("\n") == 1
        assert "schema: it points outside the tree, to " in run.stderr
    # Nor through a link in the tree.
    (checkout / "linked.json").symlink_to(checkout.parent / "runner" / "credentials.json")
    (checkout / "pyproject.toml").write_text('[tool.tvlint]\nschema = "linked.json"\n')
    run = tvlint("data", cwd=checkout)
    assert run.returncode == 2
    assert "SECRET" not in run.stderr
    assert "schema: it points outside the tree" in run.stderr


def test_a_linked_configuration_is_not_read(checkout: Path) -> None:
    (checkout / "pyproject.toml").unlink()
    (checkout / "pyproject.toml").symlink_to(checkout.parent / "runner" / "credentials.json")
    run = tvlint("data", cwd=checkout)
    assert run.returncode == 2
    assert "SECRET" not in run.stderr
    assert "pyproject.toml: cannot read: it points outside the tree" in run.stderr


@pytest.mark.parametrize("mode", [[], ["--fix"], ["--diff"]])
def test_a_named_directory_replaced_by_a_link_is_not_walked(
    checkout: Path, tmp_path: Path, mode: list[str]
) -> None:
    elsewhere = tmp_path / "runner" / "elsewhere"
    (elsewhere / "x").mkdir(parents=True)
    (elsewhere / "x" / "training_versions.json").write_text(DIRTY)
    (checkout / "data" / "styles").symlink_to(elsewhere)
    commit(checkout)
    run = tvlint(*mode, "data/styles", "data/actors", cwd=checkout)
    assert run.returncode == 2
    assert run.stderr.splitlines()[0] == (
        f"tvlint: error: data/styles: it points outside the tree, to {elsewhere}"
    )
    assert "elsewhere" not in run.stdout and "x/training_versions.json" not in run.stdout
    assert (elsewhere / "x" / "training_versions.json").read_text() == DIRTY
    assert sorted(p.name for p in (elsewhere / "x").iterdir()) == ["training_versions.json"]
    assert "data/actors/6_b/training_versions.json" in run.stdout + run.stderr


def test_a_link_to_a_directory_is_never_followed_by_the_search(checkout: Path) -> None:
    elsewhere = checkout.parent / "runner" / "tree"
    (elsewhere / "y").mkdir(parents=True)
    (elsewhere / "y" / "training_versions.json").write_text(DIRTY)
    (checkout / "data" / "linked").symlink_to(elsewhere)
    for tracked in (False, True):
        if tracked:
            commit(checkout)
        run = tvlint("--format", "json", ".", cwd=checkout)
        paths = [p["path"] for p in json.loads(run.stdout)["problems"]]
        assert paths and not any("linked" in p for p in paths)
    (checkout / ".git").rename(checkout / "not-git")  # no git: the walk alone
    run = tvlint("--format", "json", ".", cwd=checkout)
    paths = [p["path"] for p in json.loads(run.stdout)["problems"]]
    assert paths and not any("linked" in p for p in paths)


def test_o_never_writes_through_a_linked_directory(checkout: Path, tmp_path: Path) -> None:
    outside = tmp_path / "runner" / "reports"
    outside.mkdir()
    (checkout / "reports").symlink_to(outside)
    commit(checkout)
    run = tvlint("--format", "sarif", "-o", "reports/tvlint.sarif", "data", cwd=checkout)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "reports/tvlint.sarif: cannot write the report: reports is a symlink" in run.stderr
    assert list(outside.iterdir()) == []
    # A committed link in the report's own place is replaced, not written through.
    (checkout / "tvlint.sarif").symlink_to(outside / "stolen.sarif")
    run = tvlint("--format", "sarif", "-o", "tvlint.sarif", "data", cwd=checkout)
    assert run.returncode == 1, run.stderr
    assert not (checkout / "tvlint.sarif").is_symlink()
    assert json.loads((checkout / "tvlint.sarif").read_text())["version"] == "2.1.0"
    assert list(outside.iterdir()) == []


def test_the_example_workflow_writes_sarif_with_o() -> None:
    workflow: Any = yaml.safe_load(EXAMPLE.read_text())
    commands = [
        step["run"]
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if "tvlint --format sarif" in step.get("run", "")
    ]
    assert commands
    for command in commands:
        assert ">" not in command
        assert "-o tvlint.sarif" in command.split("--format sarif", 1)[1]


def test_a_file_named_by_hand_outside_git_is_fixed(tmp_path: Path) -> None:
    elsewhere, standing = tmp_path / "elsewhere" / "x", tmp_path / "standing"
    elsewhere.mkdir(parents=True)
    standing.mkdir()
    (elsewhere / "training_versions.json").write_text(DIRTY)
    run = tvlint("--fix", elsewhere / "training_versions.json", cwd=standing)
    assert run.returncode == 1, run.stderr
    assert "outside the tree" not in run.stderr
    assert len(json.loads((elsewhere / "training_versions.json").read_text())["versions"]) == 1
    assert (elsewhere / "training_versions.json.backup").read_text() == DIRTY


def test_a_named_directory_git_ignores_is_checked(checkout: Path) -> None:
    (checkout / ".gitignore").write_text("archive/\n")
    (checkout / "archive" / "old").mkdir(parents=True)
    (checkout / "archive" / "old" / "training_versions.json").write_text(DIRTY)
    commit(checkout)
    (checkout / "pyproject.toml").unlink()
    run = tvlint("archive", cwd=checkout)
    assert run.returncode == 1, run.stderr
    assert "archive/old/training_versions.json:" in run.stdout
    # Searched from above, what git ignores is still skipped.
    run = tvlint("--format", "json", ".", cwd=checkout)
    assert not any(p["path"].startswith("archive") for p in json.loads(run.stdout)["problems"])


# The tree itself


def test_the_tree_of_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo, other = tmp_path / "repo", tmp_path / "other"
    (repo / "data" / "a").mkdir(parents=True)
    (other / "b").mkdir(parents=True)
    (repo / ".git").mkdir()
    (other / ".git").mkdir()
    (repo / "data" / "link").symlink_to(other)
    monkeypatch.chdir(repo)
    real = Tree(str(repo))
    assert tree_of("data/a") == real
    assert tree_of("data/a/training_versions.json") == real
    assert tree_of(str(repo / "data")) == real
    # A link is never a tree, nor is what is seen through it.
    assert tree_of("data/link") == real
    assert tree_of("data/link/b/training_versions.json") == real
    with pytest.raises(OutsideTree):
        real.resolve("data/link/b")
    # Outside git: the named directory, or a file's own directory.
    loose = tmp_path / "loose" / "deep"
    loose.mkdir(parents=True)
    assert tree_of(str(loose)) == Tree(str(loose))
    assert tree_of(str(loose / "training_versions.json")) == Tree(str(loose))
    assert tree_of("../loose/deep") == Tree(str(loose))


def test_a_tree_holds_its_own_paths_only(tmp_path: Path) -> None:
    (tmp_path / "ab").mkdir()
    (tmp_path / "a").mkdir()
    tree = Tree(str(tmp_path / "a"))
    assert tree.holds(str(tmp_path / "a"))
    assert tree.holds(str(tmp_path / "a" / "x"))
    assert not tree.holds(str(tmp_path / "ab"))  # a prefix of the name is not a parent
    assert not tree.holds(os.path.dirname(str(tmp_path)))


NAMES = st.sampled_from(["a", "b", ".git", "link", "up", "x.json"])


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    layout=st.lists(
        st.tuples(
            st.lists(NAMES, min_size=1, max_size=3), st.sampled_from(["dir", "file", "link"])
        ),
        max_size=12,
    ),
    paths=st.lists(
        st.tuples(
            st.lists(st.sampled_from(["a", "b", "link", "up", "..", ".", "x.json"]), max_size=4),
            st.booleans(),
            st.sampled_from(["/", "//"]),
            st.sampled_from(["", "/"]),
        ),
        min_size=1,
        max_size=8,
    ),
)
def test_the_finder_finds_what_tree_of_finds(
    tmp_path_factory: pytest.TempPathFactory,
    layout: list[tuple[list[str], str]],
    paths: list[tuple[list[str], bool, str, str]],
) -> None:
    root = tmp_path_factory.mktemp("finder")
    (root / "repo").mkdir()
    targets = [root, root / "repo", Path("/"), root / "missing"]
    for i, (parts, kind) in enumerate(layout):
        place = root / "repo" / Path(*parts)
        if place.exists() or place.is_symlink():
            continue
        # Never through a link made before: "link/.git" would make /.git.
        if not os.path.realpath(place.parent).startswith(os.path.realpath(root / "repo")):
            continue
        try:
            place.parent.mkdir(parents=True, exist_ok=True)
            if kind == "dir":
                place.mkdir()
            elif kind == "file":
                place.write_text("{}")
            else:
                place.symlink_to(targets[i % len(targets)])
        except OSError:  # a parent is a file or a link
            continue
    cwd = os.getcwd()
    os.chdir(root / "repo")
    try:
        finder = TreeFinder()
        # Paths that share their directories, spelt with doubled and trailing
        # separators: the finder goes on from a parent it walked before.
        for parts, absolute, separator, trailing in paths:
            path = (separator.join(parts) if parts else ".") + trailing
            if absolute:
                path = f"{root}/repo{separator}{path}"
            assert finder.tree_of(path) == tree_of(path), path
    finally:
        os.chdir(cwd)


def test_dot_dot_and_absolute_paths_pass_no_committed_link(checkout: Path, tmp_path: Path) -> None:
    outside = tmp_path / "runner" / "d"
    outside.mkdir()
    (outside / "training_versions.json").write_text(DIRTY)
    (checkout / "linkd").symlink_to(outside)
    (checkout / "sub").mkdir()
    commit(checkout)
    sub = checkout / "sub"
    for named in (
        "../linkd/training_versions.json",
        str(checkout / "linkd/training_versions.json"),
    ):
        for mode in ([], ["--fix"], ["--diff"]):
            run = tvlint(*mode, named, cwd=sub)
            assert run.returncode == 2, (named, mode, run.stdout + run.stderr)
            assert "it points outside the tree" in run.stderr
    run = tvlint("--format", "json", "-o", "../linkd/report.json", "../data", cwd=sub)
    assert run.returncode == 2
    assert "linkd is a symlink" in run.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["training_versions.json"]
    assert (outside / "training_versions.json").read_text() == DIRTY


def test_a_nul_in_the_configured_schema_is_one_line(checkout: Path) -> None:
    (checkout / "pyproject.toml").write_text('[tool.tvlint]\nschema = "a\\u0000b"\n')
    run = tvlint("data", cwd=checkout)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "schema: not a path" in run.stderr


@pytest.mark.parametrize("fmt", ["github", "json", "sarif"])
def test_a_diff_of_standard_input_follows_the_format(tmp_path: Path, fmt: str) -> None:
    text = dumps({"versions": [webhook_entry(name="##[error]forged"), s3_entry()]})
    run = subprocess.run(
        [sys.executable, "-m", "tvlint", "--diff", "--format", fmt, "-"],
        input=text,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # a guard against a hang, not a measurement
    )
    assert run.returncode == 1, run.stderr
    assert "##[" not in run.stdout + run.stderr
    assert not run.stdout.startswith("---")  # a report, not the patch
    if fmt != "github":
        assert json.loads(run.stdout)
