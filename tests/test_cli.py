from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tvlint import __version__
from tvlint.option_parser import _HelpFormatter, build_parser
from tvlint.options import Options, UsageError, paths_only, plain_options

from .factories import Run, dumps, run_process, s3_entry, webhook_entry

CLEAN = {"versions": [webhook_entry(), s3_entry("style_1_vV6")]}
DUPLICATE = {"versions": [webhook_entry(), s3_entry()]}

Cli = Callable[..., Run]
Write = Callable[..., Path]


def test_clean_file_exits_0_with_a_summary(cli: Cli, write: Write) -> None:
    run = cli(write(CLEAN))
    assert run.code == 0
    assert run.out == "All checks passed: 1 file checked\n"
    assert run.err == ""


def test_problem_exits_1_with_one_line_per_problem_and_a_summary(cli: Cli, write: Write) -> None:
    path = write(DUPLICATE)
    run = cli(path)
    assert run.code == 1
    lines = run.out.splitlines()
    assert lines[0].startswith(f"{path}:")
    _, line, col, rest = lines[0].split(":", 3)
    assert (int(line), int(col)) > (1, 1)
    assert rest.startswith(' TV004 duplicate-lora-url entry "style_1_vV7" duplicates ')
    assert lines[1:] == [
        "1 file checked, 1 with problems",
        "1 problem (TV004 duplicate-lora-url: 1)",
        "1 fixable with `tvlint --fix`",
    ]


def test_missing_file_exits_2_on_stderr_and_others_are_still_checked(
    cli: Cli, write: Write, tmp_path: Path
) -> None:
    good = write(DUPLICATE)
    run = cli(tmp_path / "missing.json", good)
    assert run.code == 2
    assert run.err == f"tvlint: error: {tmp_path / 'missing.json'}: No such file or directory\n"
    assert f"{good}:" in run.out
    assert "1 file checked, 1 with problems, 1 with errors" in run.out


def test_directory_named_like_the_file_exits_2(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "d" / "training_versions.json").mkdir(parents=True)
    run = cli(tmp_path / "d")
    assert run.code == 2
    assert "training_versions.json: is a directory" in run.err


def test_permission_denied_exits_2(cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(CLEAN)
    real_open = os.open

    # Simulated: CI runs as root, which chmod cannot lock out.
    def fake_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)
    run = cli(path)
    assert run.code == 2
    assert run.err == f"tvlint: error: {path}: Permission denied\n"


def test_usage_errors_exit_2(cli: Cli) -> None:
    run = cli("--format", "xml")
    assert run.code == 2
    assert "invalid choice" in run.err
    assert cli("--no-such-flag").code == 2


@pytest.mark.parametrize("columns", ["50", "120", "", "0", "wide"])
def test_help_is_wrapped_as_argparse_would(columns: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # tvlint sizes its help without shutil; the text must be argparse's own.
    monkeypatch.setenv("COLUMNS", columns)
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", "--help"], capture_output=True, text=True, check=False
    )
    stock = build_parser()

    class Stock(_HelpFormatter):  # tvlint's wording, argparse's own sizing
        def __init__(self, prog: str) -> None:
            argparse.HelpFormatter.__init__(self, prog)

    stock.formatter_class = Stock
    assert (proc.returncode, proc.stdout) == (0, stock.format_help())


# Paths, and what argparse reads as something else: options, their values, "-", "--".
ARGUMENTS = st.sampled_from(
    [
        *("a.json", "-", "--", "-x", "--fix", "--filter-files", "--diff", "--format", "json"),
        *("-j2", "", " ", "@a", "--=", "-1"),
    ]
) | st.text(max_size=4)


@settings(max_examples=1000, deadline=None)
@given(st.lists(ARGUMENTS, max_size=5))
def test_paths_alone_are_read_as_argparse_reads_them(argv: list[str]) -> None:
    plain = plain_options(argv)
    try:
        parsed: Options | None = build_parser().parse_args(argv, namespace=Options())
    except (UsageError, SystemExit):
        parsed = None
    if plain is not None:  # the fast path took it: argparse must read the same
        assert parsed is not None, argv
        assert vars(plain) == vars(parsed), argv


