"""Times tvlint against its peers and a json.loads floor, as whole processes.

    python bench/run.py                # the full benchmark (about 15 minutes)
    python bench/run.py --quick        # a small tree, one run each: checks that it works

Every command gets the same list of files (as pre-commit passes them) and runs in the
tree's directory, interleaved with the others, several times; the table shows medians,
the ratio to the floor (a ``python -c`` on the same interpreter that reads and
``json.loads`` every file), how many times faster tvlint is than each peer, and each
command's peak resident set size. Byte-code writing is allowed, so no run pays for
compiling tvlint.

The peers: check-jsonschema (installed with tvlint's test extras) and the C++
``jsonschema`` command-line tool (npm package ``@sourcemeta/jsonschema``, whose binary is
run directly), which the benchmark installs with npm into its cache folder; where npm
is missing (or with ``--quick``, if it is not installed yet) its rows are left out with a
note.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "training_versions.schema.json"
PYTHON = sys.executable
FLOOR = "import json,sys\nfor p in sys.argv[1:]:\n    with open(p,'rb') as f: json.loads(f.read())"
CPP_PACKAGE = "@sourcemeta/jsonschema@16.11.0"


@dataclass
class Command:
    name: str
    argv: list[str]
    prepare: list[tuple[Path, Path]] = field(default_factory=list)  # copy src → dst first
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0  # ru_maxrss: KiB on Linux

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["NO_COLOR"] = "1"
    return env


def run_once(command: Command, cwd: Path, env: dict[str, str]) -> None:
    for source, target in command.prepare:
        shutil.copyfile(source, target)
        for stale in target.parent.glob(target.name + ".backup*"):
            stale.unlink()
    started = time.perf_counter()
    proc = subprocess.Popen(
        command.argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{command.name} failed with exit status {proc.returncode}")
    command.seconds.append(elapsed)
    command.peak_kb = max(command.peak_kb, usage.ru_maxrss)


def measure(commands: list[Command], cwd: Path, runs: int) -> None:
    env = environment()
    for command in commands:  # warm-up: byte code, disk cache
        run_once(command, cwd, env)
        command.seconds.clear()
    for _ in range(runs):
        for command in commands:
            run_once(command, cwd, env)


def generate(tree: Path, files: int, per_file: int, duplicates: float, seed: int) -> None:
    """In a separate process: memory this process touches would count in the children's
    peak RSS (Linux carries a process's high-water mark across fork and exec)."""
    subprocess.run(
        [PYTHON, str(ROOT / "bench" / "generate.py"), str(tree), "--files", str(files),
         "--versions", str(per_file), "--duplicates", str(duplicates), "--seed", str(seed)],
        check=True,
    )  # fmt: skip


def generate_big(path: Path, entries: int, seed: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [PYTHON, str(ROOT / "bench" / "generate.py"), scratch, "--files", "0",
             "--big", str(entries), "--seed", str(seed)],
            check=True,
        )  # fmt: skip
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(os.path.join(scratch, "big", "training_versions.json"), path)


def tvlint(*options: str, paths: list[str]) -> list[str]:
    """tvlint as pre-commit runs it: the console script beside the interpreter, the
    paths after ``--`` (the hooks' args)."""
    script = Path(PYTHON).parent / "tvlint"
    program = [str(script)] if script.exists() else [PYTHON, "-m", "tvlint"]
    return [*program, *options, "--", *paths]


class Peers:
    """The other validators, as commands over a list of files; notes say what is missing."""

    def __init__(self, cache: Path, install: bool) -> None:
        self.notes: list[str] = []
        exe = shutil.which("check-jsonschema", path=str(Path(PYTHON).parent))
        self.check_jsonschema = [exe or "check-jsonschema", "--schemafile", str(SCHEMA)]
        self.cpp = cpp_jsonschema(cache, install, self.notes)

    def commands(self, names: list[str]) -> list[Command]:
        found = [Command("check-jsonschema", [*self.check_jsonschema, *names])]
        if self.cpp is not None:
            # -F: check formats too, as tvlint and check-jsonschema do.
            found.append(
                Command("C++ jsonschema", [self.cpp, "validate", str(SCHEMA), *names, "-F"])
            )
        return found


def cpp_jsonschema(cache: Path, install: bool, notes: list[str]) -> str | None:
    """The C++ validator's binary from its npm package, installed into ``cache``."""
    system = {"Linux": "linux", "Darwin": "darwin"}.get(platform.system())
    arch = {"x86_64": "x86_64", "AMD64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine()
    )
    if system is None or arch is None:
        notes.append(
            f"C++ jsonschema left out: no binary for {platform.system()} {platform.machine()}"
        )
        return None
    package = cache / "npm" / "node_modules" / "@sourcemeta" / "jsonschema"
    binary = package / "build" / "github-releases" / f"jsonschema-{system}-{arch}"
    if not binary.exists() and install:
        npm = shutil.which("npm")
        if npm is None:
            notes.append("C++ jsonschema left out: npm is not installed")
            return None
        subprocess.run(
            [npm, "install", "--prefix", str(cache / "npm"), "--no-audit", "--no-fund", CPP_PACKAGE],
            check=False, stdout=subprocess.DEVNULL,
        )  # fmt: skip
    if not binary.exists():
        notes.append(
            "C++ jsonschema left out: not installed"
            + (f" (npm install {CPP_PACKAGE} failed)" if install else " (--quick installs nothing)")
        )
        return None
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True)
    notes.append(f"C++ jsonschema {version.stdout.strip()} ({binary.name})")
    return str(binary)


