"""Text from files, paths and schemas cannot take over tvlint's output.

A corpus of hostile strings is put in every place that reaches output (an id, a name,
an object key, a status, a description, the model file at the end of ``loraUrl``, a
directory name, a file name, a path that does not exist) and run through the real
command in every format and in check, ``--fix`` and ``--diff``. For each run: no raw
control or bidi character anywhere in stdout or stderr (but tvlint's own colour codes,
and the patch ``--diff`` writes for ``patch``, which must hold the file's own lines),
no line starting with ``::`` unless it is tvlint's own annotation, JSON and SARIF
strict UTF-8 and valid, and output bounded by the number of problems.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tvlint.untrusted import clipped, quoted, render_line, visible

from .factories import ACCEL, REGIONAL, s3_entry, webhook_entry

DATA = Path(__file__).parent / "data"

HOSTILE = [
    # GitHub workflow commands, raw and percent-encoded, in every spelling.
    "::error file=README.md,line=1::PWNED",
    "\n::error file=README.md,line=1::PWNED",
    "x%0A::error%20file=README.md,line=1::PWNED%0A::add-mask::x",
    "%0D%0A::warning::encoded CRLF",
    "\r::warning::after a CR",
    "\r\n::notice::after CRLF",
    "::add-mask::secret",
    "::set-output name=x::y",
    "::stop-commands::token",
    "::ERROR::upper case",
    " ::error::after a space",
    "\t::error::after a tab",
    "::group::g",
    "::save-state name=a::b",
    "::error file=a%2Cb,line=1::property escapes",
    "%25%30%41 double encoded",
    # Terminal escapes: CSI, OSC (clipboard, title), DCS, reset, a query that answers.
    "\x1b[2J",
    "\x1b]52;c;SGVsbG8=\x07",
    "\x1b]0;title\x07",
    "\x1b[31mred\x1b[0m",
    "\x1b[?1049h",
    "\x1bc",
    "\x1bP+q\x1b\\",
    "\x1b[6n",
    "%1B%5B2J percent-encoded ESC",
    # Single controls: BEL, NUL, DEL, VT/FF, C1 (CSI, OSC, NEL), percent-encoded ones.
    "\x07bell",
    "nul\x00byte",
    "del\x7f",
    "\x0b\x0c",
    "\x9b2J",
    "\x9d52;c;eA==\x9c",
    "\x85next line",
    "%07%00 encoded BEL and NUL",
    "a\rb",
    # Bidirectional controls and separators.
    "\u202egnp.exe",
    "\u202aembedded\u202c",
    "\u2066isolate\u2069",
    "\u200e\u200f",
    "\u061c",
    "line\u2028separator",
    "%E2%80%AE encoded RLO",
    # What GitHub's runner also takes for a command: after Unicode white space, and the
    # old "##[" syntax anywhere in a line.
    "\xa0::error file=x::after a no-break space",
    "\u3000::error::after an ideographic space",
    "\ufeff::error::after a BOM",
    "x ##[error]old syntax",
    "##[add-mask]secret",
    # Very long values.
    "x" * 2000,
    "\x1b" * 500,
    "\u202e" + "A" * 1000,
]

# What counts as a raw control or bidi character in output.
UNSAFE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
OWN_COLOUR = re.compile("\x1b\\[[0-9;]*m")
# What the runner strips before "::" (.NET's Unicode white space), and invisible marks.
LEADING = " \t\xa0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u202f\u205f\u2060\u3000\ufeff"
OWN_ANNOTATION = re.compile(
    r"^::(error|notice) file=(?P<file>[^,:]*)(,line=\d+,col=\d+)?,"
    r"title=(TV\d{3} [a-z-]+|tvlint|tvlint --fix)::"
)
PATCH_LINE = re.compile(r"^(--- |\+\+\+ |@@ -\d|[ +\-\\]|$)")


def test_the_corpus_is_big_enough() -> None:
    assert len(HOSTILE) >= 40
    assert len(set(HOSTILE)) == len(HOSTILE)


def _name(value: str, index: int) -> str:
    """The string as a file or directory name: no "/" or NUL, under the length limit;
    unique, the index at its end."""
    name = value.replace("/", "_").replace("\x00", "_")
    while len(os.fsencode(name)) > 200:
        name = name[:-1]
    return f"{name}.{index:02d}"


def _entries_text(value: str) -> str:
    """A training_versions.json holding ``value`` in every place a rule quotes."""
    kept = webhook_entry(id=value, loraUrl=ACCEL + value + ".safetensors")
    removed = s3_entry(id=value, name=value, loraUrl=REGIONAL + value + ".safetensors")
    removed["description"] = value
    removed["isGood"] = True
    odd = s3_entry(id="odd", status=value)
    del odd["loraUrl"]
    text = json.dumps({"versions": [kept, removed, odd]}, indent=2, ensure_ascii=False)
    # The value as a key that appears twice (TV002), in the entry without loraUrl.
    key = json.dumps(value, ensure_ascii=False)
    return text.replace('"id": "odd",', f'"id": "odd", {key}: 1, {key}: 2,', 1)


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A tree with one directory per hostile string, and the paths to pass, relative
    to it: each path starts with a hostile string, as each line that names it does."""
    base = tmp_path_factory.mktemp("hostile")
    args = []
    for index, value in enumerate(HOSTILE):
        name = _name(value, index)
        (base / name).mkdir()
        (base / name / "training_versions.json").write_text(_entries_text(value), "utf-8")
        (base / (name + ".json")).write_text(_entries_text(value), encoding="utf-8")
        args += [name, name + ".json", name + ".missing.json"]
    return base, args


