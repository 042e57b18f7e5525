from __future__ import annotations

import difflib
import json
import os
import shutil
import subprocess
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tvlint.document import Document, Text, parse
from tvlint.fix import SelfCheckFailed, plan_fix
from tvlint.patch import Edit, apply_edits, unified_diff
from tvlint.result import Outcome
from tvlint.tree import Tree

from .factories import Run, dumps, legacy_s3_entry, s3_entry, webhook_entry

Cli = Callable[..., Run]
Write = Callable[..., Path]


def studio_versions() -> list[dict[str, Any]]:
    """Newest first: a synced duplicate above its webhook entry, a pending run, another
    pair; the sync's entries named by their model files, as it once wrote them."""
    pending = webhook_entry(job="aa11-e3", status="pending", name="V8")
    del pending["loraUrl"], pending["completedAt"]
    return [
        pending,
        legacy_s3_entry(),
        webhook_entry(),
        webhook_entry(job="bb22-e1", model="style_1_vV6", name="V6"),
        legacy_s3_entry("style_1_vV6"),
    ]


def without(versions: list[dict[str, Any]], *indices: int) -> list[dict[str, Any]]:
    return [e for i, e in enumerate(versions) if i not in indices]


def fixed(raw: bytes) -> bytes:
    return applied(raw).raw


def applied(raw: bytes) -> Text:
    """The plan for ``raw``, applied: the new text, self-checked."""
    doc = parse(raw)
    plan = plan_fix(doc)
    assert plan is not None
    return plan.apply(doc)


STYLES: dict[str, Callable[[Any], str]] = {
    "stringify-2": lambda d: json.dumps(d, indent=2, ensure_ascii=False),
    "python-4": lambda d: json.dumps(d, indent=4, ensure_ascii=False) + "\n",
    "tabs": lambda d: json.dumps(d, indent="\t", ensure_ascii=False),
    "compact": lambda d: json.dumps(d, separators=(",", ":")),
    "one-line": lambda d: json.dumps(d) + "\n",
    "ascii-escaped": lambda d: json.dumps(d, indent=2),
}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("crlf", [False, True])
def test_only_the_removed_entries_text_goes(style: str, crlf: bool) -> None:
    dump = STYLES[style]
    versions = studio_versions()
    versions[2]["description"] = "Aquarelle légère — 水彩"
    before = dump({"versions": versions})
    after = dump({"versions": without(versions, 1, 4)})
    if crlf:
        before, after = before.replace("\n", "\r\n"), after.replace("\n", "\r\n")
    assert fixed(before.encode()) == after.encode()


def test_first_and_last_entries_can_go() -> None:
    versions = [s3_entry(), webhook_entry(), s3_entry("v8", id="x"), s3_entry("v8", id="y")]
    before = dumps({"versions": versions})
    assert fixed(before.encode()) == dumps({"versions": without(versions, 0, 3)}).encode()


def test_number_literals_bom_and_other_keys_stay_as_written() -> None:
    text = (
        '\ufeff{\n  "owner": "studio",\n  "versions": [\n'
        '    {"id": "a", "name": "V1", "timestamp": "2025-01-01T00:00:00Z", "status": "completed",\n'
        '     "parameters": {"learning_rate": 1.0e-4, "network_alpha": 8.50, "big": 1E+2},\n'
        '     "loraUrl": "https://h/x/m.safetensors"},\n'
        '    {"id": "m", "name": "m.safetensors", "timestamp": "2025-01-01T00:00:00Z",\n'
        '     "status": "completed", "parameters": {}, "loraUrl": "https://g/y/m.safetensors"}\n'
        '  ],\n  "note": "caf\\u00e9"\n}'
    )
    raw = text.encode("utf-8")
    result = fixed(raw)
    assert result.startswith(b"\xef\xbb\xbf")
    expected = text[: text.index(',\n    {"id": "m"')] + text[text.index("\n  ],") :]
    assert result == expected.encode("utf-8")
    assert (
        b"1.0e-4" in result and b"8.50" in result and b"1E+2" in result and b"caf\\u00e9" in result
    )


def test_no_duplicates_means_no_plan() -> None:
    assert plan_fix(parse(dumps({"versions": [webhook_entry()]}).encode())) is None
    assert plan_fix(parse(b'{"versions": 5}')) is None