def test_every_option_has_its_documented_default() -> None:
    # The parser sets no default: Options holds each one, for both readings of a
    # command line. A flag added without its default here would be missing from a run
    # that does not give it.
    dests = {a.dest for a in build_parser()._actions if a.dest not in ("help", "version")}
    options = Options()
    assert {dest: getattr(options, dest) for dest in dests} == {
        "paths": [],
        "fix": False,
        "diff": False,
        "explain": None,
        "no_backup": False,
        "unsafe_fixes": None,
        "stdin_filename": None,
        "format": "text",
        "output_file": None,
        "color": "auto",  # --help: "colour on a terminal"
        "quiet": False,
        "statistics": False,
        "schema": None,  # the shipped schema
        "select": None,  # every rule on by default
        "extend_select": None,
        "ignore": None,
        "exclude": None,
        "protect": None,  # [tool.tvlint] protect, or isGood
        "max_file_size": None,  # [tool.tvlint], or 256MiB
        "jobs": 0,  # --help: "default 0: one per CPU"
        "filter_files": False,
        "config": None,  # the nearest configuration to each file
    }


def test_the_hooks_command_lines_are_read_without_the_parser() -> None:
    hooks = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text())
    for hook in hooks:
        *_, flags = hook["entry"].partition(" ")
        plain = plain_options([*flags.split(), "a/training_versions.json", "-b"])
        assert plain is not None, hook["entry"]
        assert plain.paths == ["a/training_versions.json", "-b"]
        assert plain.filter_files
    assert plain_options(["--fix", "--", "a"]) is not None
    for other in (["--fix", "--diff", "--", "a"], ["--filter-files", "--", "a", "--"]):
        assert plain_options(other) is None, other


def test_pre_commit_s_command_line_is_paths_alone() -> None:
    assert paths_only(["--", "a/training_versions.json", "-b", "-"]) == [
        "a/training_versions.json",
        "-b",
        "-",
    ]
    assert paths_only(("--", "a")) == ["a"]  # any sequence, as main() takes
    assert paths_only(["a", "b"]) == ["a", "b"]
    assert paths_only([]) == []
    for other in (["--fix", "a"], ["a", "--", "b"], ["--", "a", "--"], ["-"]):
        assert paths_only(other) is None, other


def test_version(cli: Cli) -> None:
    run = cli("--version")
    assert (run.code, run.out) == (0, f"tvlint {__version__}\n")


