from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import tvlint.safe_write as safe_write
from tvlint.document import Document, parse
from tvlint.safe_write import ChangedOnDisk, WriteFailed, replace_file

from .factories import Run, dumps, s3_entry, webhook_entry

Cli = Callable[..., Run]
Write = Callable[..., Path]
DUPLICATED = {"versions": [webhook_entry(), s3_entry()]}
FIXED = dumps({"versions": [webhook_entry()]}).encode()


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.rglob("*") if p.name.endswith(safe_write.TEMP_SUFFIX))


def test_replace_keeps_permission_bits(write: Write) -> None:
    path = write(DUPLICATED)
    path.chmod(0o640)
    backup = replace_file(str(path), path.read_bytes(), FIXED, backup=True)
    assert path.read_bytes() == FIXED
    assert (path.stat().st_mode & 0o7777) == 0o640
    assert backup is not None and (Path(backup).stat().st_mode & 0o7777) == 0o640


def test_symlink_is_written_through_and_kept(cli: Cli, write: Write, tmp_path: Path) -> None:
    target = write(DUPLICATED, "repo/store/real.json")  # inside the link's tree
    link = tmp_path / "repo" / "training_versions.json"
    link.symlink_to(target)
    original = target.read_bytes()
    assert cli("--fix", link).code == 1
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() == FIXED
    assert Path(str(link) + ".backup").read_bytes() == original
    assert leftovers(tmp_path) == []


