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
from tvlint.discover import FILE_NAME
from tvlint.errors import ConfigError
from tvlint.reading import DEFAULT_MAX_FILE_SIZE, ReadRefused, describe_os_error, read_file
from tvlint.tree import Tree, tree_of
from tvlint.untrusted import DIAGNOSTIC_LIMIT, Own, cut, write_lines

if TYPE_CHECKING:
    from tvlint.lint import Linter

ATTRIBUTES_LINE = f"{FILE_NAME} merge=tvlint"
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
    from tvlint.merge import Conflict, merge
    from tvlint.schema import SchemaLoadError

    try:
        linter = _linter_for(path)
        # As tvlint reads a file: a regular file, inside its tree, within the size limit.
        raw = [_read(name, linter.max_file_size) for name in (base, ours, theirs)]
        merged = merge(raw[0], raw[1], raw[2], linter)
    except (Conflict, ConfigError, SchemaLoadError) as exc:
        why = str(exc)
    except OSError as exc:
        why = f"cannot read a side: {describe_os_error(exc)}"
    except Exception as exc:  # git would keep ours alone: a fallback never lets theirs go
        why = f"unexpected error ({type(exc).__name__}: {exc})"
    else:
        _write(ours, merged)
        return EXIT_CLEAN
    _say(f"{path}: {why}; left to git's line merge")
    return EXIT_CONFLICT if _line_merge(base, ours, theirs) else EXIT_ERROR


def _say(message: str) -> None:
    """One line on stderr, through the output policy: it holds paths and values from
    the files."""
    write_lines(sys.stderr, [(Own("tvlint-merge: "), cut(message, DIAGNOSTIC_LIMIT))])


def _read(name: str, limit: int = DEFAULT_MAX_FILE_SIZE) -> bytes:
    return read_file(name, limit, tree_of(name))


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


def _line_merge(base: str, ours: str, theirs: str) -> bool:
    """git's own merge of the three texts into ours, conflict markers and all; where git
    cannot run, markers around the whole of each side. False where neither could be
    made (ours is then as it was, and git keeps both sides in its index)."""
    command = ["git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", ours, base, theirs]
    try:
        done = subprocess.run(command, capture_output=True, check=False)
    except OSError:
        done = None
    if done is not None and 0 <= done.returncode < 128:
        return True
    try:
        mine, other = _read(ours), _read(theirs)
    except OSError as exc:
        _say(f"{ours}: cannot read: {describe_os_error(exc)}")
        return False
    _write(ours, b"<<<<<<< ours\n" + mine + b"\n=======\n" + other + b"\n>>>>>>> theirs\n")
    return True


def install() -> int:
    """Register the driver in this repository: ``merge.tvlint.driver`` with the driver's
    absolute path (a driver git cannot run leaves only ours in the file), and the
    attribute line in ``.gitattributes`` at the top of the work tree.

    Every git command runs where this one was started, so the repository is the one git
    itself sees from here (a relative ``GIT_DIR`` included). The attributes file is
    checked before anything is set: one that cannot be used changes nothing.
    """
    top = _git("rev-parse", "--show-toplevel")
    if top is None:
        _say("--install: not inside a git work tree")
        return EXIT_ERROR
    root = os.fsdecode(top.removesuffix(b"\n"))  # a name may end in a space, or not be UTF-8
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
    from tvlint.safe_write import WriteFailed

    attributes = os.path.join(root, ".gitattributes")
    tree = Tree(root)
    try:
        written = _read_attributes(attributes, tree)
    except OSError as exc:
        _say(f"--install: {attributes}: {describe_os_error(exc)}; nothing was changed")
        return EXIT_ERROR
    for key, value in settings.items():
        if _git("config", "--replace-all", key, value) is None:  # one value, however many
            _say(f"--install: git config {key} failed")
            return EXIT_ERROR
    # The shared file must hold the line itself (a clone has neither this one's
    # .git/info/attributes nor its core.attributesFile), and git must take it for every
    # such file: at the top, deeper down, and each one the repository holds. A later
    # line of the file can set another driver; the file's last line wins over it.
    probes = _probes(root)
    line = ATTRIBUTES_LINE.encode()
    # Blank as git reads the file: spaces, tabs and line ends (not a form feed).
    lines = [] if written is None else [each.strip(b" \t\r") for each in written.splitlines()]
    last = next((each for each in reversed(lines) if each), b"")
    try:
        not_taken = _not_taken(probes)
        if last != line and (line not in lines or not_taken is not None):
            _add_attributes_line(attributes, written, tree)
            not_taken = _not_taken(probes)
    except _NotKnown:
        _say("--install: git check-attr failed: whether git takes the driver is not known")
        return EXIT_ERROR
    except (OSError, WriteFailed) as exc:
        reason = describe_os_error(exc) if isinstance(exc, OSError) else exc.reason
        _say(f"--install: {attributes}: {reason}")
        return EXIT_ERROR
    if not_taken is not None:
        path, taken = not_taken
        _say(
            f"--install: git takes merge={taken} for {os.path.relpath(path, root)} even "
            f"with {ATTRIBUTES_LINE!r} last in .gitattributes: a .gitattributes nearer "
            "to it, .git/info/attributes or core.attributesFile sets it"
        )
        return EXIT_ERROR
    write_lines(
        sys.stdout,
        [
            f"merge.tvlint.driver = {settings['merge.tvlint.driver']}",
            f"{attributes}: {ATTRIBUTES_LINE}",
        ],
    )
    return EXIT_CLEAN


