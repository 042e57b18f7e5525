"""The README and docs/: short, current, runnable as written, and linked correctly."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tvlint.rule_docs import anchor, markdown, parse, plain_text, rules_page, rules_table
from tvlint.rules import RULES, Rule

from .factories import dumps, run_process, s3_entry, webhook_entry
from .test_precommit import pre_commit_home, snapshot  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
WORKFLOW = ROOT / "examples" / "github" / "tvlint.yml"
EXAMPLE_COMMAND = (
    "python3 -m venv .venv && . .venv/bin/activate && pip install . && tvlint examples/actor_maker"
)
TEST_COMMAND = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && pytest"
FIRST_SCREEN = 25  # lines


def readme() -> str:
    return README.read_text(encoding="utf-8")


def markdown_files() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md"))]


def between(text: str, start: str, end: str) -> str:
    """The text between two marker lines (exclusive)."""
    begin = text.index(start + "\n") + len(start) + 1
    return text[begin : text.index(end, begin)]


def fenced(text: str, language: str) -> list[str]:
    """The contents of every fenced block in ``language``."""
    return re.findall(rf"^```{language}\n(.*?)^```$", text, re.S | re.M)


def section(text: str, heading: str) -> str:
    """A ``## heading`` section of a Markdown text, up to the next ``## ``."""
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


# The README: short, and its first screen runs the example and the tests


def test_the_readme_is_short_and_keeps_its_reference_in_docs() -> None:
    text = readme()
    assert len(text.splitlines()) <= 250
    headings = re.findall(r"^#+ (.*)$", text, re.M)
    for moved in ("Security", "Reliability", "Speed", "Development", "Usage", "The schema"):
        assert moved not in headings, moved
    assert not re.search(r"\btest_\w+", text), "test names belong in docs/, not the README"


def test_the_first_screen_runs_the_example_and_the_whole_suite() -> None:
    first_screen = "\n".join(readme().splitlines()[:FIRST_SCREEN])
    assert f"\n{EXAMPLE_COMMAND}\n" in first_screen
    assert f"\n{TEST_COMMAND}\n" in first_screen
    # CI runs exactly the command the README gives a new user.
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert any(line.startswith(f"{TEST_COMMAND}") for line in ci_lines), ".ci/run drifted"


def test_the_readme_output_is_what_the_example_command_prints() -> None:
    shown = between(readme(), "<!-- example-output:start -->", "<!-- example-output:end -->")
    run = run_process(*shlex.split(EXAMPLE_COMMAND.rsplit("&& tvlint ", 1)[1]), cwd=ROOT)
    assert run.code == 1
    assert shown == f"```\n{run.out}```\n", (
        "the README's example output is stale: paste what `tvlint examples/actor_maker` prints now"
    )


def test_install_commands_mark_their_placeholders() -> None:
    install = section(readme(), "Install")
    commands = fenced(install, "sh")[0]
    assert "pipx install git+https://github.com/<your-org>/tvlint" in commands
    assert (
        'pip install "tvlint @ git+https://github.com/<your-org>/tvlint@<commit-sha>"' in commands
    )
    assert "**`<your-org>`**" in install and "**`<commit-sha>`**" in install


# pre-commit: the block works as pasted, once its placeholders are filled in


def readme_pre_commit() -> tuple[str, list[str]]:
    """The README's .pre-commit-config.yaml, and its shell commands."""
    text = section(readme(), "pre-commit")
    [config] = fenced(text, "yaml")
    [commands] = fenced(text, "sh")
    return config, [c for c in commands.splitlines() if c.strip()]


def test_the_pre_commit_block_uses_the_shipped_hooks_as_they_are() -> None:
    config, commands = readme_pre_commit()
    [repo] = yaml.safe_load(config)["repos"]
    assert repo["repo"] == "https://github.com/<your-org>/tvlint"
    assert repo["rev"] == "<commit-sha>"
    shipped = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    # One hook: both would print every problem that --fix leaves twice.
    assert [hook["id"] for hook in repo["hooks"]] == ["tvlint-fix"]
    assert all(set(hook) == {"id"} and hook["id"] in shipped for hook in repo["hooks"])
    words = [c.split("#")[0].strip() for c in commands]
    # No .gitignore line: the backups are out of git's reach (under .git).
    assert words == [
        "git add .pre-commit-config.yaml",
        "pre-commit install",
        "pre-commit run --all-files",
    ]
    assert "pre-commit autoupdate" in section(readme(), "pre-commit")


