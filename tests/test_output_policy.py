"""One output policy for every format and stream, and one line for every bad input.

JSON and SARIF keep every value exactly but never hold a GitHub workflow command; a
library's warning is a diagnostic line, not raw text on stderr; stdout that an earlier
program left non-blocking gets the whole report; a malformed ``pyproject.toml``, a
closed stdin or a deleted working directory is one line and exit 2; a size setting is
read without backtracking.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tvlint.cli
from tvlint.reading import parse_size
from tvlint.rules import BY_NAME
from tvlint.untrusted import _strict, write_json

from .factories import Run, dumps, s3_entry, webhook_entry

# What GitHub's runner takes for a command: "##[" anywhere in a line (the old syntax),
# "::" at the start of one after the white space it trims.
_OLD_COMMAND = "##["
_RUNNER_TRIMS = " \t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"


def _commands(text: str) -> list[str]:
    """The lines of ``text`` that the runner would take for a workflow command."""
    return [
        line
        for line in text.split("\n")
        if _OLD_COMMAND in line or line.lstrip(_RUNNER_TRIMS).startswith("::")
    ]


def _process(*args: str, cwd: Path, **kwargs: Any) -> Run:
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        **kwargs,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def _one_error_line(err: str) -> str:
    """The one line a failed run writes on stderr, past the summary on stdout."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tvlint: error: "), err
    return lines[0]


# 1. JSON and SARIF: the values exact, no command on any line.

FORGED = "##[error]forged annotation"


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (k, *_strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings_in(v)]
    return [value] if isinstance(value, str) else []


@pytest.mark.parametrize("fmt", ["json", "sarif"])
@pytest.mark.parametrize("mode", [(), ("--diff",), ("--fix",)])
def test_json_and_sarif_keep_every_value_and_carry_no_workflow_command(
    tmp_path: Path, fmt: str, mode: tuple[str, ...]
) -> None:
    folder = tmp_path / "##[warning]dir"
    folder.mkdir()
    # A forged command as an id (twice: a duplicate, whose message quotes it), a name,
    # an object key and the model file; and one after "::" at a line's start.
    entries = [
        webhook_entry(id=FORGED, name=FORGED),
        {**s3_entry(id=FORGED), FORGED: 1},
        s3_entry(id="::error::x ##[group]g", model="##[endgroup]m"),
    ]
    (folder / "training_versions.json").write_text(dumps({"versions": entries}))
    run = _process("--format", fmt, *mode, cwd=tmp_path)
    assert run.code == 1, run.err
    assert _commands(run.out) == []
    decoded = json.loads(run.out)
    # (SARIF percent-encodes a file's name in its URI.)
    strings = [unquote(s) for s in _strings_in(decoded)]
    # A reader of the JSON gets each value as it was: the directory in the path, the
    # model file in the schema's message, the id in the duplicate's (which SARIF
    # leaves out once --fix or --diff has dealt with it).
    assert any("##[warning]dir" in s for s in strings), run.out
    assert any("##[endgroup]m" in s for s in strings), run.out
    if fmt == "json" or not mode:
        assert any(FORGED in s for s in strings), run.out


_REPORT_TEXT = st.text(
    st.sampled_from(["#", "[", ":", " ", "\t", "\n", "\\", '"', "u", "5", "b", "\x1b", "\u2028"])
    | st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)
    | st.characters(max_codepoint=0x10FFFF, exclude_categories=["Cs"]),
    max_size=8,
)
_REPORTS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _REPORT_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_REPORT_TEXT, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(_REPORTS)
@example({FORGED: [FORGED, "###[", "##[##["]})
@example("\\##[")
@example({"::a": "\n::error::x", "##": "[", "#": "#["})
@example(["\udcff##[", float("inf")])
def test_written_json_decodes_to_the_value_and_no_line_is_a_command(document: Any) -> None:
    out = StringIO()
    write_json(out, document)
    text = out.getvalue()
    assert _commands(text) == []
    # Every value back, as the strict walk keeps it (lone surrogates made visible,
    # numbers too large for a float as strings): nothing else changed.
    assert json.loads(text) == _strict(document)
    # The fast path and the strict walk write the same text, the "##[" included.
    plain = json.dumps(_strict(document), indent=2, ensure_ascii=True)
    assert text == plain.replace("##[", "##\\u005b") + "\n"


# 2. Warnings from libraries.


