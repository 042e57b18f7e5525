"""The command line as users of ruff, yamllint and check-jsonschema expect it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tvlint.report import FORMATS

from .factories import Run, dumps, s3_entry, webhook_entry
from .test_output_formats import _run_in_terminal

Cli = Callable[..., Run]
ROOT = Path(__file__).resolve().parent.parent
DIRTY = dumps({"versions": [s3_entry(isGood=True), webhook_entry()]})
FIXED = dumps({"versions": [{**webhook_entry(), "isGood": True}]})
CLEAN = dumps({"versions": [webhook_entry()]})


def tvlint(*args: str, stdin: str | bytes = b"", cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "tvlint", *args],
        input=stdin if isinstance(stdin, bytes) else stdin.encode(),
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )


# 1. Standard input


def test_dash_reads_one_document_from_stdin(tmp_path: Path) -> None:
    run = tvlint("-", stdin=DIRTY, cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.decode().startswith("-:7:18: TV004 duplicate-lora-url ")
    assert tvlint("-", stdin=CLEAN, cwd=tmp_path).returncode == 0
    broken = tvlint("-", stdin='{"versions": [', cwd=tmp_path)
    assert broken.returncode == 1
    assert b"TV001 invalid-json" in broken.stdout


def test_stdin_filename_names_it_in_reports_and_for_the_globs(tmp_path: Path) -> None:
    run = tvlint(
        "--stdin-filename", "data/a/training_versions.json", "-", stdin=DIRTY, cwd=tmp_path
    )
    assert run.stdout.decode().startswith("data/a/training_versions.json:7:18: TV004")
    (tmp_path / "pyproject.toml").write_text("[tool.tvlint]\nexclude = ['data/a']\n")
    excluded = tvlint(
        "--stdin-filename", "data/a/training_versions.json", "-", stdin=DIRTY, cwd=tmp_path
    )
    assert (excluded.returncode, excluded.stdout.decode().splitlines()[0]) == (
        0,
        "0 files checked, 0 with problems",
    )


def test_fix_dash_writes_the_fixed_text_to_stdout_and_nothing_else(tmp_path: Path) -> None:
    run = tvlint("--fix", "-", stdin=DIRTY, cwd=tmp_path)
    assert run.returncode == 1  # changed, as for a file
    assert run.stdout == FIXED.encode()
    assert b"removed 1 duplicate (no backup)" in run.stderr
    assert list(tmp_path.iterdir()) == []  # no backup, no file at all
    clean = tvlint("--fix", "-", stdin=CLEAN, cwd=tmp_path)
    assert (clean.returncode, clean.stdout) == (0, CLEAN.encode())  # passed through
    broken = tvlint("--fix", "-", stdin="{", cwd=tmp_path)
    assert (broken.returncode, broken.stdout) == (1, b"{")  # never "fixed"


@pytest.mark.parametrize(
    ("given", "args"),
    [
        ("\ufeff" + CLEAN.replace("\n", "\r\n"), ()),  # a BOM and CRLF, kept
        ('{"versions": [], "note": "caf\u00e9 \U0001f600"}', ()),  # UTF-8 beyond ASCII
        (b'{"versions": ["\xff"]}', ()),  # not UTF-8: its bytes as they came
        (b"\xef\xbb\xbf\xef\xbb\xbf{}", ()),  # decodes, but is not JSON
        (DIRTY, ("--ignore", "TV004")),  # a duplicate, but nothing fixes it
    ],
)
def test_fix_dash_gives_back_what_it_does_not_fix_byte_for_byte(
    tmp_path: Path, given: str | bytes, args: tuple[str, ...]
) -> None:
    # Its bytes are dropped once decoded and made again from the text.
    raw = given if isinstance(given, bytes) else given.encode()
    run = tvlint("--fix", *args, "-", stdin=raw, cwd=tmp_path)
    assert run.returncode in (0, 1)
    assert run.stdout == raw


@pytest.mark.parametrize("mode", [(), ("--fix",)])
def test_standard_input_holds_what_the_same_file_holds(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: tuple[str, ...]
) -> None:
    import gc
    import tracemalloc

    from tvlint.native_schema import NativeVerdict

    # jsonschema-rs is loaded once a process has checked 8 MiB: in a full run, that can
    # fall between the two measures, and each would count a different path.
    monkeypatch.setattr(NativeVerdict, "valid", lambda self, instance, size: None)
    path = tmp_path / "training_versions.json"
    entries = [s3_entry(id=f"e{i}", name=f"V{i}", loraUrl=f"https://b/{i}") for i in range(3000)]
    path.write_text(dumps({"versions": entries}))

    def peak(*args: str | Path) -> int:
        def run() -> None:
            with path.open() as given:
                monkeypatch.setattr(sys, "stdin", given)
                assert cli(*mode, *args).code == 0

        run()  # once first, so that imports are not counted
        gc.collect()  # what earlier tests left is not counted
        gc.disable()
        tracemalloc.start()
        try:
            run()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            gc.enable()

    # Its bytes held beside its text and data would add the file's size.
    assert peak("-") < peak(path) + path.stat().st_size / 2


def test_diff_dash_writes_the_diff(tmp_path: Path) -> None:
    run = tvlint("--diff", "-", stdin=DIRTY, cwd=tmp_path)
    assert run.returncode == 1
    out = run.stdout.decode()
    assert out.startswith("--- -\n+++ -\n@@ ")
    assert '+      "isGood": true' in out
    (tmp_path / "training_versions.json").write_text(DIRTY)
    applied = subprocess.run(
        ["patch", "--batch", "training_versions.json"],
        input=run.stdout,
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stdout
    assert (tmp_path / "training_versions.json").read_text() == FIXED


# 2. Flags that make no sense together; flags that add up


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--no-backup", "x.json"], "--no-backup"),
        (["--diff", "--fix", "x.json"], "--fix"),
        (["--stdin-filename", "a.json", "x.json"], "--stdin-filename"),
    ],
)
def test_usage_errors_name_the_flag(cli: Cli, args: list[str], flag: str) -> None:
    run = cli(*args)
    assert run.code == 2
    [error] = [line for line in run.err.splitlines() if line.startswith("tvlint: error:")]
    assert flag in error


def test_repeated_select_ignore_and_exclude_add_up(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    broken = dumps({"versions": [webhook_entry(imageCount="x"), s3_entry(), s3_entry()]})
    for folder in ("a", "b"):
        (tmp_path / folder / "training_versions.json").write_text(broken)
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "training_versions.json").write_text(broken)
    run = cli(
        "--format",
        "json",
        "--select",
        "TV003",
        "--select",
        "TV005",
        "--exclude",
        "a",
        "--exclude",
        "b",
        ".",
    )
    codes = sorted({p["code"] for p in run.json()["problems"]})
    assert codes == ["TV003", "TV005"]
    assert {p["path"] for p in run.json()["problems"]} == {"c/training_versions.json"}
    run = cli("--format", "json", "--ignore", "TV003", "--ignore", "TV005", "c")
    assert sorted({p["code"] for p in run.json()["problems"]}) == ["TV004"]
    help_text = cli("--help").out
    assert help_text.count("repeats add up") == 4  # --select, --ignore, --exclude, --protect


# 3. A file that cannot be parsed is always a problem


@pytest.mark.parametrize(
    "args",
    [["--select", "TV004"], ["--ignore", "TV001"], ["--select", ""], ["--ignore", "invalid-json"]],
)
def test_invalid_json_is_reported_whatever_select_and_ignore_say(
    cli: Cli, tmp_path: Path, args: list[str]
) -> None:
    (tmp_path / "training_versions.json").write_text('{"versions": [')
    run = cli(*args, "training_versions.json")
    assert run.code == 1
    assert "TV001 invalid-json" in run.out


def test_select_nothing_in_the_configuration_still_reports_invalid_json(
    cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tvlint]\nselect = []\n")
    (tmp_path / "training_versions.json").write_text('{"versions": [],}')
    assert cli("training_versions.json").code == 1
    (tmp_path / "training_versions.json").write_text(DIRTY)
    assert cli("training_versions.json").code == 0  # nothing else is selected


# 4. A directory with nothing to check


def test_a_named_directory_with_nothing_to_check_is_an_error(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "data" / "actors").mkdir(parents=True)
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "training_versions.json").write_text(CLEAN)
    run = cli("data/actors", "good")
    assert run.code == 2
    assert run.err == "tvlint: error: data/actors: no file to check found under it\n"
    assert run.out.startswith("1 file checked, 0 with problems, 1 with errors")


def test_no_path_and_nothing_to_check_is_a_warning(cli: Cli, tmp_path: Path) -> None:
    run = cli()
    assert run.code == 0
    assert (
        run.err == "tvlint: warning: no training_versions.json found under the current directory\n"
    )


# 5. Paths as given, tidy; globs on the same form


def test_paths_are_printed_tidy_and_globs_match_that_form(cli: Cli, tmp_path: Path) -> None:
    for folder in ("data/a", "data/b", "keep"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "training_versions.json").write_text(DIRTY)
    paths = {p["path"] for p in cli("--format", "json").json()["problems"]}
    assert paths == {f"{f}/training_versions.json" for f in ("data/a", "data/b", "keep")}
    assert {p["path"] for p in cli("--format", "json", ".//keep/./").json()["problems"]} == {
        "keep/training_versions.json"
    }
    for glob in ("./data/**", "data/*", "data"):
        kept = {p["path"] for p in cli("--format", "json", "--exclude", glob).json()["problems"]}
        assert kept == {"keep/training_versions.json"}, glob


# 6. Colour: --color always|never, then NO_COLOR, then auto


def test_colour_order(tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(DIRTY)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    no_color = {**env, "NO_COLOR": "1"}
    assert "\x1b[" in _run_in_terminal([str(path)], env)  # auto, on a terminal
    assert "\x1b[" not in _run_in_terminal([str(path)], no_color)  # NO_COLOR beats auto
    assert "\x1b[" in _run_in_terminal(["--color", "always", str(path)], no_color)
    assert "\x1b[" not in _run_in_terminal(["--color", "never", str(path)], env)


# 7. Plurals


def test_every_summary_line_says_one_and_many_right(cli: Cli, tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    (one / "training_versions.json").write_text(DIRTY)
    lines = cli("--fix", one).out + cli("--diff", one).out + cli(one).out
    (one / "training_versions.json").write_text(DIRTY)
    lines += cli("--format", "github", "--diff", one).out + cli(one).out
    for word in ("file", "duplicate", "problem", "backup", "error", "directory"):
        assert not re.search(rf"\b1 {word}(e?s|ies)\b", lines), (word, lines)
    assert "1 file checked" in lines and "1 duplicate removed" in lines
    assert "1 fixable with `tvlint --fix`" in lines and "would remove 1 duplicate" in lines
    two = tmp_path / "two"
    (two / "a").mkdir(parents=True)
    (two / "b").mkdir()
    for folder in ("a", "b"):
        (two / folder / "training_versions.json").write_text(DIRTY)
    many = cli(two).out
    assert "2 files checked, 2 with problems" in many and "2 fixable with `tvlint --fix`" in many
    assert "2 problems (TV004 duplicate-lora-url: 2)" in many


# The summary says what to do next.


def test_a_clean_run_ends_in_one_all_clear_line(cli: Cli, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "training_versions.json").write_text(CLEAN)
    run = cli(tmp_path)
    assert (run.code, run.out) == (0, "All checks passed: 2 files checked\n")
    # A run that checked nothing passed nothing.
    assert cli(
        "--filter-files", tmp_path / "a" / "training_versions.json", "--exclude", "a"
    ).out == ("0 files checked, 0 with problems\n")


def test_fixable_counts_only_what_fix_would_change(cli: Cli, tmp_path: Path) -> None:
    conflict = [s3_entry(id="a", isGood=True), webhook_entry(id="b", isGood=False)]
    other = [s3_entry("style_1_vV8", id="c"), webhook_entry(model="style_1_vV8", id="d")]
    path = tmp_path / "training_versions.json"
    path.write_text(dumps({"versions": conflict + other}))
    run = cli(path)
    assert run.code == 1
    assert run.out.splitlines()[-3:] == [
        "2 problems (TV004 duplicate-lora-url: 2)",
        "1 fixable with `tvlint --fix`",
        "Fix by hand: TV004 (`tvlint --explain TV004` says what it wants)",  # the conflict
    ]
    assert cli("--format", "json", path).json()["summary"]["fixable"] == 1
    fixed = cli("--fix", path)
    assert "fixable with" not in fixed.out  # what is left is the conflict
    again = cli(path)
    assert "fixable with" not in again.out and "make isGood agree" in again.out


@pytest.mark.parametrize(
    "args", [("--ignore", "TV004"), ("--select", "TV003")], ids=["ignored", "not-selected"]
)
def test_a_rule_that_did_not_run_is_not_counted(
    cli: Cli, tmp_path: Path, args: tuple[str, ...]
) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(DIRTY)
    run = cli(*args, path)
    assert (run.code, run.out) == (0, "All checks passed: 1 file checked\n")
    path.write_text(DIRTY[:-1])  # not JSON: no rule but TV001 runs
    broken = cli(path).out
    assert "duplicate" not in broken and "fixable with" not in broken
    assert broken.splitlines()[-2:] == [
        "1 problem (TV001 invalid-json: 1)",
        "Fix by hand: TV001 (`tvlint --explain TV001` says what it wants)",
    ]


def test_what_fix_leaves_is_named_with_where_to_read_how_to_fix_it(
    cli: Cli, tmp_path: Path
) -> None:
    path = tmp_path / "training_versions.json"
    entries = [s3_entry(id="a"), webhook_entry(id="a", imageCount="43")]
    path.write_text(dumps({"versions": entries}))
    diff = cli("--diff", path)
    # Nothing is written yet: the problems counted are those the fix would leave (the
    # removed entry took its id's repeat with it).
    assert diff.err.splitlines()[-4:] == [
        "1 file checked, 1 with problems after the fix",
        "1 file would change, 1 duplicate would be removed",
        "1 problem (TV003 schema: 1)",
        "Fix by hand: TV003 (`tvlint --explain TV003` says what it wants)",
    ]
    check = cli(path).out.splitlines()
    assert check[-2:] == [
        "1 fixable with `tvlint --fix`",
        "Fix by hand: TV003, TV005 (`tvlint --explain CODE` says what each wants)",
    ]


def test_after_fix_the_last_line_says_how_to_undo(cli: Cli, tmp_path: Path) -> None:
    beside = tmp_path / "plain" / "training_versions.json"
    beside.parent.mkdir()
    beside.write_text(DIRTY)
    assert cli("--fix", beside).out.splitlines()[-1] == (
        "To undo, copy a backup over its file: the backup of FILE is FILE.backup"
    )
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    for folder in ("a", "b"):
        (repo / folder).mkdir()
        (repo / folder / "training_versions.json").write_text(DIRTY)
    run = cli("--fix", repo)
    backups = repo / ".git" / "tvlint" / "backups"
    assert run.out.splitlines()[-1] == (
        f"To undo, copy a backup over its file: backups are under {backups}"
    )
    assert (backups / "a" / "training_versions.json.backup").read_text() == DIRTY
    (repo / "a" / "training_versions.json").write_text(DIRTY)
    unbacked = cli("--fix", "--no-backup", repo / "a").out.splitlines()[-1]
    assert unbacked == (
        "To undo: no backup was written; git checkout -- FILE restores a file git tracks"
    )
    # Standard input's fixed text goes to stdout: no file changed, nothing to undo; and
    # what fixes it is a command of its own.
    piped = tvlint("--fix", "-", stdin=DIRTY, cwd=tmp_path)
    assert b"undo" not in piped.stderr and piped.stdout == FIXED.encode()
    checked = tvlint("-", stdin=DIRTY, cwd=tmp_path)
    assert b"1 fixable with `tvlint --fix -`\n" in checked.stdout
    # Nothing written, nothing to undo.
    (repo / "a" / "training_versions.json").write_text(DIRTY)
    assert "undo" not in cli("--diff", repo / "a").out + cli(repo / "a").out


def test_fix_quiet_prints_one_line_for_each_changed_file(cli: Cli, tmp_path: Path) -> None:
    for folder in ("a", "b", "c"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "training_versions.json").write_text(CLEAN if folder == "c" else DIRTY)
    run = cli("--fix", "-q", "--no-backup", tmp_path)
    assert run.code == 1
    assert run.out.splitlines() == [
        f"{tmp_path / folder / 'training_versions.json'}: removed 1 duplicate (no backup)"
        for folder in ("a", "b")
    ]


# 8. -o/--output-file


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_holds_what_stdout_would(cli: Cli, tmp_path: Path, fmt: str) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    plain = cli("--format", fmt, "training_versions.json")
    to_file = cli("--format", fmt, "-o", "report.out", "training_versions.json")
    assert to_file.code == plain.code == 1
    written = (tmp_path / "report.out").read_text()
    summary = (
        "1 file checked, 1 with problems\n1 problem (TV004 duplicate-lora-url: 1)\n"
        "1 fixable with `tvlint --fix`\n"
    )
    if fmt in ("json", "sarif"):
        assert written == plain.out
        json.loads(written)
    else:
        assert written == plain.out  # the summary is part of a line format's report
    assert to_file.out == summary  # ... and stays on stdout, for the log
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.out", "training_versions.json"]


def test_output_file_that_cannot_be_written(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "training_versions.json").write_text(CLEAN)
    run = cli("-o", str(tmp_path / "no" / "such" / "dir" / "r.txt"), "training_versions.json")
    assert run.code == 2
    assert "cannot write the report" in run.err


# The help, and its copy in docs/configuration.md


def test_help_shows_the_options_and_the_docs_have_it_verbatim() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
        check=True,
    )
    for flag in ("--stdin-filename", "-o FILE, --output-file FILE", "--protect", "--max-file-size"):
        assert flag in proc.stdout
    reference = (ROOT / "docs" / "configuration.md").read_text()
    block = re.search(r"<!-- help:start -->\n```\n(.*?)```\n<!-- help:end -->", reference, re.S)
    assert block is not None, "docs/configuration.md's usage block is missing"
    assert block.group(1) == proc.stdout, (
        "docs/configuration.md usage is stale: paste `COLUMNS=100 tvlint --help` between "
        "the help markers"
    )


# What a review of the above found, each kept fixed.


def test_fix_dash_gives_back_what_it_was_given_when_it_does_not_check_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.tvlint]\nexclude = ['archive']\n")
    run = tvlint(
        "--fix",
        "--stdin-filename",
        "archive/training_versions.json",
        "-",
        stdin=DIRTY,
        cwd=tmp_path,
    )
    assert (run.returncode, run.stdout) == (0, DIRTY.encode())
    too_big = tvlint("--fix", "--max-file-size", "10", "-", stdin=DIRTY, cwd=tmp_path)
    assert too_big.returncode == 2
    assert too_big.stdout == b""  # nothing to trust, and the status says so
    assert b"tvlint: error: -: larger than the size limit of 10 bytes" in too_big.stderr


def test_fix_dash_reports_errors_and_writes_its_report_to_output_file(tmp_path: Path) -> None:
    run = tvlint("--fix", "-o", "report.txt", "-", "missing.json", stdin=DIRTY, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stdout == FIXED.encode()
    assert b"tvlint: error: missing.json: No such file or directory" in run.stderr
    assert "removed 1 duplicate (no backup)" in (tmp_path / "report.txt").read_text()


def test_diff_with_output_file_keeps_the_patch_on_stdout_and_the_summary_once(
    tmp_path: Path,
) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    run = tvlint("--diff", "-o", "report.txt", "training_versions.json", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.decode().startswith("--- training_versions.json\n")
    report = (tmp_path / "report.txt").read_text()
    assert report.startswith("training_versions.json: would remove 1 duplicate")
    assert run.stderr.decode().count("1 file checked") == 1


def test_output_file_has_no_colour_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(DIRTY)
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    _run_in_terminal(["-o", str(tmp_path / "plain.txt"), str(path)], env)
    assert "\x1b[" not in (tmp_path / "plain.txt").read_text()
    _run_in_terminal(["--color", "always", "-o", str(tmp_path / "c.txt"), str(path)], env)
    assert "\x1b[" in (tmp_path / "c.txt").read_text()


def test_stdin_filename_is_printed_tidy(tmp_path: Path) -> None:
    run = tvlint("--stdin-filename", "./data//x.json", "-", stdin=DIRTY, cwd=tmp_path)
    assert run.stdout.decode().startswith("data/x.json:7:18: TV004")


def test_a_named_directory_whose_files_are_all_excluded(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "training_versions.json").write_text(CLEAN)
    run = cli("--exclude", "data/*", "data")
    assert run.code == 2
    assert run.err == "tvlint: error: data: no file to check found under it\n"


def test_a_named_file_that_exclude_matches_gets_a_note(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.tvlint]\nexclude = ["archive"]\n')
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "training_versions.json").write_text("{")
    run = tvlint("archive/training_versions.json", cwd=tmp_path)
    assert run.returncode == 0
    assert run.stderr.decode().splitlines() == [
        "tvlint: warning: archive/training_versions.json is not checked: it matches exclude"
    ]


def test_filter_files_keeps_what_a_search_would_pick_without_a_word(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tvlint]\ninclude = ["*.versions.json"]\nexclude = ["archive"]\n'
    )
    duplicated = dumps({"versions": [webhook_entry(), s3_entry()]})
    for name in ("legacy.versions.json", "archive/training_versions.json", "package.json"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(duplicated)
    names = ["legacy.versions.json", "archive/training_versions.json", "package.json"]
    run = tvlint("--filter-files", "--format", "json", "--", *names, cwd=tmp_path)
    assert run.returncode == 1 and run.stderr == b""
    report = json.loads(run.stdout)
    assert {p["path"] for p in report["problems"]} == {"legacy.versions.json"}
    assert report["summary"]["files"] == 1
    # Without the flag, a file a person names is checked whatever its name.
    plain = json.loads(tvlint("--format", "json", "--", "package.json", cwd=tmp_path).stdout)
    assert plain["summary"]["files"] == 1
    # A path that is no file is still an error, never dropped.
    missing = tvlint("--filter-files", "--", "gone/training_versions.json", cwd=tmp_path)
    assert missing.returncode == 2


def test_an_option_after_the_double_dash_is_a_path_that_says_where_options_go(
    tmp_path: Path,
) -> None:
    run = tvlint("--", "--fix", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.decode().startswith(
        "tvlint: error: --fix: no such file; an option after -- is a path"
    )
