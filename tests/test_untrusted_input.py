"""Paths, files and schemas from a pull request cannot take over the job or the machine:
special files are refused unread, schemas never reach outside themselves, ``--fix``
writes inside the tree only, discovery hides nothing silently, and a broken stdout
ends in one line on stderr."""

from __future__ import annotations

import http.server
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from tvlint.reading import ReadRefused, parse_size, read_file

from .factories import Run, dumps, s3_entry, webhook_entry

DATA = Path(__file__).parent / "data"
DIRTY = dumps({"versions": [webhook_entry(), s3_entry()]})
CLEAN = dumps({"versions": [webhook_entry()]})
# A file elsewhere on the machine: a report that quoted it would show the secret.
OUTSIDE = dumps({"versions": [{"private_key_id": "SECRET-1"}, s3_entry(), s3_entry()]})
MiB = 1024 * 1024


def tvlint(*args: str | Path, cwd: Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tvlint", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # a guard against a hang, not a measurement
        **kwargs,
    )


def peak_memory_mb(*args: str | Path, cwd: Path) -> tuple[int, float]:
    """tvlint's exit status and peak memory (MB), measured in a process of its own."""
    probe = (
        "import resource, subprocess, sys\n"
        "code = subprocess.run([sys.executable, '-m', 'tvlint', *sys.argv[1:]],"
        " capture_output=True, timeout=60).returncode\n"
        "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return int(out[0]), float(out[1])


# Special files


@pytest.fixture
def special_tree(tmp_path: Path) -> Path:
    for name, target in (("zero", "/dev/zero"), ("urandom", "/dev/urandom")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "training_versions.json").symlink_to(target)
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "training_versions.json")
    (tmp_path / "sparse").mkdir()
    with open(tmp_path / "sparse" / "training_versions.json", "wb") as handle:
        handle.truncate(300 * MiB)  # beyond the default limit of 256 MiB; no disk used
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "training_versions.json").write_text(DIRTY)
    return tmp_path


def test_special_files_are_per_file_errors_and_the_others_are_checked(special_tree: Path) -> None:
    run = tvlint(special_tree, cwd=special_tree)
    assert run.returncode == 2
    # The devices are out of the tree: refused before anything else is asked of them.
    assert run.stderr.splitlines() == [
        f"tvlint: error: {special_tree / 'fifo/training_versions.json'}: not a regular file",
        f"tvlint: error: {special_tree / 'sparse/training_versions.json'}: "
        "larger than the size limit of 256 MiB (--max-file-size)",
        f"tvlint: error: {special_tree / 'urandom/training_versions.json'}: "
        "it points outside the tree, to /dev/urandom",
        f"tvlint: error: {special_tree / 'zero/training_versions.json'}: "
        "it points outside the tree, to /dev/zero",
    ]
    assert "good/training_versions.json:" in run.stdout  # its duplicate is reported
    assert "1 file checked, 1 with problems, 4 with errors" in run.stdout


@pytest.mark.parametrize("mode", [[], ["--fix"], ["--diff"], ["-j", "2"]])
def test_special_files_use_no_memory(special_tree: Path, mode: list[str]) -> None:
    code, peak = peak_memory_mb(*mode, special_tree, cwd=special_tree)
    assert code == 2
    assert peak < 150  # the interpreter and tvlint; /dev/zero read whole took 11 GB


def test_special_files_named_directly(special_tree: Path) -> None:
    for name, why in (
        ("zero", "it points outside the tree, to /dev/zero"),
        ("fifo", "not a regular file"),
        ("urandom", "it points outside the tree, to /dev/urandom"),
    ):
        run = tvlint(special_tree / name / "training_versions.json", cwd=special_tree)
        assert run.returncode == 2
        assert run.stderr.endswith(f": {why}\n")
    # A device inside the tree (a person's own, named by hand) is refused unopened too.
    run = tvlint("/dev/zero", cwd=special_tree)
    assert run.returncode == 2
    assert run.stderr.endswith(": not a regular file\n")