def test_a_library_warning_is_one_diagnostic_line_through_the_policy(
    write: Callable[..., Path],
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write({"versions": [s3_entry()]})
    configured_for = tvlint.cli.configured_for
    hostile = "pattern \x1b]52;c;SGVsbG8=\x07 at\n::error::x ##[group]g"

    def warning_settings(args: Any) -> Any:
        warnings.warn(hostile, FutureWarning, stacklevel=1)
        return configured_for(args)

    monkeypatch.setattr(tvlint.cli, "configured_for", warning_settings)
    shown = warnings.showwarning
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        run = cli()
        # A process that calls main() gets its own way of showing warnings back.
        assert warnings.showwarning is shown
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert len(lines) == 1, run.err
    assert lines[0].startswith("tvlint: warning: "), run.err
    assert "FutureWarning" in lines[0]
    # The message, made visible: no escape, no second line, no command; and nothing
    # of the library's own source (the file that warned, the line that did it).
    assert "\x1b" not in run.err and "\\x1b" in lines[0]
    assert _commands(run.err) == []
    assert __file__ not in run.err and "warnings.warn" not in run.err


def test_a_warning_made_an_error_is_one_error_line(
    write: Callable[..., Path],
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write({"versions": [s3_entry()]})
    configured_for = tvlint.cli.configured_for

    def warning_settings(args: Any) -> Any:
        warnings.warn("odd\n::error::x", FutureWarning, stacklevel=1)
        return configured_for(args)

    monkeypatch.setattr(tvlint.cli, "configured_for", warning_settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as -W error or PYTHONWARNINGS=error set it
        run = cli()
    assert run.code == 2
    line = _one_error_line(run.err)
    assert "FutureWarning" in line and "odd\\n::error::x" in line


def test_a_schema_regex_python_warns_about_is_not_raw_on_stderr(tmp_path: Path) -> None:
    # re warns (FutureWarning, with its file and line) about a POSIX class in a set.
    schema = {
        "type": "object",
        "properties": {"versions": {"items": {"properties": {"id": {"pattern": "[[:alpha:]]"}}}}},
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [s3_entry()]}))
    run = _process("--schema", "schema.json", cwd=tmp_path)
    # Whether the pattern is taken (as Python's re takes it) or refused (as ECMA-262
    # would): what stderr says, it says in tvlint's lines.
    assert run.code in (0, 1, 2), run.err
    for line in run.err.splitlines():
        assert line.startswith("tvlint: "), run.err
    assert ".py:" not in run.err


# 3. A non-blocking stdout and a slow reader.


def _pending(fd: int) -> int:
    import fcntl
    import termios

    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="F_GETPIPE_SZ is Linux's")