def test_no_path_means_the_current_directory(
    cli: Cli, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(DUPLICATE, "resources/style_images/1_a/training_versions.json")
    write(CLEAN, "data/actors/2_b/training_versions.json")
    monkeypatch.chdir(tmp_path)
    run = cli("--format", "json")
    assert run.code == 1
    result = run.json()
    assert result["summary"]["files"] == 2
    # Printed relative and tidy, as a path is given: no "./".
    assert [p["path"] for p in result["problems"]] == [
        "resources/style_images/1_a/training_versions.json"
    ]


def test_json_output_shape(cli: Cli, write: Write, tmp_path: Path) -> None:
    write(DUPLICATE, "styles/1/training_versions.json")
    write({"versions": [webhook_entry(imageCount="43")]}, "styles/2/training_versions.json")
    write(CLEAN, "styles/3/training_versions.json")
    run = cli("--format", "json", tmp_path / "styles")
    assert run.code == 1
    result = run.json()
    assert result["summary"] == {
        "files": 3,
        "files_with_problems": 2,
        "problems": 2,
        "duplicates": 1,
        "fixable": 1,
        "unsafe_fixable": 0,
        "errors": 0,
        "skipped": 0,
        "by_rule": {"TV003": 1, "TV004": 1},
    }
    assert result["errors"] == []
    first, second = result["problems"]
    assert list(first) == [
        "path", "line", "column", "code", "rule", "message", "pointer", "fixable", "fix"
    ]  # fmt: skip
    assert first["path"] == str(tmp_path / "styles/1/training_versions.json")
    assert (first["code"], first["rule"], first["pointer"]) == (
        "TV004",
        "duplicate-lora-url",
        "/versions/1/loraUrl",
    )
    assert (second["code"], second["pointer"]) == ("TV003", "/versions/0/imageCount")
    text = (tmp_path / "styles/2/training_versions.json").read_text()
    offset = text.index('"43"')
    assert second["line"] == text.count("\n", 0, offset) + 1
    assert second["column"] == offset - text.rfind("\n", 0, offset)


def test_json_output_lists_unreadable_files_too(cli: Cli, tmp_path: Path) -> None:
    run = cli("--format", "json", tmp_path / "nope.json")
    assert run.code == 2
    assert run.json()["errors"] == [
        {"path": str(tmp_path / "nope.json"), "message": "No such file or directory"}
    ]


def test_custom_schema(cli: Cli, write: Write, tmp_path: Path) -> None:
    schema = tmp_path / "strict.json"
    schema.write_text(json.dumps({"type": "object", "required": ["owner"]}))
    path = write(CLEAN)
    run = cli("--schema", schema, "--format", "json", path)
    assert run.code == 1
    assert [p["message"] for p in run.json()["problems"]] == [
        '/: the required key "owner" is missing'
    ]


def test_a_custom_schema_s_nested_id_is_honoured(cli: Cli, write: Write, tmp_path: Path) -> None:
    # "#/$defs/count" inside a subschema with an $id of its own is that subschema's.
    schema = tmp_path / "nested.json"
    schema.write_text(
        json.dumps(
            {
                "$defs": {"count": {"type": "string"}},
                "properties": {
                    "versions": {
                        "$id": "https://example.com/versions",
                        "$defs": {"count": {"type": "integer"}},
                        "$ref": "#/$defs/count",
                    }
                },
            }
        )
    )
    run = cli("--schema", schema, "--format", "json", write({"versions": "many"}))
    assert run.code == 1
    assert [p["message"] for p in run.json()["problems"]] == ['/versions: "many" is not an integer']


def test_unreadable_schema_is_a_usage_error(cli: Cli, write: Write, tmp_path: Path) -> None:
    run = cli("--schema", tmp_path / "none.json", write(CLEAN))
    assert run.code == 2
    assert run.out == ""
    assert run.err.startswith("tvlint: error: cannot read schema")


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty", b"", "TV001 invalid-json Expecting value"),
    ("null", b"null", "TV003 schema /: null is not an object"),
    ("array", b"[]", "TV003 schema /: [] is not an object"),
    ("versions-null", b'{"versions": null}', "TV003 schema /versions: null is not an array"),
    ("entry-number", b'{"versions": [5]}', "TV003 schema /versions/0: 5 is not an object"),
    (
        "lora-url-5",
        dumps({"versions": [s3_entry(loraUrl=5)]}).encode(),
        "TV003 schema /versions/0/loraUrl: 5 is not a string",
    ),
    ("trailing-comma", b'{"versions": [],}', "TV001 invalid-json Illegal trailing comma"),
    ("bom-bad", b"\xef\xbb\xbf{}", 'TV003 schema /: the required key "versions" is missing'),
    ("invalid-utf8", b'{"versions": ["\xc0\xaf"]}', "TV001 invalid-json invalid UTF-8: byte 0xc0"),
    ("nan", b'{"versions": [], "x": NaN}', "TV001 invalid-json NaN is not a JSON number"),
    ("nested", b"[" * 100_000 + b"]" * 100_000, "TV001 invalid-json nesting too deep to parse"),
    (
        "date-time",
        b'{"versions": [{"id": "a", "name": "V1", "status": "completed", "parameters": {}, '
        b'"timestamp": "2025-10-11 14:03:22"}]}',
        'TV003 schema /versions/0/timestamp: "2025-10-11 14:03:22" is not an RFC 3339 '
        "date-time such as 2025-10-12T08:41:02Z",
    ),
    (
        "lone-surrogate",
        b'{"versions": [{"id": "\\ud800"}]}',
        'TV003 schema /versions/0: the required key "name" is missing',
    ),
    ("huge-int", b'{"versions": ' + b"9" * 10_000 + b"}", "TV001 invalid-json Exceeds the limit"),
]