def test_the_size_limit_is_set_by_flag_and_config(tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_text(DIRTY)
    size = len(DIRTY.encode())
    run = tvlint("--max-file-size", str(size - 1), path, cwd=tmp_path)
    assert run.returncode == 2
    assert f"larger than the size limit of {size - 1} bytes" in run.stderr
    assert tvlint("--max-file-size", str(size), path, cwd=tmp_path).returncode == 1
    (tmp_path / "pyproject.toml").write_text('[tool.tvlint]\nmax-file-size = "1KiB"\n')
    run = tvlint(path, cwd=tmp_path)
    assert run.returncode == 2
    assert "larger than the size limit of 1 KiB" in run.stderr
    assert tvlint("--max-file-size", "1MiB", path, cwd=tmp_path).returncode == 1  # flag wins
    (tmp_path / "pyproject.toml").write_text('[tool.tvlint]\nmax-file-size = "lots"\n')
    run = tvlint(path, cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1
    assert "max-file-size: not a size: 'lots'" in run.stderr
    run = tvlint("--max-file-size", "0", path, cwd=tmp_path)
    assert run.returncode == 2
    assert "not a size" in run.stderr


@pytest.mark.parametrize(
    ("text", "size"),
    [("4096", 4096), ("512KiB", 512 * 1024), ("256 MiB", 256 * MiB), ("1GB", 10**9), ("2kb", 2000)],
)
def test_parse_size(text: str, size: int) -> None:
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "0", "-1", "1.5MiB", "1 TB", "MiB", "1e9"])
def test_parse_size_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        parse_size(text)


def test_a_file_that_says_it_is_empty_is_read_to_the_limit() -> None:
    status = "/proc/self/status"
    if not os.path.exists(status):
        pytest.skip("needs /proc")
    assert os.stat(status).st_size == 0
    assert read_file(status, 10**15).startswith(b"Name:")  # no giant buffer asked for
    with pytest.raises(ReadRefused):
        read_file(status, 16)


def test_a_file_read_in_short_pieces_is_read_whole(tmp_path: Path) -> None:
    # A read may return less than asked (a signal, some file systems): only an empty
    # one is the end.
    path = tmp_path / "training_versions.json"
    path.write_bytes(b"0123456789" * 10)
    real_read = os.read
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 7)))
        assert read_file(str(path), 100) == b"0123456789" * 10
        with pytest.raises(ReadRefused, match="larger than the size limit"):
            read_file(str(path), 99)


def test_standard_input_is_read_to_the_limit_whatever_the_limit(tmp_path: Path) -> None:
    # A huge limit (a pull request's pyproject.toml can set one) sizes no buffer.
    for limit, status in (("9999999999999GiB", 0), ("10", 2)):
        run = subprocess.run(
            [sys.executable, "-m", "tvlint", "--max-file-size", limit, "-"],
            input=CLEAN.encode(),
            capture_output=True,
            cwd=tmp_path,
            check=False,
        )
        assert run.returncode == status, run.stderr
        assert b"Traceback" not in run.stderr


def test_a_file_that_grows_past_the_limit_while_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "training_versions.json"
    path.write_bytes(b"x" * 100)
    real_stat = os.stat

    def stale_stat(p: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        # What stat said before the file grew from 10 to 100 bytes.
        result = real_stat(p, *args, **kwargs)
        if str(p) == str(path):
            fields = list(result)
            fields[6] = 10  # st_size
            return os.stat_result(fields)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "stat", stale_stat)
        assert read_file(str(path), 100) == b"x" * 100
        with pytest.raises(ReadRefused, match="larger than the size limit"):
            read_file(str(path), 50)


# Schemas


class _CountingServer:
    def __init__(self) -> None:
        self.requests = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests += 1
                body = b'{"type": "string"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def server() -> Iterator[_CountingServer]:
    counting = _CountingServer()
    yield counting
    counting.close()


def _hostile_schemas(url: str, outside: Path) -> dict[str, Any]:
    return {
        "remote": {"$ref": f"{url}/evil.json"},
        "remote-https": {"$ref": "https://127.0.0.1:1/evil.json"},
        "remote-nested": {"properties": {"versions": {"items": {"$ref": f"{url}/e.json"}}}},
        "remote-by-id": {"$id": f"{url}/", "properties": {"a": {"$ref": "evil.json"}}},
        "dynamic": {"$dynamicRef": f"{url}/evil.json#meta"},
        "file": {"$ref": outside.as_uri()},
        "absolute": {"$ref": str(outside)},
        "parent": {"$ref": "../secret.json"},
        "sibling": {"$ref": "other.json"},
        "dangling": {"$defs": {"a": {"type": "string"}}, "$ref": "#/$defs/missing"},
        "dangling-anchor": {"$ref": "#nowhere"},
    }