@pytest.mark.network  # pre-commit installs the hooks from the package index
def test_the_pre_commit_setup_works_as_pasted(
    tmp_path: Path,
    snapshot: tuple[Path, str],  # noqa: F811
    pre_commit_home: Path,  # noqa: F811
) -> None:
    source, rev = snapshot
    config, commands = readme_pre_commit()
    studio = tmp_path / "studio"
    studio.mkdir()
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "PRE_COMMIT_COLOR": "never",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
    }

    def sh(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command], cwd=studio, env=env, capture_output=True, text=True
        )

    assert sh("git init -q").returncode == 0
    filled = config.replace("https://github.com/<your-org>/tvlint", str(source))
    (studio / ".pre-commit-config.yaml").write_text(filled.replace("<commit-sha>", rev))
    clean = studio / "resources" / "style_images" / "1_a" / "training_versions.json"
    clean.parent.mkdir(parents=True)
    clean.write_text(dumps({"versions": [webhook_entry()]}))
    for command in commands:
        ran = sh(command)
        assert ran.returncode == 0, (command, ran.stdout, ran.stderr)
    assert sh("git add -A && git commit -qm setup").returncode == 0
    # A commit of 8 files: one with a duplicate, one with a problem --fix leaves.
    for i in range(8):
        path = studio / "data" / "actors" / f"{i}_b" / "training_versions.json"
        path.parent.mkdir(parents=True)
        entry = webhook_entry(job=f"job-{i}-e1", model=f"actor_{i}_V7")
        versions = [entry, s3_entry(f"actor_{i}_V7")] if i == 6 else [entry]
        if i == 3:
            versions = [{k: v for k, v in entry.items() if k != "id"}]
        path.write_text(dumps({"versions": versions}))
    first = sh("git add -A && git commit -qm add")
    assert first.returncode == 1, first.stdout + first.stderr
    output = first.stdout + first.stderr
    # One report (require_serial: one run of the one hook), each problem once.
    assert re.findall(r"^\d+ files? checked.*", output, re.M) == [
        "8 files checked, 1 with problems"
    ], output
    assert "data/actors/6_b/training_versions.json: removed 1 duplicate" in output
    assert len(re.findall(r"^data/actors/3_b/\S+ TV003 schema", output, re.M)) == 1, output
    # Nothing for git to take but the fix: the backup is under .git.
    assert sh("git add -A").returncode == 0
    staged = sh("git diff --cached --name-only").stdout.split()
    assert staged == [f"data/actors/{i}_b/training_versions.json" for i in range(8)]
    fixed = studio / "data" / "actors" / "3_b" / "training_versions.json"
    fixed.write_text(dumps({"versions": [webhook_entry(job="job-3-e1", model="actor_3_V7")]}))
    second = sh("git add -A && git commit -qm add")
    assert second.returncode == 0, second.stdout + second.stderr


# Rules: every rule in the README's table and in docs/rules.md, generated


def test_docs_rules_md_is_generated_from_the_docstrings() -> None:
    assert (DOCS / "rules.md").read_text(encoding="utf-8") == rules_page(), (
        "docs/rules.md is stale: python -m tvlint.rule_docs > docs/rules.md"
    )