def test_a_non_blocking_stdout_and_a_slow_reader_get_the_whole_report(tmp_path: Path) -> None:
    import fcntl

    # Every entry is missing what the schema requires: a report of some hundred KB.
    entries = [{"id": f"entry-{i}"} for i in range(200)]
    (tmp_path / "training_versions.json").write_text(dumps({"versions": entries}))
    read_end, write_end = os.pipe()
    capacity = fcntl.fcntl(read_end, fcntl.F_GETPIPE_SZ)
    # O_NONBLOCK belongs to the open pipe, which tvlint's stdout then shares.
    os.set_blocking(write_end, False)
    with subprocess.Popen(
        [sys.executable, "-m", "tvlint", "--format", "sarif"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    ) as proc:
        os.close(write_end)
        # Read nothing until the pipe is full (tvlint's next write finds no room) or
        # tvlint has ended.
        while proc.poll() is None and _pending(read_end) < capacity:
            select.select([], [], [], 0.01)
        chunks = []
        while chunk := os.read(read_end, 1024):
            chunks.append(chunk)
            time.sleep(0.0005)  # a slow reader: tvlint fills the pipe again and again
        os.close(read_end)
        err = proc.stderr.read() if proc.stderr else b""
        code = proc.wait()
    report = b"".join(chunks)
    assert code == 1, err
    sarif = json.loads(report)
    assert len(report) > 2 * capacity  # else the test proves nothing
    results = sarif["runs"][0]["results"]
    assert len(results) >= len(entries)


def test_a_non_blocking_stdin_and_a_slow_writer_give_the_whole_document(tmp_path: Path) -> None:
    # The duplicate is in the second half: read only up to the first pause, the
    # document would be cut short (invalid JSON), or taken for clean if cut elsewhere.
    text = dumps({"versions": [webhook_entry(), s3_entry()]}).encode()
    read_end, write_end = os.pipe()
    # O_NONBLOCK belongs to the open pipe, which tvlint's stdin then shares.
    os.set_blocking(read_end, False)
    with subprocess.Popen(
        [sys.executable, "-m", "tvlint", "--format", "json", "-"],
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    ) as proc:
        os.close(read_end)
        half = len(text) // 2
        os.write(write_end, text[:half])
        time.sleep(0.3)  # tvlint finds the pipe empty, not closed
        os.write(write_end, text[half:])
        os.close(write_end)
        out, err = proc.communicate()
    assert proc.returncode == 1, err
    assert [p["code"] for p in json.loads(out)["problems"]] == ["TV004"]


# 4. Malformed input: one line, exit 2.


@pytest.mark.parametrize(
    "pyproject",
    [
        'tool = "tvlint"\n',
        "tool = [1, 2]  # tvlint\n",
        "[tool.tvlint]\nschema = " + "[" * 3_000 + "]" * 3_000 + "\n",
        "[tool.tvlint]\nrules = " + "{a = " * 3_000 + "1" + "}" * 3_000 + "\n",
        "[tool.tvlint]\nschema = " + "1" * 5_000 + "\n",
        "[tool.tvlint]\nmax-file-size = " + "1" * 5_000 + "\n",
        '[tool.tvlint]\nmax-file-size = "' + "1" * 5_000 + '"\n',
    ],
    ids=[
        "tool-a-string",
        "tool-an-array",
        "nested-3000-arrays",
        "nested-3000-tables",
        "5000-digit-integer",
        "5000-digit-size",
        "5000-digit-size-string",
    ],
)
def test_a_malformed_pyproject_is_one_line_and_exit_2(tmp_path: Path, pyproject: str) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [s3_entry()]}))
    run = _process(cwd=tmp_path)
    assert run.code == 2, run.err
    line = _one_error_line(run.err)
    assert "pyproject.toml" in line
    # Python's own advice on its limits is nothing a user of tvlint can act on.
    assert "sys.set_int_max_str_digits" not in line


def _toml_string(text: str) -> str:
    escaped = "".join(
        f"\\u{ord(c):04x}" if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7F else c for c in text
    )
    return f'"{escaped}"'