@pytest.mark.parametrize(
    "name",
    [
        "remote",
        "remote-https",
        "remote-nested",
        "remote-by-id",
        "dynamic",
        "file",
        "absolute",
        "parent",
        "sibling",
        "dangling",
        "dangling-anchor",
    ],
)
def test_schema_references_never_leave_the_schema(
    server: _CountingServer,
    tmp_path: Path,
    name: str,
    cli: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('{"type": "string"}')
    work = tmp_path / "work"
    work.mkdir()
    (work / "training_versions.json").write_text(DIRTY)
    schema = _hostile_schemas(server.url, outside)[name]
    (work / "schema.json").write_text(json.dumps(schema))
    monkeypatch.chdir(work)
    before = server.requests
    for how in (["--schema", "schema.json"], []):
        if not how:  # the same schema from [tool.tvlint], which a pull request can change
            (work / "pyproject.toml").write_text('[tool.tvlint]\nschema = "schema.json"\n')
        run = cli(*how, "training_versions.json")
        assert run.code == 2, run.out + run.err
        assert run.out == ""  # nothing was checked
        assert run.err.count("\n") == 1, run.err
        assert "does not resolve inside the schema" in run.err
    assert server.requests == before


def test_a_remote_reference_in_a_real_process(server: _CountingServer, tmp_path: Path) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    (tmp_path / "schema.json").write_text(json.dumps({"$ref": f"{server.url}/evil.json"}))
    before = server.requests
    run = tvlint("--schema", "schema.json", "training_versions.json", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == (
        f"tvlint: error: schema schema.json: $ref '{server.url}/evil.json' does not resolve "
        "inside the schema (tvlint never fetches a reference)\n"
    )
    assert server.requests == before


def test_the_server_counts_what_it_is_asked(server: _CountingServer) -> None:
    import http.client

    try:
        socket.create_connection(("127.0.0.1", server.server.server_port), timeout=5).close()
    except OSError:
        pytest.skip("loopback is down here (a network namespace with no interface up)")
    before = server.requests
    connection = http.client.HTTPConnection("127.0.0.1", server.server.server_port, timeout=10)
    try:
        connection.request("GET", "/evil.json")  # what a fetching tool would do
        assert json.load(connection.getresponse()) == {"type": "string"}
    finally:
        connection.close()
    assert server.requests == before + 1


def test_references_inside_the_schema_work(tmp_path: Path) -> None:
    schema = {
        "$defs": {"entry": {"type": "object", "required": ["id"]}},
        "properties": {
            "versions": {"items": {"$ref": "#/$defs/entry"}},
            "other": {"$id": "urn:tvlint:other", "type": "string"},
            "again": {"$ref": "urn:tvlint:other"},
            "anchored": {"$ref": "#named"},
        },
        "$comment": "an anchor",
        "additionalProperties": {"$anchor": "named", "type": "number"},
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "training_versions.json").write_text('{"versions": [{"name": "x"}], "again": 1}')
    run = tvlint(
        "--schema", "schema.json", "--format", "json", "training_versions.json", cwd=tmp_path
    )
    assert run.returncode == 1, run.stderr
    messages = sorted(p["message"] for p in json.loads(run.stdout)["problems"])
    assert messages == [
        "/again: 1 is not a string",
        '/versions/0: the required key "id" is missing',
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON"),
        ('{"type": 12}', "not a valid JSON Schema"),
        ('{"pattern": "("}', "not a valid JSON Schema"),
        ("[1, 2]", "not a JSON Schema"),
        ('{"minimum": Infinity}', "is not valid JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        (b"\xff\xfe{}", "not UTF-8"),
        ('{"type": "object"}' + " " * 400_000, "larger than the size limit of 300000 bytes"),
        ('{"$schema": 5}', "$schema must be a string"),
        ('{"$schema": []}', "$schema must be a string"),
        ('{"items": ' * 150 + "{}" + "}" * 150, "nested too deeply"),
        ('{"type": "' + "x" * 100_000 + '"}', "not a valid JSON Schema"),
        (
            '{"$ref": "#/examples/0", "examples": [{"$ref": "http://127.0.0.1:1/e.json"}]}',
            "does not resolve",
        ),
    ],
)
def test_a_broken_schema_is_one_line_and_exit_2(
    tmp_path: Path, content: str | bytes, message: str
) -> None:
    schema = tmp_path / "schema.json"
    schema.write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "training_versions.json").write_text(DIRTY)
    run = tvlint(
        "--schema", schema, "--max-file-size", "300000", "training_versions.json", cwd=tmp_path
    )
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1, run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.stderr) < 1_100  # a value in it is cut