def _run(cwd: Path, *args: str) -> tuple[int, bytes, bytes]:
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", *args], cwd=cwd, capture_output=True, check=False
    )
    return proc.returncode, proc.stdout, proc.stderr


def _assert_safe_lines(text: str, github: bool = False) -> None:
    for line in text.split("\n"):
        assert len(line) <= 2_000, line[:200]
        assert "##[" not in line, line[:200]
        if line.lstrip(LEADING).startswith("::"):
            match = OWN_ANNOTATION.match(line) if github else None
            assert match is not None, f"a line reads as a workflow command: {line[:200]!r}"


def _assert_no_raw_controls(text: str, colour: bool = False) -> None:
    if colour:
        text = OWN_COLOUR.sub("", text)
    found = UNSAFE.search(text)
    assert found is None, (
        f"raw {found.group()!r} in {text[max(0, found.start() - 80) : found.end() + 80]!r}"
    )


def _strict_json(raw: bytes) -> Any:
    text = raw.decode("utf-8")  # strict: a lone surrogate would not encode to UTF-8
    document = json.loads(text)

    def strings(value: Any) -> None:
        if isinstance(value, str):
            value.encode("utf-8")  # raises on a lone surrogate decoded from "\udcff"
        elif isinstance(value, dict):
            for k, v in value.items():
                strings(k)
                strings(v)
        elif isinstance(value, list):
            for v in value:
                strings(v)

    strings(document)
    return document


@pytest.fixture(scope="module")
def sarif_validator() -> Draft7Validator:
    return Draft7Validator(json.loads((DATA / "sarif-2.1.0.schema.json").read_text()))


FORMATS = [("text",), ("text", "--color", "always"), ("github",), ("json",), ("sarif",)]


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["check", "--fix", "--diff"])
@pytest.mark.parametrize("fmt", FORMATS, ids=lambda f: "-".join(f))
def test_hostile_strings_in_every_place_every_format_every_mode(
    hostile_tree: tuple[Path, list[str]],
    tmp_path: Path,
    mode: str,
    fmt: tuple[str, ...],
    sarif_validator: Draft7Validator,
) -> None:
    base, paths = hostile_tree
    work = tmp_path / "work"
    shutil.copytree(base, work, symlinks=True)
    flags = [] if mode == "check" else [mode]
    code, out, err = _run(work, *flags, "--format", *fmt, *paths)
    assert code == 2, err.decode("utf-8", "replace")[-2000:]  # the missing paths are errors
    stdout, stderr = out.decode("utf-8"), err.decode("utf-8")  # strict UTF-8 both
    assert "Traceback" not in stderr
    # Every missing path is one line of stderr, whatever its name holds.
    assert stderr.count("tvlint: error: ") == len(HOSTILE)
    assert len(stderr.splitlines()) == len(HOSTILE) + (
        len(_text_summary(stderr)) if mode == "--diff" and fmt[0] == "text" else 0
    )
    # With --diff in text, the report goes to stderr (stdout is the patch).
    _assert_no_raw_controls(stderr, colour="always" in fmt)
    _assert_safe_lines(stderr)
    if mode == "--diff" and fmt[0] == "text":
        # The patch is the files' own lines, for `patch -p0`: every line is a patch
        # line (so none is a command), and its headers are quoted.
        for line in stdout.split("\n"):
            assert PATCH_LINE.match(line), line[:200]
            if line.startswith(("--- ", "+++ ")):
                _assert_no_raw_controls(line.removesuffix("\t"))  # GNU diff's own tab
    elif fmt[0] in ("json", "sarif"):
        document = _strict_json(out)
        assert out.isascii()
        if fmt[0] == "sarif":
            sarif_validator.validate(document)
    else:
        _assert_no_raw_controls(stdout, colour="always" in fmt)
        _assert_safe_lines(stdout, github=fmt[0] == "github")
    # Bounded: each of the 2,000-character values appears in several messages, cut.
    records = 3 * 10 * len(HOSTILE)  # files x (problems, errors, fix lines) at most
    assert len(out) + len(err) < records * 1_500 + (len(_diffs(work)) if mode == "--diff" else 0)


def _text_summary(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith("tvlint: error: ")]


def _diffs(work: Path) -> bytes:
    # A diff grows with the files it shows, not with how often a value is quoted.
    return b"".join(p.read_bytes() for p in work.rglob("*.json")) * 2