def test_self_check_refuses_a_text_that_would_not_round_trip(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.fix as fix_module

    raw = dumps({"versions": [webhook_entry(), s3_entry()]}).encode()
    # Cutting nothing: the text parses, but still holds the duplicate.
    monkeypatch.setattr(fix_module, "removal_cuts", lambda text, spans, removed: [])
    with pytest.raises(SelfCheckFailed, match="minus the duplicates"):
        applied(raw)
    # Cutting the closing brace: the text no longer parses.
    monkeypatch.setattr(
        fix_module, "removal_cuts", lambda text, spans, removed: [(len(text) - 1, len(text))]
    )
    with pytest.raises(SelfCheckFailed, match="would not parse"):
        applied(raw)


def test_self_check_refuses_two_entries_run_together(monkeypatch: pytest.MonkeyPatch) -> None:
    import tvlint.fix as fix_module

    # Two identical entries: cutting the braces around the comma between them instead
    # of the second leaves one object with every key twice, whose data (the last key
    # wins) is what the fix should give. The text is not, and the self-check says so.
    raw = dumps({"versions": [s3_entry(), s3_entry()]}).encode()
    text = raw.decode()
    close = text.index("}", text.index('"parameters": {}') + len('"parameters": {}'))
    comma = text.index(",", close)
    joined = [(close, close + 1), (comma + 1, text.index("{", comma) + 1)]
    cut = text[:close] + text[close + 1 : comma + 1] + text[joined[1][1] :]
    assert parse(cut.encode()).data == {"versions": [s3_entry()]}
    monkeypatch.setattr(fix_module, "removal_cuts", lambda text, spans, removed: joined)
    with pytest.raises(SelfCheckFailed, match="repeated keys"):
        applied(raw)


def test_self_check_refuses_a_kept_entry_written_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.fix as fix_module

    # 16.0 equals 16 in Python, so the data would compare equal; the text is not the
    # entry's own any more.
    raw = dumps({"versions": [webhook_entry(), s3_entry()]}).encode()
    assert b'"network_dim": 16,' in raw

    def apply_and_rewrite(text: str, edits: list[Edit]) -> str:
        return apply_edits(text, edits).replace('"network_dim": 16,', '"network_dim": 16.0,')

    monkeypatch.setattr(fix_module, "edited_text", apply_and_rewrite)
    with pytest.raises(SelfCheckFailed, match="change an entry it keeps"):
        applied(raw)


# The webhook entry is kept; the S3 entry goes, and carries its isGood into it.
CARRYING = {"versions": [webhook_entry(), {**s3_entry(), "isGood": True}]}


def test_self_check_refuses_a_carried_member_written_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.fix as fix_module

    raw = dumps(CARRYING).encode()
    assert b'"isGood": true' in applied(raw).raw

    def apply_and_rewrite(text: str, edits: list[Edit]) -> str:
        # The whole file's text only: the entry's expected text stays as it should be.
        return apply_edits(text, edits).replace('"isGood": true', '"isGood": 1')

    monkeypatch.setattr(fix_module, "edited_text", apply_and_rewrite)
    with pytest.raises(SelfCheckFailed, match="change an entry it keeps"):
        applied(raw)


def _cut_also(text: str, start: int, end: int) -> Callable[..., Any]:
    """removal_cuts, and also text[start:end]."""
    import tvlint.fix as fix_module

    real_cuts = fix_module.removal_cuts
    assert start < end <= len(text)
    return lambda text, spans, removed: sorted([*real_cuts(text, spans, removed), (start, end)])


def _carry_rewritten(old: str, new: str) -> Callable[..., Edit]:
    """_carry, with ``old`` in the member's text replaced by ``new``."""
    import tvlint.fix as fix_module

    real_carry = fix_module._carry

    def carry(text: str, at: int, spans: Any, key: str, source: int) -> Edit:
        start, end, written = real_carry(text, at, spans, key, source)
        assert old in written
        return (start, end, written.replace(old, new))

    return carry


def _first_entry_replaced(value: str) -> Callable[[str, list[Edit]], str]:
    """edited_text, with the first entry of the new text replaced by ``value``."""

    def edited(text: str, edits: list[Edit]) -> str:
        new = apply_edits(text, edits)
        start, end = parse(new.encode()).element_spans("/versions")[0]
        return new[:start] + value + new[end:]

    return edited


KEPT = {"id": "keep", "loraUrl": "https://h.example/m/a.safetensors", "parameters": {"d": 10}}
REMOVED = {"id": "dup", "loraUrl": "https://h.example/m/a.safetensors"}
OTHER = {**KEPT, "id": "other", "loraUrl": "https://h.example/m/b.safetensors"}


def _wrong_edits() -> list[tuple[str, str, str, Callable[[str], tuple[str, Any]]]]:
    """(name, file, what goes wrong, the patch): a plan's edits that change what --fix
    keeps, each of which equal data, or the edits' own account of a kept entry, would
    let through."""
    plain = dumps({"versions": [{**KEPT, "isGood": False}, OTHER, REMOVED]})
    spans = parse(plain.encode()).element_spans("/versions")
    zero = plain.replace('"d": 10', '"d": -0.0')
    carrying = dumps({"versions": [KEPT, {**REMOVED, "isGood": True}]})
    nested = dumps({"versions": [KEPT, {**REMOVED, "isGood": {"a": 1, "b": 2}}]})
    member = '"isGood": false'
    return [
        ("a member of a kept entry cut", plain, member, lambda t: ("removal_cuts", _cut_also(t, t.rindex(",", 0, t.index(member)), t.index(member) + len(member)))),
        ("a digit of a kept entry cut", plain, "10", lambda t: ("removal_cuts", _cut_also(t, t.index("10") + 1, t.index("10") + 2))),
        ("the sign of -0.0 cut", zero, "-0.0", lambda t: ("removal_cuts", _cut_also(t, t.index("-0.0"), t.index("-0.0") + 1))),
        ("the indent before a kept entry cut", plain, "other", lambda t: ("removal_cuts", _cut_also(t, spans[1][0] - 2, spans[1][0]))),
        ("a kept entry cut whole", plain, "other", lambda t: ("removal_cuts", _cut_also(t, spans[0][1], spans[1][1]))),
        ("the end of the entry that gains cut", carrying, "10", lambda t: ("removal_cuts", _cut_also(t, t.index("}", t.index("10")) + 1, t.index("}", t.index("10")) + 3))),
        ("a carried key escaped", carrying, "true", lambda t: ("_carry", _carry_rewritten('"isGood"', '"\\u0069sGood"'))),
        ("a carried member's separator changed", carrying, "true", lambda t: ("_carry", _carry_rewritten(',\n      "isGood"', ', "isGood"'))),
        ("a carried member's colon changed", carrying, "true", lambda t: ("_carry", _carry_rewritten('"isGood": ', '"isGood"  :\t'))),
        ("the entry that gains made a string", carrying, '"keep"', lambda t: ("edited_text", _first_entry_replaced('"x"'))),
        ("10 made 1 in the kept entry that gains", carrying, "10", lambda t: ("removal_cuts", _cut_also(t, t.index("10") + 1, t.index("10") + 2))),
        ("true carried as 1", carrying, "true", lambda t: ("_carry", _carry_rewritten("true", "1"))),
        ("a carried object reordered", nested, '"a": 1', lambda t: ("_carry", _carry_rewritten('"a": 1,\n        "b": 2', '"b": 2,\n        "a": 1'))),
    ]  # fmt: skip


@pytest.mark.parametrize("case", _wrong_edits(), ids=lambda case: case[0])
def test_self_check_refuses_a_plan_that_changes_what_it_keeps(
    monkeypatch: pytest.MonkeyPatch, case: tuple[str, str, str, Callable[[str], tuple[str, Any]]]
) -> None:
    import tvlint.fix as fix_module

    _, text, changed, patch = case
    raw = text.encode()
    fixed_text = applied(raw).raw.decode()
    assert changed in fixed_text  # without the patch, it is kept as it was
    name, wrong = patch(text)
    monkeypatch.setattr(fix_module, name, wrong)
    with pytest.raises(SelfCheckFailed, match=r"change an entry it keeps|minus the duplicates"):
        applied(raw)


def test_self_check_refuses_a_change_outside_the_entries(monkeypatch: pytest.MonkeyPatch) -> None:
    import tvlint.fix as fix_module

    raw = dumps({"name": "ab", "versions": [webhook_entry(), s3_entry()], "z": "cd"}).encode()
    text = raw.decode()
    real_cuts = fix_module.removal_cuts
    for outside in (text.index("ab") + 1, text.index("cd") + 1):  # before and after versions

        def cuts_and_more(text: str, spans: Any, removed: Any, at: int = outside) -> Any:
            return sorted([*real_cuts(text, spans, removed), (at, at + 1)])

        monkeypatch.setattr(fix_module, "removal_cuts", cuts_and_more)
        with pytest.raises(SelfCheckFailed, match="minus the duplicates"):
            applied(raw)


def test_self_check_refuses_a_carried_member_out_of_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.fix as fix_module

    real_carry = fix_module._carry

    def carry_first(text: str, at: int, spans: Any, key: str, source: int) -> Edit:
        # The member written first in the kept entry instead of last: equal data.
        _, _, written = real_carry(text, at, spans, key, source)
        opening = at + 1
        separator, member = written[0], written[1:]
        return (opening, opening, member.lstrip() + separator)

    monkeypatch.setattr(fix_module, "_carry", carry_first)
    with pytest.raises(SelfCheckFailed, match="reorder an entry's members"):
        applied(dumps(CARRYING).encode())


def test_self_check_refuses_carried_members_in_another_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.fix as fix_module

    raw = dumps({"versions": [KEPT, {**REMOVED, "isGood": True, "note": "best"}]}).encode()
    protect = ("isGood", "note")
    doc = parse(raw)
    plan = plan_fix(doc, protect)
    assert plan is not None
    assert list(json.loads(plan.apply(doc).text)["versions"][0])[-2:] == ["isGood", "note"]
    real_carry = fix_module._carry

    def carry_swapped(text: str, at: int, spans: Any, key: str, source: int) -> Edit:
        # Each member written where the other goes: the same members, in another order.
        other = {"isGood": "note", "note": "isGood"}[key]
        return real_carry(text, at, spans, other, source)

    monkeypatch.setattr(fix_module, "_carry", carry_swapped)
    doc = parse(raw)
    plan = plan_fix(doc, protect)
    assert plan is not None
    with pytest.raises(SelfCheckFailed, match="reorder an entry's members"):
        plan.apply(doc)


def test_a_fix_its_self_check_refuses_leaves_the_file_and_reports_it(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tvlint.fix as fix_module

    monkeypatch.setattr(fix_module, "removal_cuts", lambda text, spans, removed: [])  # cuts nothing
    path = write({"versions": [webhook_entry(), s3_entry()]})
    before = path.read_bytes()
    run = cli("--fix", "--format", "json", path)
    assert run.code == 2
    assert "not fixed: the fixed text would not equal the old data" in run.err
    assert path.read_bytes() == before
    assert not list(path.parent.glob("*.backup*"))
    # The file as it is: its duplicate is what the run reports.
    assert [p["code"] for p in run.json()["problems"]] == ["TV004"]
    assert run.json()["fixes"] == []


def test_the_old_data_is_let_go_before_the_fixed_text_is_made(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A large file's data is never held beside its fixed text: once the plan is made,
    # only the old text is kept (the peak memory of --fix is the check's).
    import tvlint.fix as fix_module
    from tvlint.lint import Linter

    loaded: list[weakref.ref[Document]] = []
    from tvlint.patch import edited_text as real_edited_text

    real_load = Linter.load

    def load(self: Linter, path: str, tree: Tree | None = None) -> Document | Outcome:
        doc = real_load(self, path, tree)
        if isinstance(doc, Document):
            loaded.append(weakref.ref(doc))
        return doc

    def edited_text(text: str, edits: list[Edit]) -> str:
        assert loaded and all(ref() is None for ref in loaded)
        return real_edited_text(text, edits)

    monkeypatch.setattr(Linter, "load", load)
    monkeypatch.setattr(fix_module, "edited_text", edited_text)
    path = write({"versions": [webhook_entry(), {**s3_entry(), "isGood": True}]})
    for mode in ("--diff", "--fix"):  # --diff writes nothing; --fix then has the same to do
        run = cli(mode, "--format", "json", path)
        assert not run.err and run.json()["fixes"][0]["removed"], run.err
    assert len(loaded) == 2
    assert json.loads(path.read_text())["versions"] == [{**webhook_entry(), "isGood": True}]


def difflib_diff(path: str, old: bytes, new: bytes) -> str:
    """The reference: difflib's unified diff, with the marker diff -u adds."""
    lines = difflib.unified_diff(
        old.decode().splitlines(keepends=True), new.decode().splitlines(keepends=True), path, path
    )
    return "".join(x if x.endswith("\n") else x + "\n\\ No newline at end of file\n" for x in lines)


def test_diff_marks_a_missing_final_newline() -> None:
    old = '{\n  "a": [\n    1,\n    2\n  ]\n}'
    cut = old.index(",\n    2")
    diff = unified_diff("f.json", old, [(cut, cut + len(",\n    2"), "")])
    assert diff == difflib_diff("f.json", old.encode(), b'{\n  "a": [\n    1\n  ]\n}')
    assert diff.endswith(" }\n\\ No newline at end of file\n")


# ---- through the command line ----


def test_fix_writes_the_file_a_backup_and_a_report(cli: Cli, write: Write) -> None:
    versions = studio_versions()
    versions[1]["isGood"] = True
    path = write({"versions": versions})
    original = path.read_bytes()
    run = cli("--fix", path)
    assert run.code == 1
    # The rated sync duplicate goes; its isGood is carried into the kept webhook entry.
    expected = without(versions, 1, 4)
    expected[1] = {**expected[1], "isGood": True}
    assert path.read_bytes() == dumps({"versions": expected}).encode()
    backup = Path(str(path) + ".backup")
    assert backup.read_bytes() == original
    lines = run.out.splitlines()
    assert lines[0] == f"{path}: removed 2 duplicates (backup {backup})"
    assert lines[1] == (
        '  style_1_vV7.safetensors: kept "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" '
        '(name "V7", params yes)'
    )
    assert lines[2] == (
        '    removed "style_1_vV7" (name "style_1_vV7.safetensors", params no): '
        "the kept entry has parameters"
    )
    assert lines[3] == "      carried into the kept entry: isGood=true"
    assert lines[4] == (
        '      only the removed entry had: lastSynced="2025-10-12T09:46:20.075Z", '
        'description="Synced from S3"'
    )
    # Its values that differ from the kept entry's (its id and name are in line 2),
    # a long one cut in the middle so that a URL keeps its file name.
    assert lines[5] == (
        "      the removed entry's other values: "
        'loraUrl="https://storyboard-user-files.s3.us-wes…-styles-models/style_1_vV7.safetensors", '
        'timestamp="2025-10-12T08:41:02+00:00", parameters={}'
    )
    assert lines[-3:] == [
        "1 file checked, 0 with problems",
        "1 file changed, 2 duplicates removed, 1 backup written",
        "To undo, copy a backup over its file: the backup of FILE is FILE.backup",
    ]
    # Fixing twice equals fixing once, and the second run is clean.
    again = cli("--fix", path)
    assert (again.code, path.read_bytes()) == (0, dumps({"versions": expected}).encode())
    assert cli(path).code == 0


def test_existing_backups_are_never_overwritten(cli: Cli, write: Write) -> None:
    path = write({"versions": [webhook_entry(), s3_entry()]})
    for name, content in [(".backup", b"old 0"), (".backup.1", b"old 1")]:
        Path(str(path) + name).write_bytes(content)
    original = path.read_bytes()
    run = cli("--fix", path)
    assert Path(str(path) + ".backup").read_bytes() == b"old 0"
    assert Path(str(path) + ".backup.1").read_bytes() == b"old 1"
    assert Path(str(path) + ".backup.2").read_bytes() == original
    assert f"backup {path}.backup.2" in run.out


def test_no_backup(cli: Cli, write: Write, tmp_path: Path) -> None:
    path = write({"versions": [webhook_entry(), s3_entry()]})
    run = cli("--fix", "--no-backup", path)
    assert run.code == 1
    assert "(no backup)" in run.out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]


def test_a_clean_file_is_not_touched(cli: Cli, write: Write, tmp_path: Path) -> None:
    path = write({"versions": [webhook_entry()]})
    stamp = 1_000_000_000
    os.utime(path, (stamp, stamp))
    assert cli("--fix", path).code == 0
    assert path.stat().st_mtime == stamp
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]


def test_other_problems_are_reported_never_fixed(cli: Cli, write: Write) -> None:
    versions = [webhook_entry(imageCount="43"), s3_entry(), webhook_entry(model="other", name="V8")]
    path = write({"versions": versions})
    run = cli("--fix", "--format", "json", path)
    assert run.code == 1
    result = run.json()
    assert [(p["code"], p["pointer"]) for p in result["problems"]] == [
        ("TV003", "/versions/0/imageCount"),
        ("TV005", "/versions/1/id"),
    ]
    assert result["summary"]["removed"] == 1
    [fix] = result["fixes"]
    assert fix["kept"] == ["3e248bb6-012c-4384-ae6c-4b19c126d093-e1"]
    assert fix["removed"] == ["style_1_vV7"]
    assert fix["backup"] == str(path) + ".backup"
    assert json.loads(path.read_text())["versions"] == without(versions, 1)
    # The remaining problems keep the exit status at 1 on the next run, with nothing to fix.
    second = cli("--fix", "--format", "json", path)
    assert (second.code, second.json()["fixes"]) == (1, [])


def test_files_that_are_not_json_are_never_written(cli: Cli, write: Write) -> None:
    raw = (dumps({"versions": [webhook_entry(), s3_entry()]}) + ",").encode()
    path = write(raw)
    run = cli("--fix", path)
    assert run.code == 1
    assert "TV001 invalid-json" in run.out
    assert path.read_bytes() == raw


def test_diff_prints_the_patch_and_writes_nothing(cli: Cli, write: Write, tmp_path: Path) -> None:
    versions = studio_versions()
    path = write({"versions": versions})
    original = path.read_bytes()
    run = cli("--diff", path)
    assert run.code == 1
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]
    fixed_text = dumps({"versions": without(versions, 1, 4)}).encode()
    reference = difflib_diff(str(path), original, fixed_text)
    # The same hunks as difflib's, though the deleted "}," may sit one line apart.
    assert run.out.count("\n@@ ") == reference.count("\n@@ ") == 2
    assert sorted(x for x in run.out.splitlines() if x[:1] in "+-") == sorted(
        x for x in reference.splitlines() if x[:1] in "+-"
    )
    assert run.out.count("\n-    {\n") == 2
    assert f"{path}: would remove 2 duplicates" in run.err
    assert "1 file would change, 2 duplicates would be removed" in run.err
    # A clean file: no diff, exit 0.
    assert (
        cli("--diff", write({"versions": [webhook_entry()]}, "b/training_versions.json")).code == 0
    )