@pytest.mark.parametrize(
    "schema",
    [
        {"$ref": "#"},
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
        {"properties": {"v": {"multipleOf": 0.5}}},
        '{"type": "object", "properties": {"versions": {"maximum": 1e400}}}',
    ],
)
def test_a_schema_that_cannot_check_a_file_says_so(
    tmp_path: Path, schema: Any, cli: Callable[..., Run]
) -> None:
    (tmp_path / "schema.json").write_text(schema if isinstance(schema, str) else json.dumps(schema))
    (tmp_path / "training_versions.json").write_text('{"versions": 7, "v": 1' + "0" * 400 + "}")
    run = cli("--schema", "schema.json", "--format", "json", "training_versions.json")
    assert run.code in (0, 1), run.err
    for problem in run.json()["problems"]:
        assert problem["code"] == "TV003"


def test_references_under_an_id_resolve(tmp_path: Path, cli: Callable[..., Run]) -> None:
    schema = {
        "$id": "http://example.com/root.json",
        "$defs": {"a": {"$id": "a.json", "type": "object", "required": ["versions"]}},
        "$ref": "a.json",
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    (tmp_path / "training_versions.json").write_text("{}")
    run = cli("--schema", "schema.json", "training_versions.json")
    assert run.code == 1, run.err
    assert 'the required key "versions" is missing' in run.out


def test_a_schema_that_is_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    run = tvlint("--schema", "/dev/zero", "training_versions.json", cwd=tmp_path)
    assert run.returncode == 2
    assert run.stderr == "tvlint: error: cannot read schema /dev/zero: not a regular file\n"


# Nothing is read or written outside the tree


@pytest.fixture
def link_out(tmp_path: Path) -> tuple[Path, Path]:
    """A tree whose training_versions.json is a symlink to a file outside it."""
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / "data").mkdir(parents=True)
    outside.mkdir()
    (outside / "target.json").write_text(OUTSIDE)
    (tree / "data" / "training_versions.json").symlink_to(outside / "target.json")
    (tree / "data" / "inside.json").write_text(DIRTY)
    (tree / "data" / "b").mkdir()
    (tree / "data" / "b" / "training_versions.json").symlink_to("../inside.json")
    return tree, outside


@pytest.mark.parametrize("mode", [[], ["--fix"], ["--diff"], ["-j", "2"]])
def test_a_symlink_out_of_the_tree_is_neither_read_nor_written(
    link_out: tuple[Path, Path], mode: list[str]
) -> None:
    tree, outside = link_out
    for fmt in ("text", "json", "sarif", "github"):
        run = tvlint(*mode, "--format", fmt, "data", cwd=tree)
        assert run.returncode == 2
        target = outside / "target.json"
        assert (
            "tvlint: error: data/training_versions.json: "
            f"it points outside the tree, to {target}\n" in run.stderr
        )
        # Not read: nothing of its content reaches the report.
        assert "SECRET" not in run.stdout + run.stderr
        if not mode:
            assert "data/b/training_versions.json" in run.stdout  # checked
    assert target.read_text() == OUTSIDE
    assert sorted(p.name for p in outside.iterdir()) == ["target.json"]  # no temp file
    assert not (tree / "data" / "training_versions.json.backup").exists()
    # A symlink that stays inside the tree is read and written through, as before.
    inside = json.loads((tree / "data" / "inside.json").read_text())
    assert len(inside["versions"]) == (1 if mode == ["--fix"] else 2)


def test_a_symlinked_directory_into_another_repository_is_not_written(tmp_path: Path) -> None:
    repo, other = tmp_path / "repo", tmp_path / "other"
    for root in (repo, other):
        root.mkdir()
        subprocess.run(["git", "init", "-q", str(root)], check=True)
    (other / "training_versions.json").write_text(DIRTY)
    (repo / "data").symlink_to(other)  # data/.git is the other repository's
    for mode in ("--fix", "--diff"):
        run = tvlint(mode, "data/training_versions.json", cwd=repo)
        assert run.returncode == 2, run.stdout + run.stderr
        assert "it points outside the tree" in run.stderr
    assert (other / "training_versions.json").read_text() == DIRTY
    assert sorted(p.name for p in other.iterdir()) == [".git", "training_versions.json"]