def digest(path: Path) -> str:
    """The file's SHA-256, read in blocks: memory this process touches would count in
    the peak RSS of every command it starts afterwards."""
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def relative_files(tree: Path) -> list[str]:
    return sorted(str(p.relative_to(tree)) for p in tree.rglob("training_versions.json"))


@dataclass
class Row:
    scenario: str
    command: Command
    floor: Command | None = None
    peers: list[Command] = field(default_factory=list)

    def cells(self) -> list[str]:
        c = self.command
        ratio = f"{c.median / self.floor.median:.2f}" if self.floor else ""
        versus = "; ".join(f"{p.median / c.median:.1f}x {p.name}" for p in self.peers)
        return [
            self.scenario,
            c.name,
            f"{c.median * 1000:.0f} ms",
            ratio,
            versus,
            # In MB (10^6 bytes), the unit of the file sizes the goals compare it with.
            f"{c.peak_kb * 1024 / 1e6:.0f} MB",
        ]


def table(rows: list[Row]) -> str:
    head = ["scenario", "command", "median", "÷ floor", "times faster than", "peak RSS"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def tree_rows(label: str, floor: Command, ours: list[Command], peers: list[Command]) -> list[Row]:
    """The scenario's rows: tvlint's checks are compared with the peers; --diff and --fix,
    which no peer does, are not."""
    rows = [Row(label, floor)]
    for c in ours:
        fixes = c.name.endswith(("--diff", "--fix"))
        rows.append(Row(label, c, floor, [] if fixes else peers))
    rows += [Row(label, p, floor) for p in peers]
    return rows


def scenario_tree(
    work: Path, files: int, share: float, runs: int, peers: Peers | None, seed: int
) -> list[Row]:
    """A tree of ``files`` files, ``share`` of them with a duplicate; with ``peers``, the
    whole comparison, otherwise tvlint and the floor only (the growth rows)."""
    tree = work / f"tree{files}-{share}"
    if not tree.exists():
        generate(tree, files, 8, share, seed)
    names = relative_files(tree)
    floor = Command("json.loads floor", [PYTHON, "-c", FLOOR, *names])
    ours = [Command("tvlint", tvlint(paths=names))]
    others: list[Command] = []
    if peers is not None:
        ours.append(Command("tvlint --jobs 1", tvlint("--jobs", "1", paths=names)))
        if share:
            ours.append(Command("tvlint --diff", tvlint("--diff", paths=names)))
        others = peers.commands(names)
    measure([floor, *ours, *others], tree, runs)
    state = "clean" if not share else f"{share:.0%} with a duplicate"
    return tree_rows(f"{files:,} files x 8, {state}", floor, ours, others)


def scenario_one_file(work: Path, share: float, runs: int, peers: Peers, seed: int) -> list[Row]:
    tree = work / f"tree1-{share}"
    if not tree.exists():
        generate(tree, 1, 8, share, seed)
    [name] = relative_files(tree)
    bare = Command("python -c pass", [PYTHON, "-c", "pass"])
    check = Command("tvlint", tvlint(paths=[name]))
    others = peers.commands([name])
    measure([bare, check, *others], tree, runs)
    label = "1 staged file, " + ("clean" if not share else "with a duplicate")
    return tree_rows(label, bare, [check], others)


def scenario_big(work: Path, entries: int, runs: int, peers: Peers | None, seed: int) -> list[Row]:
    """One large file; with ``peers``, also ``--diff``, ``--fix`` and the peers."""
    tree = work / f"big{entries}"
    pristine = tree / "training_versions.json"  # never written: every command but --fix
    target = tree / "fixed" / "training_versions.json"  # a fresh copy for each --fix
    if not pristine.exists():
        generate_big(pristine, entries, seed)
    target.parent.mkdir(exist_ok=True)
    name = pristine.name
    floor = Command("json.loads floor", [PYTHON, "-c", FLOOR, name])
    ours = [Command("tvlint", tvlint(paths=[name]))]
    others: list[Command] = []
    if peers is not None:
        ours.append(Command("tvlint --diff", tvlint("--diff", paths=[name])))
        fixed = str(target.relative_to(tree))
        ours.append(
            Command("tvlint --fix", tvlint("--fix", paths=[fixed]), prepare=[(pristine, target)])
        )
        others = peers.commands([name])
    before = digest(pristine)
    measure([floor, *ours, *others], tree, runs)
    if digest(pristine) != before:  # every run must see the file with its duplicates
        raise SystemExit(f"{pristine} changed during the benchmark")
    size = pristine.stat().st_size / 1e6
    shown = f"{size:.0f}" if size >= 10 else f"{size:.1f}"
    return tree_rows(f"1 file, {entries:,} entries ({shown} MB)", floor, ours, others)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run that checks it works")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--big", type=int, default=60000, help="entries in the large file")
    parser.add_argument("--scaling", default="200,2000,20000", help="clean tree sizes")
    parser.add_argument("--entry-scaling", default="6000,60000,240000", help="large file sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="where trees go (kept between runs)")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "tvlint-bench",
        help="where the C++ peer is installed (default: %(default)s)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.files, args.big = 1, 6, 200
        args.scaling, args.entry_scaling = "3,6", "100,200"
    work = args.work or Path(tempfile.mkdtemp(prefix="tvlint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    peers = Peers(args.cache, install=not args.quick)
    rows = scenario_tree(work, args.files, 0.0, args.runs, peers, args.seed)
    rows += scenario_tree(work, args.files, 0.8, args.runs, peers, args.seed)
    rows += scenario_one_file(work, 0.0, args.runs * 3, peers, args.seed)
    rows += scenario_one_file(work, 1.0, args.runs * 3, peers, args.seed)
    rows += scenario_big(work, args.big, args.runs, peers, args.seed)
    for files in (int(n) for n in args.scaling.split(",")):
        if files != args.files:
            rows += scenario_tree(work, files, 0.0, args.runs, None, args.seed)
    for entries in (int(n) for n in args.entry_scaling.split(",")):
        if entries != args.big:
            rows += scenario_big(work, entries, args.runs, None, args.seed)
    print(
        f"tvlint benchmark, {date.today()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{args.runs} runs each (medians)\n"
    )
    print(table(rows))
    for note in peers.notes:
        print(f"\n{note}")
    if args.work is None and not args.quick:
        print(f"\n(trees in {work})")
    if args.quick:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
