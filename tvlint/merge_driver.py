"""``tvlint-merge``: git's merge driver for ``training_versions.json``.

git runs it as ``tvlint-merge %O %A %B %P`` (base, ours, theirs, the path): it writes the
merged file into ours and exits 0, or, where a person must decide (a conflict, a side
that is not valid JSON), falls back to git's own line merge (``git merge-file``: conflict
markers holding both sides) and exits 1, saying why in one line on stderr. So nothing is
ever lost: a fallback leaves both sides in the file. ``tvlint-merge --install`` registers
the driver in the repository's git configuration and ``.gitattributes``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Sequence

from tvlint import TYPE_CHECKING
from tvlint.errors import ConfigError
from tvlint.reading import describe_os_error
from tvlint.untrusted import DIAGNOSTIC_LIMIT, Own, cut, write_lines

if TYPE_CHECKING:
    from tvlint.lint import Linter

ATTRIBUTES_LINE = "training_versions.json merge=tvlint"
USAGE = "usage: tvlint-merge BASE OURS THEIRS [PATH]\n       tvlint-merge --install"
EXIT_CLEAN = 0
EXIT_CONFLICT = 1
EXIT_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["-h"], ["--help"]):
        print(__doc__.strip().splitlines()[0] if __doc__ else "", USAGE, sep="\n\n")
        return EXIT_CLEAN
    if args == ["--install"]:
        return install()
    if len(args) not in (3, 4) or any(a.startswith("-") for a in args[:3]):
        print(USAGE, file=sys.stderr)
        return EXIT_ERROR
    base, ours, theirs = args[:3]
    path = args[3] if len(args) == 4 else ours
    try:
        raw = [_read(name) for name in (base, ours, theirs)]
    except OSError as exc:
        _say(f"{path}: cannot read: {describe_os_error(exc)}")
        return EXIT_ERROR
    from tvlint.merge import Conflict, merge
    from tvlint.schema import SchemaLoadError

    try:
        merged = merge(raw[0], raw[1], raw[2], _linter_for(path))
    except (Conflict, ConfigError, SchemaLoadError) as exc:
        why = str(exc)
    except Exception as exc:  # git would keep ours alone: a fallback never lets theirs go
        why = f"unexpected error ({type(exc).__name__}: {exc})"
    else:
        _write(ours, merged)
        return EXIT_CLEAN
    _say(f"{path}: {why}; left to git's line merge")
    _line_merge(base, ours, theirs, raw)
    return EXIT_CONFLICT


def _say(message: str) -> None:
    """One line on stderr, through the output policy: it holds paths and values from
    the files."""
    write_lines(sys.stderr, [(Own("tvlint-merge: "), cut(message, DIAGNOSTIC_LIMIT))])


def _read(name: str) -> bytes:
    with open(name, "rb") as handle:
        return handle.read()


def _linter_for(path: str) -> Linter:
    """The linter of the configuration that applies to ``path`` (the nearest, as a run
    of tvlint finds it)."""
    from tvlint.config import ConfigFinder
    from tvlint.lint import Linter
    from tvlint.rules.interpret import interpret

    directory = os.path.dirname(os.path.abspath(path))
    return Linter.for_settings(ConfigFinder(check=interpret).settings_at(directory))


def _write(name: str, content: bytes) -> None:
    """``content`` into the file ``name``, whole or not at all."""
    directory = os.path.dirname(os.path.abspath(name))
    temporary = os.path.join(directory, f".{os.path.basename(name)}.tvlint-merge")
    with open(temporary, "wb") as handle:
        handle.write(content)
    os.replace(temporary, name)


def _line_merge(base: str, ours: str, theirs: str, raw: list[bytes]) -> None:
    """git's own merge of the three texts into ours, conflict markers and all; where git
    cannot run, markers around the whole of each side."""
    command = ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", ours, base, theirs]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError:
        done = None
    if done is not None and 0 <= done.returncode < 128:
        return
    _, mine, other = raw
    _write(ours, b"<<<<<<< ours\n" + mine + b"\n=======\n" + other + b"\n>>>>>>> theirs\n")


def install() -> int:
    """Register the driver in this repository: ``merge.tvlint.driver`` with the driver's
    absolute path (a driver git cannot run leaves only ours in the file), and the
    attribute line in ``.gitattributes`` at the top of the work tree."""
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=False
    )
    if top.returncode != 0:
        _say("--install: not inside a git work tree")
        return EXIT_ERROR
    root = top.stdout.strip()
    # Beside the interpreter that runs this: the command of the same installation.
    found = os.path.join(os.path.dirname(sys.executable), "tvlint-merge")
    if not os.path.isfile(found):
        found = shutil.which("tvlint-merge") or ""
    if not found:
        _say("--install: the tvlint-merge command is not installed")
        return EXIT_ERROR
    driver = shlex.quote(os.path.abspath(found))
    settings = {
        "merge.tvlint.name": "tvlint: training_versions.json, entry by entry",
        "merge.tvlint.driver": f"{driver} %O %A %B %P",
    }
    for key, value in settings.items():
        subprocess.run(["git", "config", key, value], cwd=root, check=True)
    attributes = os.path.join(root, ".gitattributes")
    try:
        with open(attributes, encoding="utf-8") as handle:
            written = handle.read()
    except FileNotFoundError:
        written = ""
    if ATTRIBUTES_LINE not in (line.strip() for line in written.splitlines()):
        with open(attributes, "a", encoding="utf-8") as handle:
            handle.write(
                ("\n" if written and not written.endswith("\n") else "") + ATTRIBUTES_LINE + "\n"
            )
    write_lines(
        sys.stdout,
        [
            f"merge.tvlint.driver = {settings['merge.tvlint.driver']}",
            f"{attributes}: {ATTRIBUTES_LINE}",
        ],
    )
    return EXIT_CLEAN