def test_every_rule_is_in_the_readme_table_and_in_docs_rules_md() -> None:
    table = between(readme(), "<!-- rules-table:start -->", "<!-- rules-table:end -->")
    assert table == rules_table("docs/rules.md"), (
        "the README's rules table is stale: paste "
        "tvlint.rule_docs.rules_table('docs/rules.md') between its markers"
    )
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        row = f"| [{rule.code}](docs/rules.md#{anchor(rule)}) | {rule.name} |"
        assert row in table, rule.code
        own = section(page, f"{rule.code} {rule.name}")
        for heading in ("What it does", "Example", "How to fix", "Options"):
            assert f"\n### {heading}\n" in own, (rule.code, heading)
        assert "Failing" in own and "Passing" in own, rule.code


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_a_docstring_as_plain_text_and_markdown(rule: type[Rule]) -> None:
    doc = rule.doc()
    plain, md = plain_text(doc), markdown(doc)
    for text in (plain, re.sub(r"^```.*$", "", md, flags=re.M)):
        assert "``" not in text, rule.code
        assert not any(line.endswith("::") for line in text.splitlines()), rule.code
    for block in parse(doc):
        if block.literal is not None:
            indented = "\n".join(
                f"    {line}" if line else "" for line in block.literal.split("\n")
            )
            assert indented in plain, rule.code
            assert f"```json\n{block.literal}\n```" in md, rule.code


# CI: every workflow in the docs is the shipped file


def test_every_workflow_snippet_is_the_shipped_workflow() -> None:
    shipped = WORKFLOW.read_text(encoding="utf-8")
    ci = (DOCS / "ci.md").read_text(encoding="utf-8")
    included = between(
        ci, "<!-- workflow:start examples/github/tvlint.yml -->", "<!-- workflow:end -->"
    )
    assert included == f"```yaml\n{shipped}```\n", (
        "docs/ci.md's copy of examples/github/tvlint.yml is stale: paste the file between "
        "the workflow markers"
    )
    found = 0
    for path in markdown_files():
        for block in fenced(path.read_text(encoding="utf-8"), "ya?ml"):
            if re.search(r"^\s*(jobs|runs-on|steps|on):", block, re.M) or "uses:" in block:
                assert block == shipped, f"{path.name}: a workflow snippet differs from {WORKFLOW}"
                found += 1
    assert found == 1


# Links between the README and docs/ lead somewhere


def slugs(text: str) -> set[str]:
    """The anchors GitHub gives a Markdown text's headings."""
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(
        r"^#+ (.*)$", re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M), re.M
    ):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        out.add(slug if count == 0 else f"{slug}-{count}")
    return out


def test_relative_links_and_anchors_resolve() -> None:
    for path in markdown_files():
        text = path.read_text(encoding="utf-8")
        prose = re.sub(r"^```.*?^```$", "", text, flags=re.S | re.M)
        for target in re.findall(r"\]\(([^)\s]+)\)", prose):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, fragment = target.partition("#")
            linked = (path.parent / file).resolve() if file else path
            assert linked.exists(), f"{path.name}: {target}"
            if fragment and linked.suffix == ".md":
                assert fragment in slugs(linked.read_text(encoding="utf-8")), (
                    f"{path.name}: {target}"
                )


# Configuration: every [tool.tvlint] example is a configuration tvlint accepts


def test_every_configuration_example_is_accepted() -> None:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    from tvlint.config import settings_from_table
    from tvlint.rules.interpret import interpret

    found = 0
    for path in (README, DOCS / "configuration.md"):
        for block in fenced(path.read_text(encoding="utf-8"), "toml"):
            table = tomllib.loads(block)["tool"]["tvlint"]
            # Read as a run reads it: the table, then its rules' names and options.
            interpret(
                settings_from_table(table, root=str(ROOT), source=str(ROOT / "pyproject.toml"))
            )
            found += 1
    assert found >= 3


def test_the_readme_configuration_passes_the_bundled_example(tmp_path: Path) -> None:
    # Pasted as it is, it allows the hosts the studio's files use: only the example's
    # duplicate is reported, and the duplicate's name, its model file's.
    [block] = fenced(section(readme(), "Configuration"), "toml")
    config = tmp_path / "pyproject.toml"
    config.write_text(block)
    run = run_process("--config", str(config), "--format", "json", "examples/actor_maker", cwd=ROOT)
    assert run.code == 1
    assert [p["code"] for p in json.loads(run.out)["problems"]] == ["TV009", "TV004"]