def test_the_tree_is_the_git_work_tree_when_there_is_one(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "data" / "training_versions.json").write_text(DIRTY)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # Started outside it, the file is still inside its own tree, and fixed.
    run = tvlint("--fix", repo / "data" / "training_versions.json", cwd=elsewhere)
    assert run.returncode == 1, run.stderr
    assert len(json.loads((repo / "data" / "training_versions.json").read_text())["versions"]) == 1
    # Outside any git work tree, a file named by hand is in its own directory's tree:
    # a path a person names is theirs to fix, wherever they stand.
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "training_versions.json").write_text(DIRTY)
    run = tvlint("--fix", loose / "training_versions.json", cwd=elsewhere)
    assert run.returncode == 1, run.stderr
    assert run.stderr == ""
    assert len(json.loads((loose / "training_versions.json").read_text())["versions"]) == 1
    # But a link there, to a file out of that directory, is its own directory's too.
    (loose / "link.json").symlink_to(tmp_path / "repo" / "data" / "training_versions.json")
    run = tvlint("--fix", loose / "link.json", cwd=elsewhere)
    assert run.returncode == 2
    assert "it points outside the tree" in run.stderr


# Discovery hides nothing silently


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("data/actors/6_b", "data/actors/7_c", "node_modules/pkg", "build"):
        (root / folder).mkdir(parents=True)
        (root / folder / "training_versions.json").write_text(DIRTY)
    (root / "data" / "actors" / "pyvenv.cfg").write_text("")  # hides nothing now
    (root / ".gitignore").write_text("build/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    return root


def test_a_tracked_directory_is_searched_whatever_it_holds(repo: Path) -> None:
    run = tvlint("--format", "json", ".", cwd=repo)
    checked = {p["path"].replace("\\", "/") for p in json.loads(run.stdout)["problems"]}
    assert checked == {
        "data/actors/6_b/training_versions.json",
        "data/actors/7_c/training_versions.json",
        "node_modules/pkg/training_versions.json",  # tracked: checked
    }
    assert json.loads(run.stdout)["summary"]["skipped"] == 0


def test_ignored_and_untracked_environments(repo: Path) -> None:
    venv = repo / ".venv"  # untracked, not ignored, an environment by its name
    (venv / "lib").mkdir(parents=True)
    (venv / "lib" / "training_versions.json").write_text(DIRTY)
    marked = repo / "env"  # untracked, with a virtualenv's marker: hides nothing
    (marked / "lib").mkdir(parents=True)
    (marked / "pyvenv.cfg").write_text("home = /usr\n")
    (marked / "lib" / "training_versions.json").write_text(DIRTY)
    (repo / "new").mkdir()
    (repo / "new" / "training_versions.json").write_text(DIRTY)  # untracked: checked
    run = tvlint("--format", "json", ".", cwd=repo)
    result = json.loads(run.stdout)
    paths = {p["path"].replace("\\", "/") for p in result["problems"]}
    assert {"new/training_versions.json", "env/lib/training_versions.json"} <= paths
    assert not any(p.startswith(("build/", ".venv/")) for p in paths)  # ignored; skipped
    assert result["summary"]["skipped"] == 1
    text = tvlint(".", cwd=repo)
    assert "5 files checked, 5 with problems, 1 directory skipped (virtualenvs)" in text.stdout


def test_repositories_inside_the_repository_are_searched(repo: Path) -> None:
    nested = repo / "data" / "nested"
    (nested / "x").mkdir(parents=True)
    git(nested, "init", "-q")
    (nested / "x" / "training_versions.json").write_text(DIRTY)  # a clone git lists as one entry
    run = tvlint("--format", "json", "data", cwd=repo)
    paths = {p["path"] for p in json.loads(run.stdout)["problems"]}
    assert "data/nested/x/training_versions.json" in paths


def test_outside_git_skipped_environments_are_counted(tmp_path: Path) -> None:
    for folder in ("data/a", "data/venv", "data/custom", "data/.git"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "training_versions.json").write_text(CLEAN)
    # Outside git a directory is skipped by its name only: a marker file inside one
    # (which a pull request can add) hides nothing.
    (tmp_path / "data" / "custom" / "pyvenv.cfg").write_text("")
    (tmp_path / "data" / "custom" / "training_versions.json").write_text(DIRTY)
    run = tvlint("data", cwd=tmp_path)
    assert run.returncode == 1
    assert "data/custom/training_versions.json:" in run.stdout
    assert "2 files checked, 1 with problems, 1 directory skipped (virtualenvs)" in run.stdout


# File names that are not UTF-8


@pytest.mark.skipif(sys.platform == "darwin", reason="APFS refuses names that are not UTF-8")
@pytest.mark.parametrize("fmt", ["text", "github", "json", "sarif"])
def test_names_that_are_not_utf8(tmp_path: Path, fmt: str) -> None:
    base = os.fsencode(tmp_path)
    bad = os.path.join(base, b"bad\xff\xfe")
    os.mkdir(bad)
    with open(os.path.join(bad, b"training_versions.json"), "w") as handle:
        handle.write(DIRTY)
    missing = b"gone\xff.json"
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", "--format", fmt, b"bad\xff\xfe", missing],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert proc.returncode == 2
    out, err = proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")  # strict
    assert "Traceback" not in err
    assert "gone\\xff.json" in err
    if fmt == "json":
        assert "bad\\\\xff\\\\xfe" in out
        json.loads(out)
    elif fmt == "sarif":
        log = json.loads(out)
        Draft7Validator(json.loads((DATA / "sarif-2.1.0.schema.json").read_text())).validate(log)
        uris = {
            loc["physicalLocation"]["artifactLocation"]["uri"]
            for result in log["runs"][0]["results"]
            for loc in result["locations"]
        }
        assert uris == {"bad%FF%FE/training_versions.json"}
    else:
        assert "bad\\xff\\xfe/training_versions.json" in out


# A broken stdout


@pytest.mark.parametrize("mode", [[], ["--fix"]])
def test_a_closed_stdout(tmp_path: Path, mode: list[str]) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    command = " ".join([sys.executable, "-m", "tvlint", *mode, "training_versions.json"])
    proc = subprocess.run(
        ["sh", "-c", command + " >&-"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2
    assert proc.stderr == "tvlint: error: standard output is closed; nothing was checked\n"
    assert (tmp_path / "training_versions.json").read_text() == DIRTY  # not started


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
@pytest.mark.parametrize("mode", [[], ["--fix"]])
def test_a_full_disk_behind_stdout(tmp_path: Path, fmt: str, mode: list[str]) -> None:
    (tmp_path / "training_versions.json").write_text(DIRTY)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "tvlint", *mode, "--format", fmt, "training_versions.json"],
            cwd=tmp_path,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            check=False,
        )
    assert proc.returncode == 2
    assert proc.stderr == "tvlint: error: cannot write the output: No space left on device\n"
    fixed = json.loads((tmp_path / "training_versions.json").read_text())
    assert len(fixed["versions"]) == (1 if mode else 2)  # the fix finished before the report


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reader_that_went_away(tmp_path: Path, fmt: str) -> None:
    # More output than a pipe holds (64 KiB), so the reader leaves before the end.
    many = dumps({"versions": [webhook_entry(), *(s3_entry(id=f"s{i}") for i in range(6))]})
    for i in range(300):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "training_versions.json").write_text(many)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tvlint", "--format", fmt, "."],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)  # then goes away, as `| head -c 10` does, mid-report
    proc.stdout.close()
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""  # quiet, as `| head` expects


def test_a_closed_stderr_changes_no_exit_status(tmp_path: Path) -> None:
    (tmp_path / "good.json").write_text(CLEAN)
    for args, status in (
        ("good.json", 0),
        ("gone.json", 2),
        ("--bogus good.json", 2),  # usage errors: argparse's, and tvlint's own
        ("--no-backup good.json", 2),
    ):
        proc = subprocess.run(
            ["sh", "-c", f"{sys.executable} -m tvlint {args} 2>&-"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == status, proc.stdout
        if args.startswith("--"):  # the usage is not moved to stdout, where reports go
            assert proc.stdout == ""


def test_a_check_imports_no_network_client() -> None:
    probe = (
        "import sys, tvlint.cli as c\n"
        "c.main(['--format', 'json', sys.argv[1]])\n"
        "bad = [m for m in ('http.client', 'urllib.request', 'socket', 'ssl') if m in sys.modules]\n"
        "sys.stderr.write(repr(bad))\n"
    )
    path = str(Path(__file__).parent.parent / "examples")
    proc = subprocess.run(
        [sys.executable, "-c", probe, path], capture_output=True, text=True, check=False
    )
    assert proc.stderr.endswith("[]")