def _toml(value: Any) -> str:
    """``value`` as a TOML value (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    assert isinstance(value, dict)
    return "{" + ", ".join(f"{_toml_string(k)} = {_toml(v)}" for k, v in value.items()) + "}"


_WORDS = st.sampled_from(
    [
        "TV001", "tv003", "schema", "duplicate-lora-url", "lora-host", "allowed-hosts",
        "protect", "id", "*", "**", "[", "[!", "]", "**/x.json", "*.*.com", "1KiB", "0",
        "512 mib", "", " ", "\x00", "..", "../x", "/", "/etc/passwd", "/dev/zero",
        "schema.json", "training_versions.json", "\u202e", "\x1b[2J", "::error::x", "##[error]x", "1" * 5_000,
    ]
)  # fmt: skip
_SCALARS = (
    _WORDS
    | st.text(max_size=6, alphabet=st.characters(exclude_categories=["Cs"]))
    | st.integers()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.booleans()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(_WORDS | st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=10,
)
_RULE_TABLES = st.dictionaries(
    st.sampled_from([*BY_NAME, "TV006", "nope"]),
    st.dictionaries(
        st.sampled_from(sorted({o.name for r in BY_NAME.values() for o in r.options} | {"x"})),
        _VALUES,
        max_size=2,
    )
    | _VALUES,
    max_size=2,
)
_TABLES = st.dictionaries(
    st.sampled_from(
        [
            "schema",
            "select",
            "ignore",
            "include",
            "exclude",
            "max-file-size",
            "protect",
            "rules",
            "other",
        ]
    ),
    _VALUES,
    max_size=4,
).flatmap(lambda table: st.just(table) | _RULE_TABLES.map(lambda rules: {**table, "rules": rules}))


@st.composite
def _pyprojects(draw: st.DrawFn) -> str:
    """A pyproject.toml whose ``[tool.tvlint]`` (or ``tool``) is anything at all."""
    shape = draw(st.sampled_from(["table", "tool", "tvlint"]))
    if shape == "tool":
        return f"tool = {_toml(draw(_VALUES))}\n"
    if shape == "tvlint":
        return f"[tool]\ntvlint = {_toml(draw(_VALUES))}\n"
    table = draw(_TABLES)
    return "[tool.tvlint]\n" + "".join(
        f"{_toml_string(k)} = {_toml(v)}\n" for k, v in table.items()
    )


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(_pyprojects())
@example('tool = "tvlint"\n')
@example("[tool.tvlint]\nmax-file-size = " + "1" * 5_000 + "\n")
def test_any_tool_tvlint_is_a_run_or_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pyproject: str
) -> None:
    (tmp_path / "schema.json").write_text("{}")
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [s3_entry()]}))
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    code = tvlint.cli.main(["--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1, 2), err
    if code == 2 and not out:  # before any file was checked: the configuration
        _one_error_line(err)
    else:  # a run, whatever it found (include may pick schema.json as well)
        assert json.loads(out)["summary"]["files"] in (0, 1, 2)
        assert all(line.startswith("tvlint: ") for line in err.splitlines()), err


@pytest.mark.parametrize("mode", [(), ("--fix",)])
def test_a_closed_stdin_is_said_and_exit_2(tmp_path: Path, mode: tuple[str, ...]) -> None:
    proc = subprocess.run(
        ["sh", "-c", 'exec "$0" -m tvlint "$@" - <&-', sys.executable, *mode],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    # The error, then the summary (on stderr when stdout carries the fixed text).
    lines = proc.stderr.splitlines()
    assert lines[0] == "tvlint: error: -: standard input is closed", proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == "" if mode else "0 files checked" in proc.stdout


def test_a_deleted_working_directory_is_said_and_exit_2(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    proc = subprocess.run(
        ["sh", "-c", 'cd "$1" && rmdir "$1" && exec "$0" -m tvlint', sys.executable, str(gone)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 2, proc.stderr
    assert "current directory no longer exists" in _one_error_line(proc.stderr)


def test_a_deleted_working_directory_in_process(
    tmp_path: Path, cli: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    run = cli("--format", "json")
    assert run.code == 2
    assert "current directory no longer exists" in _one_error_line(run.err)
    assert "cannot write the output" not in run.err


# 5. Sizes read in one pass.


def _old_parse_size(text: str) -> int:
    """The definition sizes have always had (a backtracking regex: small inputs only)."""
    units = {"": 1, "b": 1, "kb": 1000, "mb": 1000**2, "gb": 1000**3}
    units |= {"kib": 1024, "mib": 1024**2, "gib": 1024**3}
    match = re.fullmatch(r"\s*(\d+)\s*([a-z]*)\s*", text, re.IGNORECASE)
    unit = units.get(match.group(2).lower()) if match else None
    if match is None or unit is None or int(match.group(1)) == 0:
        raise ValueError(text)
    return int(match.group(1)) * unit


_SIZE_TEXT = st.text(
    st.sampled_from(
        [" ", "\t", "\n", "\u3000", "\x1c", "\x85", "0", "1", "9", "\u0663", "k", "K", "i", "I",
         "b", "B", "m", "g", "\u212a", "\u0130", "\u0131", "\u017f", "!", "x", "_", "+", "-", "."]
    ),
    max_size=10,
)  # fmt: skip


@settings(max_examples=2_000, deadline=None)
@given(_SIZE_TEXT)
@example("1" * 5_000)
@example(" 0" + "1" * 4_400 + "KiB ")
@example("1\u212ab")
def test_a_size_means_what_it_always_meant_and_a_bad_one_says_so(text: str) -> None:
    try:
        expected: int | None = _old_parse_size(text)
    except ValueError:
        expected = None
    if expected is None:
        # Too many digits for int() too: "not a size", not Python's advice on its limit.
        with pytest.raises(ValueError, match=r"^not a size"):
            parse_size(text)
    else:
        assert parse_size(text) == expected


@pytest.mark.parametrize("spaces", [1_000_000])
def test_a_size_of_a_million_spaces_is_an_error_at_once(tmp_path: Path, spaces: int) -> None:
    value = "1" + " " * spaces + "!"
    (tmp_path / "pyproject.toml").write_text(f'[tool.tvlint]\nmax-file-size = "{value}"\n')
    (tmp_path / "training_versions.json").write_text(dumps({"versions": [s3_entry()]}))
    # The bound only turns a hang (the backtracking regex is quadratic: hours for this
    # input) into a failure; reading it once takes a fraction of it.
    run = _process(cwd=tmp_path, timeout=120)
    assert run.code == 2
    line = _one_error_line(run.err)
    assert "max-file-size: not a size" in line
    assert len(line) <= 1_100  # the value is cut, not printed a million spaces long