@pytest.mark.parametrize(("name", "raw", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_inputs_end_in_a_clear_message(
    cli: Cli, write: Write, name: str, raw: bytes, expected: str
) -> None:
    path = write(raw)
    run = cli(path)
    assert run.code == 1
    assert expected in run.out
    assert "Traceback" not in run.out + run.err


def test_bom_in_a_valid_file_is_accepted(cli: Cli, write: Write) -> None:
    assert cli(write(b"\xef\xbb\xbf" + dumps(CLEAN).encode())).code == 0


def test_bad_inputs_through_a_real_process(tmp_path: Path) -> None:
    for name, raw, _ in BAD_INPUTS:
        (tmp_path / name).mkdir()
        (tmp_path / name / "training_versions.json").write_bytes(raw)
    run = run_process("--format", "json", tmp_path)
    assert run.code == 1
    assert "Traceback" not in run.err
    result = run.json()
    assert result["summary"]["files"] == result["summary"]["files_with_problems"] == len(BAD_INPUTS)


def test_unprintable_text_in_messages_does_not_crash_a_real_process(tmp_path: Path) -> None:
    entry = '{"id": "\\ud800", "name": 5}'
    (tmp_path / "training_versions.json").write_text(f'{{"versions": [{entry}, {entry}]}}')
    run = run_process(tmp_path)
    assert run.code == 1
    assert "TV003 schema /versions/0/name: 5 is not a string" in run.out
    assert 'TV005 duplicate-id id "\\ud800" is already used' in run.out
    assert run.err == ""


def test_the_console_script_runs(tmp_path: Path) -> None:
    (tmp_path / "training_versions.json").write_text(dumps(DUPLICATE))
    script = Path(sys.executable).with_name("tvlint")
    proc = subprocess.run([str(script), str(tmp_path)], capture_output=True, text=True, check=False)
    assert proc.returncode == 1
    assert "TV004 duplicate-lora-url" in proc.stdout


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    for i in range(200):
        (tmp_path / f"{i}").mkdir()
        (tmp_path / f"{i}" / "training_versions.json").write_text(dumps(DUPLICATE))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvlint", "--format", "sarif", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()  # as `| head -c 10` does
    err = proc.stderr.read()
    assert proc.wait() == 141
    assert err == b""


@pytest.mark.parametrize("enabled", [True, False])
def test_main_leaves_the_garbage_collector_as_it_found_it(
    cli: Cli, write: Write, enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    import tvlint.lint

    path = write(DUPLICATE)
    seen: list[bool] = []
    original = tvlint.lint.Linter.lint_document

    def spy(self: Any, *args: Any) -> Any:
        seen.append(gc.isenabled())
        return original(self, *args)

    monkeypatch.setattr(tvlint.lint.Linter, "lint_document", spy)
    (gc.enable if enabled else gc.disable)()
    try:
        assert cli(path).code == 1
        assert seen == [False]  # off while a file is checked
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


# Loads the command named in pyproject.toml with a Ctrl-C landing while tvlint.cli is
# being imported (the import machinery runs Python code: the handler runs in there).
_INTERRUPTED_IMPORT = """
import importlib, os, signal, sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "tvlint.cli":
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(10_000):
                pass
        return None
sys.meta_path.insert(0, Interrupt())
module, _, attr = sys.argv[1].partition(":")
entry = getattr(importlib.import_module(module), attr)
sys.argv = ["tvlint", "."]
sys.exit(entry())
"""


def test_ctrl_c_while_loading_ends_the_run_quietly(tmp_path: Path) -> None:
    # tomllib only from Python 3.11; the line is simple enough to find.
    pyproject = (Path(__file__).parent.parent / "pyproject.toml").read_text()
    found = re.search(r'^\[project\.scripts\]\ntvlint = "([^"]+)"$', pyproject, re.MULTILINE)
    assert found is not None
    entry = found.group(1)
    proc = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_IMPORT, entry],
        capture_output=True,
        cwd=tmp_path,
        check=False,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, b"", b"tvlint: interrupted\n")


def test_ctrl_c_caught_by_a_callback_ends_the_run_as_interrupted(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A Ctrl-C that lands in a weakref callback (the import machinery's, while a module
    # loads on first use) never reaches the run: Python prints it as "Exception
    # ignored" and goes on. The run notes it and ends as an interrupted run, its report
    # (of what it did meanwhile) given.
    import weakref

    from tvlint.runner import run as real_run

    def run_then_ctrl_c(*args: Any, **kwargs: Any) -> Any:
        result = real_run(*args, **kwargs)

        class Module:
            pass

        def callback(_: object) -> None:
            raise KeyboardInterrupt

        loaded = Module()
        ref = weakref.ref(loaded, callback)
        del loaded  # the callback runs here, and its exception is unraisable
        assert ref() is None
        return result

    monkeypatch.setattr("tvlint.cli.run", run_then_ctrl_c)
    before = sys.unraisablehook
    run = cli(write(CLEAN))
    assert (run.code, run.err) == (130, "tvlint: interrupted\n")
    assert run.out == "All checks passed: 1 file checked\n"
    assert sys.unraisablehook is before  # given back


def test_a_ctrl_c_noted_does_not_outlive_main(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever main() returns (here a warning made an error): a library call after it
    # would otherwise stop at its first file.
    from tvlint import interrupts

    def noted_then_a_warning(argv: Any) -> int:
        interrupts.note(KeyboardInterrupt())
        raise UserWarning("made an error")

    monkeypatch.setattr("tvlint.cli._main", noted_then_a_warning)
    assert cli().code == 2
    assert not interrupts.take()


def test_a_ctrl_c_raised_once_the_run_is_over_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Python raises a Ctrl-C at its next check: one that came in the run's last
    # instant, after its report, surfaced in the command's entry point, as a traceback.
    from tvlint.start import main as start

    def report_then_ctrl_c(argv: Any) -> int:
        print("All checks passed: 1 file checked")
        raise KeyboardInterrupt

    monkeypatch.setattr("tvlint.cli.main", report_then_ctrl_c)
    assert start([]) == 130
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "All checks passed: 1 file checked\n",
        "tvlint: interrupted\n",
    )


class _CtrlCWhenDropped:
    """What a Ctrl-C landing in a finalizer looks like: its KeyboardInterrupt cannot
    leave ``__del__``, and Python hands it to ``sys.unraisablehook``."""

    def __del__(self) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize("fix", [False, True], ids=["check", "fix"])
def test_ctrl_c_caught_by_a_finalizer_stops_the_run_before_the_next_file(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch, fix: bool
) -> None:
    # Noted, and the run went on to the end: after the Ctrl-C, every other file was
    # checked (or fixed), and a worker's share done again, the commands it had started
    # and the Ctrl-C had ended started anew.
    from tvlint.lint import Linter

    real_load = Linter.load
    checked: list[str] = []

    def load(self: Linter, path: str, tree: Any = None) -> Any:
        checked.append(path)
        _CtrlCWhenDropped()  # made and dropped: the Ctrl-C lands in its finalizer
        return real_load(self, path, tree)

    monkeypatch.setattr(Linter, "load", load)
    paths = [write(CLEAN, f"{name}/training_versions.json") for name in "abc"]
    run = cli(*(["--fix"] if fix else []), *paths)
    assert (run.code, run.out, run.err) == (130, "", "tvlint: interrupted\n")
    assert checked == [str(paths[0])]