def test_fixed_files_keep_their_hostile_values_and_pass(
    hostile_tree: tuple[Path, list[str]], tmp_path: Path
) -> None:
    base, paths = hostile_tree
    work = tmp_path / "work"
    shutil.copytree(base, work, symlinks=True)
    existing = [p for p in paths if not p.endswith(".missing.json")]
    code, _, err = _run(work, "--fix", "--select", "TV004", *existing)
    assert code == 1, err
    code, out, err = _run(work, "--select", "TV004", "--format", "json", *existing)
    assert (code, json.loads(out)["summary"]["duplicates"]) == (0, 0)
    for index, value in enumerate(HOSTILE):
        data = json.loads((work / _name(value, index) / "training_versions.json").read_text())
        assert data["versions"][0]["id"] == value


def test_a_large_id_against_many_duplicates_gives_output_bounded_by_the_problems(
    tmp_path: Path,
) -> None:
    big = "\x1b]52;c;" + "A" * 100_000
    entries = [webhook_entry(id=big)] + [s3_entry(id=f"{big}{i}") for i in range(200)]
    path = tmp_path / "training_versions.json"
    path.write_text(json.dumps({"versions": entries}))
    for fmt in ("text", "json", "github", "sarif"):
        code, out, err = _run(tmp_path, "--format", fmt, "training_versions.json")
        assert code == 1, err
        # 200 problems of a few hundred bytes each, not 200 copies of the id.
        assert len(out) + len(err) < 200 * 2_000
        assert b"A" * 100 not in out
    # The fix report too, in every format.
    for fmt in ("text", "json", "github", "sarif"):
        shutil.copyfile(path, tmp_path / "copy.json")
        code, out, err = _run(tmp_path, "--fix", "--format", fmt, "copy.json")
        assert code == 1, err
        assert len(out) + len(err) < 200 * 2_000
        assert b"A" * 100 not in out


# The policy itself, as a function: what each kind of character becomes.


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("\r\t", "\\r\\t"),
        ("\x1b[2J", "\\x1b[2J"),
        ("\x00\x07\x7f", "\\x00\\x07\\x7f"),
        ("\x9b\x85", "\\x9b\\x85"),
        ("\u202e\u2066\u200f\u061c", "\\u202e\\u2066\\u200f\\u061c"),
        ("\u2028", "\\u2028"),
        (os.fsdecode(b"bad\xff"), "bad\\xff"),
        ("\ud800", "\\ud800"),
        ("naïve ✓ 東京", "naïve ✓ 東京"),
    ],
)
def test_visible(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert visible(shown) == shown  # applying it twice changes nothing


def test_a_value_at_the_start_of_a_line_is_never_a_command() -> None:
    from tvlint.untrusted import Own

    assert render_line("\xa0::error::x") == "\xa0\\x3a:error::x"
    assert render_line("a ##[error]b") == "a ##\\x5berror]b"
    assert render_line("::error::x") == "\\x3a:error::x"
    assert render_line("  ::error::x") == "  \\x3a:error::x"
    assert render_line((Own("\x1b[1m"), "::error::x")) == "\x1b[1m\\x3a:error::x"
    assert render_line((Own("::error file="), "a::b")) == "::error file=a::b"
    assert render_line("a\n::error::x") == "a\\n::error::x"


def test_every_white_space_is_escaped_or_seen_before_a_command() -> None:
    from tvlint.untrusted import _LEADING

    for code in range(0x110000):
        char = chr(code)
        if char.isspace() and visible(char) == char:
            assert char in _LEADING, hex(code)


def test_numbers_too_large_for_a_float_stay_json(tmp_path: Path) -> None:
    text = json.dumps({"versions": [s3_entry(), webhook_entry()]}).replace(
        '"status": "completed"', '"status": "completed", "size": 1e400, "neg": -1e400', 1
    )
    (tmp_path / "training_versions.json").write_text(text)
    for args in (["--diff"], ["--fix"]):
        code, out, err = _run(tmp_path, *args, "--format", "json", "training_versions.json")
        assert code == 1, err
        json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))


def test_an_entry_with_many_keys_gives_a_bounded_report(tmp_path: Path) -> None:
    many = {**s3_entry(), **{f"k{i}": i for i in range(20_000)}}
    text = json.dumps({"versions": [many, webhook_entry()]})
    (tmp_path / "training_versions.json").write_text(text)
    code, _, err = _run(tmp_path, "--diff", "training_versions.json")
    assert code == 1, err
    assert len(err) < 5_000  # the report; stdout is the patch
    assert b"and 19992 more" in err
    assert quoted("x" * 10_000) == '"' + "x" * 78 + "…"
    assert len(quoted({"k": "v" * 1000})) == 80
    assert clipped("y" * 100) == "y" * 79 + "…"
    assert clipped({"k": "v" * 100}).endswith("…")
    assert clipped({"k": 1}) == {"k": 1}
    assert clipped(True) is True
