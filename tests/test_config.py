"""[tool.tvlint] in pyproject.toml: found by walking up, validated, overridden by flags."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tvlint.config import ConfigError, Settings, find_config, load_settings
from tvlint.rules import RULES, Option, Rule
from tvlint.rules.interpret import enabled_codes, interpret

from .factories import Run, s3_entry, webhook_entry

Cli = Callable[..., Run]
Write = Callable[..., Path]
BROKEN = {"versions": [webhook_entry(imageCount="43"), s3_entry()]}


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "outside" / "studio"
    (root / ".git").mkdir(parents=True)
    deep = root / "data" / "actors"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    return root


def configure(repo: Path, body: str) -> None:
    (repo / "pyproject.toml").write_text("[project]\nname = 'studio'\n\n" + body)


def test_found_by_walking_up_but_not_past_the_repository(repo: Path) -> None:
    assert find_config(".") is None
    (repo.parent / "pyproject.toml").write_text("[tool.tvlint]\nselect = ['TV999']\n")
    assert find_config(".") is None  # outside the repository: ignored
    configure(repo, "[tool.tvlint]\nignore = ['TV005']\n")
    assert find_config(".") == str(repo / "pyproject.toml")
    assert load_settings().ignore == ("TV005",)


def test_values_and_names(repo: Path) -> None:
    configure(
        repo,
        "[tool.tvlint]\n"
        "schema = 'schemas/custom.json'\n"
        "select = ['TV001', 'duplicate-lora-url', 'schema']\n"
        "ignore = ['tv003']\n"
        "include = ['*.versions.json']\n"
        "exclude = ['data/archive']\n",
    )
    settings = interpret(load_settings())
    assert settings.schema == str(repo / "schemas/custom.json")
    assert settings.select == ("TV001", "TV004", "TV003")
    assert enabled_codes(settings) == frozenset({"TV001", "TV004"})
    assert (settings.include, settings.exclude) == (("*.versions.json",), ("data/archive",))
    assert settings.root == str(repo)
    assert enabled_codes(Settings()) == frozenset(r.code for r in RULES if r.default)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("[tool.tvlint]\nselct = ['TV004']\n", "unknown key 'selct'"),
        ("[tool.tvlint]\nselect = 'TV004'\n", "select must be a list of non-empty strings"),
        ("[tool.tvlint]\nignore = ['TV999']\n", "ignore: no rule 'TV999'"),
        ("[tool.tvlint]\nschema = 5\n", "schema must be a path"),
        ("[tool.tvlint]\nexclude = ['']\n", "exclude must be a list of non-empty strings"),
        ("[tool]\ntvlint = 5\n", "[tool.tvlint] must be a table"),
        ("[tool.tvlint\n", "not valid TOML"),
    ],
)
def test_bad_configuration_is_a_clear_error_with_exit_2(
    repo: Path, cli: Cli, body: str, words: str
) -> None:
    configure(repo, body)
    with pytest.raises(ConfigError, match=words.replace("[", r"\[").replace("]", r"\]")):
        interpret(load_settings())  # a rule's name is the registry's to read
    run = cli(".")
    assert run.code == 2
    assert run.out == ""
    assert words in run.err and str(repo / "pyproject.toml") in run.err


def test_flags_override_the_configuration(repo: Path, cli: Cli) -> None:
    configure(repo, "[tool.tvlint]\nignore = ['TV004']\n")
    (repo / "data/actors/6_b").mkdir()
    (repo / "data/actors/6_b/training_versions.json").write_text(json.dumps(BROKEN))
    assert [p["code"] for p in cli("--format", "json").json()["problems"]] == ["TV003"]
    assert [p["code"] for p in cli("--format", "json", "--ignore", "TV003").json()["problems"]] == [
        "TV004"
    ]
    assert [p["code"] for p in cli("--format", "json", "--ignore", "").json()["problems"]] == [
        "TV003",
        "TV004",
    ]
    run = cli("--format", "json", "--select", "duplicate-lora-url,TV003", "--ignore", "schema")
    assert [p["code"] for p in run.json()["problems"]] == ["TV004"]
    bad = cli("--select", "TV042")
    assert (bad.code, bad.err) == (2, "tvlint: error: --select: no rule 'TV042'\n")


def test_schema_from_configuration_and_from_the_flag(repo: Path, cli: Cli) -> None:
    (repo / "owner.json").write_text(json.dumps({"required": ["owner"]}))
    (repo / "strict.json").write_text(json.dumps({"required": ["team"]}))
    configure(repo, "[tool.tvlint]\nschema = 'owner.json'\n")
    (repo / "data/actors/training_versions.json").write_text(json.dumps({"versions": []}))
    assert 'the required key "owner" is missing' in cli().out
    assert 'the required key "team" is missing' in cli("--schema", repo / "strict.json").out


def test_the_schema_is_tv003_s_option_with_the_key_and_flag_as_other_spellings(
    repo: Path, cli: Cli
) -> None:
    (repo / "owner.json").write_text(json.dumps({"required": ["owner"]}))
    (repo / "strict.json").write_text(json.dumps({"required": ["team"]}))
    (repo / "data/actors/training_versions.json").write_text(json.dumps({"versions": []}))
    configure(repo, "[tool.tvlint.rules.schema]\nschema = 'owner.json'\n")
    assert 'the required key "owner" is missing' in cli().out
    assert 'the required key "team" is missing' in cli("--schema", repo / "strict.json").out
    # By its code too; and set once only.
    configure(repo, "[tool.tvlint.rules.TV003]\nschema = 'owner.json'\n")
    assert 'the required key "owner" is missing' in cli().out
    configure(
        repo,
        "[tool.tvlint]\nschema = 'strict.json'\n[tool.tvlint.rules.schema]\nschema = 'owner.json'\n",
    )
    twice = cli()
    assert twice.code == 2
    assert twice.err.endswith(
        "[tool.tvlint.rules.schema]: schema: the schema is set twice (and as a key): keep one\n"
    )
    # Resolved as the key is: relative to the configuration, inside its tree.
    configure(repo, "[tool.tvlint.rules.schema]\nschema = '../outside.json'\n")
    outside = cli()
    assert outside.code == 2 and "[tool.tvlint.rules.schema]: schema: " in outside.err


def test_include_and_exclude(repo: Path, cli: Cli) -> None:
    configure(
        repo,
        "[tool.tvlint]\ninclude = ['*.versions.json']\nexclude = ['data/archive', '*.old.json']\n",
    )
    files = {
        "data/actors/1_a/training_versions.json": True,
        "data/actors/1_a/style.versions.json": True,
        "data/actors/1_a/manifest.json": False,
        "data/archive/2_b/training_versions.json": False,
        "data/actors/3_c/x.old.json": False,
    }
    for relative in files:
        (repo / relative).parent.mkdir(parents=True, exist_ok=True)
        (repo / relative).write_text(json.dumps(BROKEN))
    run = cli("--format", "json", repo)
    checked = {Path(p["path"]).relative_to(repo).as_posix() for p in run.json()["problems"]}
    assert checked == {f for f, wanted in files.items() if wanted}
    # Explicit files (as pre-commit passes them) are excluded too; --exclude replaces the list.
    assert cli(repo / "data/archive/2_b/training_versions.json").code == 0
    assert cli("--exclude", "nothing", repo / "data/archive/2_b/training_versions.json").code == 1


class _Hosts(Rule):
    """A rule with options, for the tests of option handling (not registered)."""

    code = "TV900"
    name = "test-hosts"
    options = (
        Option("allowed", "list[str]", [], "hosts"),
        Option("strict", "bool", False, "be strict"),
        Option("limit", "int", 3, "how many"),
    )


@pytest.fixture
def with_option_rule(monkeypatch: pytest.MonkeyPatch) -> type[Rule]:
    import tvlint.rules

    monkeypatch.setitem(tvlint.rules.BY_NAME, _Hosts.name, _Hosts)
    return _Hosts


def test_rule_options_are_read_and_checked_against_the_rule(
    with_option_rule: type[Rule], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.tvlint.rules.test-hosts]\nallowed = ['a.example']\nlimit = 5\n")
    settings = interpret(load_settings())
    assert settings.rule_options == {"test-hosts": {"allowed": ["a.example"], "limit": 5}}
    rule = with_option_rule.configured(settings.rule_options["test-hosts"], settings)
    assert dict(rule.values) == {"allowed": ["a.example"], "strict": False, "limit": 5}
    for body, message in [
        (
            "[tool.tvlint.rules.test-hosts]\nallow = []\n",
            "[tool.tvlint.rules.test-hosts]: unknown option 'allow' (options: allowed, strict, limit)",
        ),
        (
            "[tool.tvlint.rules.test-hosts]\nstrict = 'yes'\n",
            "[tool.tvlint.rules.test-hosts]: strict must be true or false",
        ),
        (
            "[tool.tvlint.rules.test-hosts]\nlimit = true\n",
            "[tool.tvlint.rules.test-hosts]: limit must be an integer",
        ),
        (
            "[tool.tvlint.rules.test-hosts]\nallowed = [1]\n",
            "[tool.tvlint.rules.test-hosts]: allowed must be a list of strings",
        ),
        (
            "[tool.tvlint.rules.no-such-rule]\nx = 1\n",
            "[tool.tvlint.rules]: no rule 'no-such-rule'",
        ),
        ("[tool.tvlint]\nrules = 3\n", "[tool.tvlint.rules] must be a table"),
    ]:
        pyproject.write_text(body)
        with pytest.raises(ConfigError) as caught:
            interpret(load_settings())
        assert message in str(caught.value)
        assert str(pyproject) in str(caught.value)


def test_rule_option_errors_through_the_command_line(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tvlint.rules.schema]\nx = 1\n")
    run = cli(tmp_path)
    assert run.code == 2
    assert run.err.endswith("[tool.tvlint.rules.schema]: unknown option 'x' (options: schema)\n")


def test_a_rule_table_may_be_named_by_code(cli: Callable[..., Run], tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tvlint.rules.TV006]\nallowed-hosts = ["*.amazonaws.com"]\n'
    )
    settings = interpret(load_settings())
    assert settings.rule_options == {"lora-host": {"allowed-hosts": ["*.amazonaws.com"]}}


def test_a_rule_configured_by_its_code_and_its_name_is_an_error(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tvlint.rules.TV006]\nallowed-hosts = ["*.amazonaws.com"]\n'
        '[tool.tvlint.rules.lora-host]\nallowed-hosts = ["*.example.com"]\n'
    )
    with pytest.raises(ConfigError, match="configured twice"):
        interpret(load_settings())
    run = cli(tmp_path)
    assert run.code == 2
    assert run.err == (
        f"tvlint: error: {tmp_path / 'pyproject.toml'}: [tool.tvlint.rules.lora-host]: "
        "TV006 lora-host is configured twice (by its code and by its name): keep one table\n"
    )


# The configuration follows the files: the same verdict from any working directory.

DUPLICATED = {"versions": [webhook_entry(), s3_entry()]}


def _verdict(cwd: Path, *args: str) -> tuple[int, list[str]]:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "tvlint", "--format", "json", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    problems = json.loads(run.stdout)["problems"] if run.stdout else []
    return run.returncode, sorted(p["code"] for p in problems)


def test_the_same_file_gets_the_same_verdict_from_anywhere(tmp_path: Path) -> None:
    repo = tmp_path / "studio"
    team = repo / "team"
    (repo / ".git").mkdir(parents=True)
    (team / "sub").mkdir(parents=True)
    (repo / "pyproject.toml").write_text("[tool.tvlint]\nignore = ['TV004']\n")
    # A pyproject.toml without the table is passed over, not taken for "no settings".
    (team / "sub" / "pyproject.toml").write_text("[project]\nname = 'sub'\n")
    (team / "sub" / "training_versions.json").write_text(json.dumps(DUPLICATED))
    (repo / "training_versions.json").write_text(json.dumps(DUPLICATED))
    for cwd, path in (
        (repo, "team"),
        (team, "."),
        (team / "sub", "training_versions.json"),
        (tmp_path, "studio/team/sub/training_versions.json"),
    ):
        assert _verdict(cwd, path) == (0, []), (cwd, path)
    # A configuration of the team's own decides for its files, not for the others.
    (team / "tvlint.toml").write_text("select = ['TV004']\n")
    for cwd, path in ((repo, "team"), (team / "sub", "."), (tmp_path, "studio/team")):
        assert _verdict(cwd, path) == (1, ["TV004"]), (cwd, path)
    assert _verdict(repo, ".") == (1, ["TV004"])  # the root's file is still ignored
    assert _verdict(team, "../training_versions.json") == (0, [])


def test_exclude_is_matched_under_the_configuration_that_holds_it(tmp_path: Path) -> None:
    repo = tmp_path / "studio"
    (repo / ".git").mkdir(parents=True)
    (repo / "team" / "archive").mkdir(parents=True)
    (repo / "team" / "pyproject.toml").write_text("[tool.tvlint]\nexclude = ['archive']\n")
    (repo / "team" / "archive" / "training_versions.json").write_text("{")
    (repo / "archive").mkdir()
    (repo / "archive" / "training_versions.json").write_text("{")
    assert _verdict(repo, ".") == (1, ["TV001"])  # only the root's archive
    assert _verdict(repo / "team", ".")[0] == 2  # nothing left to check under it


def test_config_names_one_configuration_for_every_path(tmp_path: Path) -> None:
    repo = tmp_path / "studio"
    (repo / ".git").mkdir(parents=True)
    (repo / "data").mkdir()
    (repo / "data" / "pyproject.toml").write_text("[tool.tvlint]\nignore = ['TV004']\n")
    (repo / "data" / "training_versions.json").write_text(json.dumps(DUPLICATED))
    (tmp_path / "strict.toml").write_text("select = ['TV004']\n")
    assert _verdict(repo, "data") == (0, [])
    assert _verdict(repo, "--config", str(tmp_path / "strict.toml"), "data") == (1, ["TV004"])
    # A pyproject.toml named with --config must have the table.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    code, _ = _verdict(repo, "--config", str(tmp_path / "pyproject.toml"), "data")
    assert code == 2
    assert _verdict(repo, "--config", str(tmp_path / "missing.toml"), "data")[0] == 2


def test_a_tvlint_toml_is_checked_as_the_table_is(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tvlint.toml").write_text("selct = ['TV004']\n")
    (tmp_path / "training_versions.json").write_text(json.dumps(DUPLICATED))
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "tvlint"], cwd=tmp_path, capture_output=True, text=True
    )
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == (
        f"tvlint: error: {tmp_path / 'tvlint.toml'}: unknown key 'selct' (known: exclude, "
        "extend-select, ignore, include, max-file-size, protect, rules, schema, select, "
        "unsafe-fixes)\n"
    )


# A mistake in a configuration is an error wherever it is, whatever the flags say.


def test_a_flag_does_not_hide_a_mistake_in_the_file(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "training_versions.json").write_text(json.dumps({"versions": []}))
    for body, flag, words in [
        ('select = ["TV999"]\n', "--select", "select: no rule 'TV999'"),
        ('ignore = ["TV0O5"]\n', "--ignore", "ignore: no rule 'TV0O5'"),
        (
            '[rules.lora-host]\nallowed-hosts = ["http://[bad"]\n',
            "--select",
            "[rules.lora-host]: allowed-hosts: 'http://[bad' is not a host pattern (",
        ),
        # Both spellings of the schema are checked as the key is, a flag given or not.
        (
            '[rules.TV003]\nschema = "../../../../../../../../etc/passwd"\n',
            "--schema",
            "[rules.TV003]: schema: ",
        ),
    ]:
        (tmp_path / "tvlint.toml").write_text(body)
        (tmp_path / "s.json").write_text("{}")
        value = str(tmp_path / "s.json") if flag == "--schema" else "TV004"
        run = cli(flag, value, tmp_path)
        assert run.code == 2, body
        assert f"{tmp_path / 'tvlint.toml'}: {words}" in run.err, run.err


def test_messages_name_the_tables_as_the_file_writes_them(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "q.json").write_text("{}")
    (tmp_path / "tvlint.toml").write_text('schema = "q.json"\n[rules.TV003]\nschema = "q.json"\n')
    run = cli(tmp_path)
    assert run.err.endswith(
        "[rules.TV003]: schema: the schema is set twice (and as a key): keep one\n"
    )
    entry = {**s3_entry(), "loraUrl": "https://models.example.net/m/style_1_vV7.safetensors"}
    (tmp_path / "training_versions.json").write_text(json.dumps({"versions": [entry]}))
    config = tmp_path / "ci.toml"  # named with --config: read as a tvlint.toml is
    for table in ("lora-host", "TV006"):
        config.write_text(f'[rules.{table}]\nallowed-hosts = ["*.amazonaws.com"]\n')
        (tmp_path / "tvlint.toml").unlink(missing_ok=True)
        [problem] = cli("--format", "json", "--config", config, tmp_path).json()["problems"]
        assert f"ci.toml [rules.{table}]) does not allow" in problem["message"]


def test_the_extend_select_flag_adds_to_the_file_s(cli: Cli, tmp_path: Path) -> None:
    entries = [webhook_entry(), s3_entry(id=webhook_entry()["id"])]  # one model file, one id
    (tmp_path / "training_versions.json").write_text(json.dumps({"versions": entries}))
    (tmp_path / "tvlint.toml").write_text('select = ["TV001"]\nextend-select = ["TV004"]\n')
    run = cli("--format", "json", "--extend-select", "TV005", tmp_path)
    assert sorted(p["code"] for p in run.json()["problems"]) == ["TV004", "TV005"]
