"""Times tvlint against check-jsonschema and a json.loads floor, as whole processes.

    python bench/run.py                # the full benchmark (a few minutes)
    python bench/run.py --quick        # a small tree, one run each: checks that it works

Every command gets the same list of files (as pre-commit passes them) and runs in the
tree's directory, interleaved with the others, several times; the table shows medians,
the ratios to the floor (a ``python -c`` on the same interpreter that reads and
``json.loads`` every file) and to check-jsonschema, and each command's peak resident
set size. Byte-code writing is allowed, so no run pays for compiling tvlint.
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


@dataclass
class Command:
    name: str
    argv: list[str]
    prepare: list[tuple[Path, Path]] = field(default_factory=list)  # copy src → dst first
    seconds: list[float] = field(default_factory=list)
    peak_kb: int = 0

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


def tvlint(*args: str) -> list[str]:
    return [PYTHON, "-m", "tvlint", *args]


def check_jsonschema() -> list[str]:
    exe = shutil.which("check-jsonschema", path=str(Path(PYTHON).parent)) or "check-jsonschema"
    return [exe, "--schemafile", str(SCHEMA)]


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
    floor: Command | None
    other: Command | None

    def cells(self) -> list[str]:
        c = self.command
        ratio = f"{c.median / self.floor.median:.2f}" if self.floor else ""
        versus = f"{self.other.median / c.median:.1f}x faster" if self.other else ""
        return [
            self.scenario,
            c.name,
            f"{c.median * 1000:.0f} ms",
            ratio,
            versus,
            f"{c.peak_kb / 1024:.0f} MB",
        ]


def table(rows: list[Row]) -> str:
    head = ["scenario", "command", "median", "÷ floor", "vs check-jsonschema", "peak RSS"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def scenario_tree(work: Path, files: int, runs: int, with_others: bool, seed: int) -> list[Row]:
    tree = work / f"tree{files}"
    if not tree.exists():
        generate(tree, files, 8, 0.8, seed)
    names = relative_files(tree)
    floor = Command("json.loads floor", [PYTHON, "-c", FLOOR, *names])
    check = Command("tvlint", tvlint(*names))
    commands = [floor, check]
    others: list[Command] = []
    if with_others:
        serial = Command("tvlint --jobs 1", tvlint("--jobs", "1", *names))
        diff = Command("tvlint --diff", tvlint("--diff", *names))
        cjs = Command("check-jsonschema", [*check_jsonschema(), *names])
        others = [serial, diff, cjs]
    measure(commands + others, tree, runs)
    label = f"{files:,} files x 8"
    if not others:
        return [Row(label, floor, None, None), Row(label, check, floor, None)]
    serial, diff, cjs = others
    return [
        Row(label, floor, None, None),
        Row(label, check, floor, cjs),
        Row(label, serial, floor, cjs),
        Row(label, diff, floor, None),
        Row(label, cjs, floor, None),
    ]


def scenario_one_file(work: Path, runs: int, seed: int) -> list[Row]:
    tree = work / "tree1"
    if not tree.exists():
        generate(tree, 1, 8, 1.0, seed)
    [name] = relative_files(tree)
    bare = Command("python -c pass", [PYTHON, "-c", "pass"])
    check = Command("tvlint", tvlint(name))
    cjs = Command("check-jsonschema", [*check_jsonschema(), name])
    measure([bare, check, cjs], tree, runs)
    return [
        Row("1 staged file", bare, None, None),
        Row("1 staged file", check, bare, cjs),
        Row("1 staged file", cjs, bare, None),
    ]


def scenario_big(work: Path, entries: int, runs: int, seed: int) -> list[Row]:
    tree = work / "big"
    pristine = tree / "training_versions.json"  # never written: every command but --fix
    target = tree / "fixed" / "training_versions.json"  # a fresh copy for each --fix
    if not pristine.exists():
        generate_big(pristine, entries, seed)
    target.parent.mkdir(exist_ok=True)
    name = pristine.name
    floor = Command("json.loads floor", [PYTHON, "-c", FLOOR, name])
    check = Command("tvlint", tvlint(name))
    diff = Command("tvlint --diff", tvlint("--diff", name))
    fix = Command(
        "tvlint --fix", tvlint("--fix", str(target.relative_to(tree))), prepare=[(pristine, target)]
    )
    cjs = Command("check-jsonschema", [*check_jsonschema(), name])
    before = digest(pristine)
    measure([floor, check, diff, fix, cjs], tree, runs)
    if digest(pristine) != before:  # every run must see the file with its duplicates
        raise SystemExit(f"{pristine} changed during the benchmark")
    size = pristine.stat().st_size / 1e6
    label = f"1 file, {entries:,} entries ({size:.0f} MB)"
    return [
        Row(label, floor, None, None),
        Row(label, check, floor, cjs),
        Row(label, diff, floor, None),
        Row(label, fix, floor, None),
        Row(label, cjs, floor, None),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run that checks it works")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--big", type=int, default=60000, help="entries in the large file")
    parser.add_argument("--scaling", default="200,2000,20000", help="tree sizes, tvlint only")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="where trees go (kept between runs)")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.files, args.big, args.scaling = 1, 6, 200, "3,6"
    work = args.work or Path(tempfile.mkdtemp(prefix="tvlint-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rows = scenario_tree(work, args.files, args.runs, True, args.seed)
    rows += scenario_one_file(work, args.runs * 3, args.seed)
    rows += scenario_big(work, args.big, args.runs, args.seed)
    for files in (int(n) for n in args.scaling.split(",")):
        if files != args.files:
            rows += scenario_tree(work, files, args.runs, False, args.seed)
    print(
        f"tvlint benchmark, {date.today()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{args.runs} runs each (medians)\n"
    )
    print(table(rows))
    if args.work is None and not args.quick:
        print(f"\n(trees in {work})")
    if args.quick:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