def test_diff_applies_with_patch(
    cli: Cli, write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    path = write({"versions": studio_versions()}, "repo/training_versions.json")
    monkeypatch.chdir(path.parent)
    diff = cli("--diff", "training_versions.json").out
    subprocess.run(["patch", "-p0", "-s"], input=diff, text=True, check=True)
    assert cli("training_versions.json").code == 0


def test_diff_in_json(cli: Cli, write: Write) -> None:
    path = write({"versions": [webhook_entry(), s3_entry()]})
    result = cli("--diff", "--format", "json", path).json()
    [fix] = result["fixes"]
    assert fix["written"] is False and fix["backup"] is None
    assert fix["diff"].startswith(f"--- {path}\n")
    assert fix["groups"][0]["removed"][0]["criterion"] == "parameters"
    assert fix["groups"][0]["removed"][0]["only_here"] == {
        "lastSynced": "2025-10-12T09:46:20.075Z",
        "description": "Synced from S3",
    }


def test_fix_and_diff_are_exclusive(cli: Cli) -> None:
    assert cli("--fix", "--diff").code == 2


def test_a_run_keeps_what_it_reports_not_the_files(tmp_path: Path) -> None:
    # --diff and --fix over many files keep, for each, the groups and their entries;
    # holding each plan's texts and data would make memory grow with the whole tree.
    import tracemalloc

    from tvlint.lint import Linter
    from tvlint.result import Mode
    from tvlint.runner import run

    for i in range(40):
        path = tmp_path / f"{i}/training_versions.json"
        path.parent.mkdir()
        versions = [s3_entry(f"style_{i}_vV{n}") for n in range(60)]
        versions.append(webhook_entry(f"job-{i}", f"style_{i}_vV7"))
        path.write_text(dumps({"versions": versions}))
    size = sum(p.stat().st_size for p in tmp_path.rglob("*.json"))
    linter = Linter()
    tracemalloc.start()
    try:
        result = run(lambda _: linter, [str(tmp_path)], Mode.DIFF)
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert len(result.fixes) == 40
    assert kept < size / 2