class InBlocks:
    """A document's bytes in blocks of a few characters, so that blocks split lines,
    and characters of several bytes fall at their ends."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def blocks(self) -> Iterator[bytes]:
        return self.doc.blocks(3)


OLD_TEXT = '\ufeff{"versions": [{"name": "caf\u00e9 \U0001f600"}, {"id": "x"}]}\n'.encode()
NEW_TEXT = '\ufeff{"versions": [{"name": "caf\u00e9 \U0001f600"}]}\n'.encode()


@pytest.mark.parametrize("hard_links", [True, False])
def test_documents_are_compared_and_written_a_block_at_a_time(
    hard_links: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "training_versions.json"
    path.write_bytes(OLD_TEXT)
    old, new = InBlocks(parse(OLD_TEXT)), InBlocks(parse(NEW_TEXT))
    assert b"".join(old.blocks()) == OLD_TEXT and len(list(old.blocks())) > 10
    if not hard_links:  # the backup is then written from the blocks

        def no_link(source: str, name: str) -> None:
            raise OSError(errno.EXDEV, "Invalid cross-device link")

        monkeypatch.setattr(os, "link", no_link)
    backup = replace_file(str(path), old, new, backup=True)
    assert path.read_bytes() == NEW_TEXT
    assert backup is not None and Path(backup).read_bytes() == OLD_TEXT


@pytest.mark.parametrize(
    "edited",
    [OLD_TEXT + b" ", OLD_TEXT[:-1], OLD_TEXT.replace(b'"x"', b'"y"'), b"", OLD_TEXT[3:]],
    ids=["longer", "shorter", "one byte", "emptied", "without its BOM"],
)
def test_a_change_anywhere_is_seen_block_by_block(edited: bytes, tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_bytes(edited)
    with pytest.raises(ChangedOnDisk):
        replace_file(str(path), InBlocks(parse(OLD_TEXT)), InBlocks(parse(NEW_TEXT)), True)
    assert path.read_bytes() == edited
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]


def test_changed_on_disk_before_writing_is_left_alone(write: Write, tmp_path: Path) -> None:
    path = write(DUPLICATED)
    read_then = path.read_bytes()
    path.write_bytes(read_then + b"\n")  # someone saved the file meanwhile
    with pytest.raises(ChangedOnDisk):
        replace_file(str(path), read_then, FIXED, backup=True)
    assert path.read_bytes() == read_then + b"\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_versions.json"]


def test_changed_on_disk_while_writing_is_left_alone(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(DUPLICATED)
    read_then = path.read_bytes()
    real_write_temp = safe_write._write_temp

    def write_temp_and_meanwhile_edit(
        directory: str, name: str, content: safe_write.Content, info: os.stat_result
    ) -> str:
        tmp = real_write_temp(directory, name, content, info)
        if b"".join(content.blocks()) == FIXED:
            path.write_bytes(b"edited")
        return tmp

    monkeypatch.setattr(safe_write, "_write_temp", write_temp_and_meanwhile_edit)
    with pytest.raises(ChangedOnDisk):
        replace_file(str(path), read_then, FIXED, backup=False)
    assert path.read_bytes() == b"edited"
    assert leftovers(tmp_path) == []


def test_changed_on_disk_through_the_cli_exits_2(
    cli: Cli, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tvlint.fix

    path = write(DUPLICATED)
    real_plan = tvlint.fix.plan_fix

    def plan_then_edit(doc: Any, *args: Any) -> Any:
        plan = real_plan(doc, *args)
        path.write_text(path.read_text() + " ")
        return plan

    monkeypatch.setattr(tvlint.fix, "plan_fix", plan_then_edit)
    run = cli("--fix", path)
    assert run.code == 2
    assert "changed on disk since it was read" in run.err
    assert path.read_text() == dumps(DUPLICATED) + " "


def _fail(err: int) -> Callable[..., Any]:
    def raiser(*args: Any, **kwargs: Any) -> Any:
        raise OSError(err, os.strerror(err), str(args[0]) if args else kwargs.get("dir"))

    return raiser


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES])
@pytest.mark.parametrize(
    ("where", "target"),
    [("temp", (tempfile, "mkstemp")), ("backup", (os, "link")), ("rename", (os, "replace"))],
)
def test_write_failures_leave_the_original_and_backup_intact(
    cli: Cli,
    write: Write,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    err: int,
    where: str,
    target: tuple[Any, str],
) -> None:
    # Simulated: CI runs as root on a roomy disk, where neither failure happens for real.
    failing = write(DUPLICATED, "a/training_versions.json")
    other = write(DUPLICATED, "b/training_versions.json")
    original = failing.read_bytes()
    module, name = target
    real = getattr(module, name)
    fail = _fail(err)

    def sometimes(*args: Any, **kwargs: Any) -> Any:
        if any(str(failing.parent) in str(a) for a in (*args, *kwargs.values())):
            return fail(*args, **kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, sometimes)
    run = cli("--fix", tmp_path)
    assert run.code == 2
    assert f"tvlint: error: {failing}: not fixed: {os.strerror(err)}" in run.err
    # All or nothing: the original as it was, and no backup of a file left unchanged.
    assert failing.read_bytes() == original
    assert sorted(p.name for p in failing.parent.iterdir()) == ["training_versions.json"]
    assert leftovers(tmp_path) == []
    # The other file was still fixed.
    assert other.read_bytes() == FIXED


def test_write_failed_carries_the_reason(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(DUPLICATED)
    monkeypatch.setattr(os, "replace", _fail(errno.EROFS))
    with pytest.raises(WriteFailed, match="Read-only file system"):
        replace_file(str(path), path.read_bytes(), FIXED, backup=False)


def _tree(root: Path, files: int) -> dict[Path, bytes]:
    originals = {}
    for i in range(files):
        path = root / f"resources/style_images/{i}_s/training_versions.json"
        path.parent.mkdir(parents=True)
        versions = [s3_entry(f"style_{i}_vV7"), webhook_entry(f"job-{i}-e1", f"style_{i}_vV7")]
        path.write_text(dumps({"versions": versions}))
        originals[path] = path.read_bytes()
    return originals


def _fixed_form(i: int) -> bytes:
    return dumps({"versions": [webhook_entry(f"job-{i}-e1", f"style_{i}_vV7")]}).encode()


def _assert_every_file_whole(originals: dict[Path, bytes]) -> int:
    fixed = 0
    for i, (path, original) in enumerate(originals.items()):
        content = path.read_bytes()
        assert content in (original, _fixed_form(i)), path
        backups = sorted(path.parent.glob("training_versions.json.backup*"))
        assert all(b.read_bytes() == original for b in backups), path
        fixed += content != original
    return fixed


def _restore(originals: dict[Path, bytes]) -> None:
    for path, original in originals.items():
        for backup in path.parent.glob("training_versions.json.backup*"):
            backup.unlink()
        path.write_bytes(original)


# Says "ready" once the interpreter is up, the module that holds Ctrl-C is loaded and
# tvlint/__main__.py is compiled, then runs that as `python -m tvlint` does: a signal
# that lands while the interpreter is still starting, or while those load, is no
# program's to handle (it shows as Python's own traceback from the import machinery,
# more often where bytecode is not cached yet, as in a fresh virtualenv). runpy would
# compile __main__.py after the mark, inside that window.
_READY_THEN_RUN = (
    "import sys, tvlint.start; from importlib.util import find_spec; "
    "code = find_spec('tvlint.__main__').loader.get_code('tvlint.__main__'); "
    "sys.stdout.write('R'); sys.stdout.flush(); exec(code, {'__name__': '__main__'})"
)


def _fix_process(root: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _READY_THEN_RUN, "--fix", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stdout.read(1) == b"R"
    return proc


@pytest.mark.slow
@pytest.mark.parametrize(("sig", "kills"), [(signal.SIGKILL, 25), (signal.SIGINT, 25)])
def test_killed_fix_leaves_every_file_whole(
    tmp_path: Path, sig: signal.Signals, kills: int
) -> None:
    originals = _tree(tmp_path, 150)
    # Calibrates the kill times to this machine's speed: one whole run, timed.
    first = _fix_process(tmp_path)
    started = time.perf_counter()
    first.communicate()
    full_run = time.perf_counter() - started
    assert _assert_every_file_whole(originals) == len(originals)
    rng = random.Random(sig)
    for _ in range(kills):
        _restore(originals)
        proc = _fix_process(tmp_path)
        time.sleep(rng.uniform(0, full_run))
        proc.send_signal(sig)
        _, err = proc.communicate()
        assert b"Traceback" not in err
        _assert_every_file_whole(originals)
        if sig == signal.SIGINT:
            assert leftovers(tmp_path) == []
    # Whatever was interrupted, a last run completes the job.
    _fix_process(tmp_path).communicate()
    assert _assert_every_file_whole(originals) == len(originals)


# Where a backup goes: never where `git add -A` would take it.


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def test_in_a_work_tree_the_backup_is_under_the_git_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "studio"
    (repo / "data" / "a").mkdir(parents=True)
    _git(repo, "init", "-q")
    path = repo / "data" / "a" / "training_versions.json"
    path.write_text(dumps(DUPLICATED))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "x")
    monkeypatch.chdir(repo / "data")
    run = subprocess.run(
        [sys.executable, "-m", "tvlint", "--fix", "a"], capture_output=True, text=True
    )
    assert run.returncode == 1, run.stderr
    backup = repo / ".git" / "tvlint" / "backups" / "data" / "a" / "training_versions.json.backup"
    assert backup.read_text() == dumps(DUPLICATED)
    # Named as the file was: relative to the working directory.
    assert "(backup ../.git/tvlint/backups/data/a/training_versions.json.backup)" in run.stdout
    _git(repo, "add", "-A")
    assert _git(repo, "status", "--porcelain").split() == ["M", "data/a/training_versions.json"]
    # A second fix of the same file never overwrites the first backup.
    path.write_text(dumps(DUPLICATED).replace("V7", "V8"))
    assert subprocess.run([sys.executable, "-m", "tvlint", "--fix", "a"]).returncode == 1
    assert backup.read_text() == dumps(DUPLICATED)
    assert Path(f"{backup}.1").read_text() == dumps(DUPLICATED).replace("V7", "V8")


def test_a_linked_work_tree_s_backup_is_in_its_own_git_directory(tmp_path: Path) -> None:
    main = tmp_path / "main"
    main.mkdir()
    _git(main, "init", "-q")
    (main / "training_versions.json").write_text(dumps(DUPLICATED))
    _git(main, "add", "-A")
    _git(main, "commit", "-qm", "x")
    _git(main, "worktree", "add", "-q", str(tmp_path / "linked"))
    path = tmp_path / "linked" / "training_versions.json"
    backup = replace_file(str(path), path.read_bytes(), FIXED, backup=True)
    assert backup is not None
    git_directory = Path(_git(tmp_path / "linked", "rev-parse", "--absolute-git-dir").strip())
    expected = git_directory / "tvlint" / "backups" / "training_versions.json.backup"
    assert Path(backup).resolve() == expected.resolve()
    assert expected.read_text() == dumps(DUPLICATED)


def test_outside_git_the_backup_is_beside_the_file(write: Write) -> None:
    path = write(DUPLICATED)
    backup = replace_file(str(path), path.read_bytes(), FIXED, backup=True)
    assert backup == f"{path}.backup"