def _git(*args: str, given: bytes | None = None) -> bytes | None:
    """git's output, run where this command was started (``given`` on its stdin); None
    where it fails."""
    try:
        done = subprocess.run(["git", *args], input=given, capture_output=True, check=False)
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def _probes(root: str) -> list[str]:
    """The files the driver is for, as absolute paths (git takes those from anywhere):
    one at the top, one deeper down, and each the repository holds."""
    held = _git("ls-files", "-z", "--full-name", "--", f":(top,glob)**/{FILE_NAME}") or b""
    names = [FILE_NAME, f"any/directory/{FILE_NAME}"]
    names += [os.fsdecode(name) for name in held.split(b"\0") if name]
    return [os.path.join(root, name) for name in names]


class _NotKnown(Exception):
    """git cannot say which merge driver it takes for a file."""


def _not_taken(paths: list[str]) -> tuple[str, str] | None:
    """The first of ``paths`` for which git's ``merge`` attribute is not ``tvlint``, with
    that attribute (``unspecified`` where none is set); None where git takes the driver
    for each (_NotKnown where git cannot tell)."""
    given = b"".join(os.fsencode(path) + b"\0" for path in paths)
    said = _git("check-attr", "--stdin", "-z", "merge", given=given)
    if said is None:
        raise _NotKnown
    fields = said.split(b"\0")
    for start in range(0, len(fields) - 2, 3):
        path, _, value = fields[start : start + 3]
        if value != b"tvlint":
            return os.fsdecode(path), os.fsdecode(value)
    return None


def _read_attributes(attributes: str, tree: Tree) -> bytes | None:
    """The bytes of ``.gitattributes``, None where there is none; ReadRefused for a link
    (git does not read one, so a line added through it would never be taken, and it may
    lead to any file of the repository, ``.git/config`` included) and for what tvlint
    would not read (a link's or a parent's way out of the tree, not a regular file,
    past the size limit)."""
    if not os.path.lexists(attributes):
        return None
    if os.path.islink(attributes):
        raise ReadRefused("it is a symbolic link, which git does not read as attributes")
    return read_file(tree.resolve(attributes), DEFAULT_MAX_FILE_SIZE, tree)


def _add_attributes_line(attributes: str, written: bytes | None, tree: Tree) -> None:
    """The driver's line added at the end of ``.gitattributes`` (``written``, or None
    where there is none): its bytes kept as they are (any encoding), the line ending
    CRLF where it has one, written as tvlint writes a checked file (inside the work
    tree, whole or not at all, and only if it still holds ``written``)."""
    from tvlint.safe_write import replace_file, write_new_file

    if written is None:
        write_new_file(attributes, ATTRIBUTES_LINE.encode() + b"\n")
        return
    ending = b"\r\n" if b"\r\n" in written else b"\n"
    joined = written if not written or written.endswith(b"\n") else written + ending
    real = tree.resolve(attributes)
    replace_file(attributes, written, joined + ATTRIBUTES_LINE.encode() + ending, False, real)
