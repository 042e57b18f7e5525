"""Paths given on the command line → the files to check."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatchcase

from tvlint.reading import ReadRefused
from tvlint.tree import OutsideTree, Tree, TreeFinder

FILE_NAME = "training_versions.json"
# Never searched, never counted: version control and tools' caches hold no data.
SILENTLY_SKIPPED = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
# Environments: skipped outside git (and inside it when git tracks nothing in them),
# and counted, so that a skip is never invisible. By name only: what a directory holds
# is the repository's, and a pull request could add a marker file to hide any of them.
ENVIRONMENTS = frozenset({"node_modules", ".venv", "venv", ".tox", ".nox"})


class FileFilter:
    """Which files count, from ``[tool.tvlint]`` ``include`` and ``exclude`` globs.

    A glob matches a path relative to ``root`` (``data/archive/*``) or any single
    name in it (``*.old.json``, ``archive``); ``*`` crosses ``/``.
    """

    __slots__ = ("exclude", "include", "named_too", "root")

    def __init__(
        self,
        root: str = ".",
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        named_too: bool = False,
    ) -> None:
        self.root = root
        # ``--filter-files``: a file named on the command line is checked only if a
        # directory search would pick it (the hooks pass every staged JSON file).
        self.named_too = named_too
        # Globs match paths as tvlint prints them: "./data/**" is "data/**".
        self.include = tuple(_tidy_glob(g) for g in include)
        self.exclude = tuple(_tidy_glob(g) for g in exclude)

    def _relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), os.path.abspath(self.root)).replace(
            os.sep, "/"
        )

    def is_target(self, path: str) -> bool:
        name = os.path.basename(path)
        if name == FILE_NAME:
            return True
        if not self.include:
            return False
        relative = self._relative(path)
        return any(fnmatchcase(relative, g) or fnmatchcase(name, g) for g in self.include)

    def is_excluded(self, path: str) -> bool:
        if not self.exclude:
            return False
        parts = self._relative(path).split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        return any(fnmatchcase(p, g) for g in self.exclude for p in (*parts, *prefixes))


def _tidy_glob(glob: str) -> str:
    while glob.startswith("./"):
        glob = glob[2:]
    return glob


def tidy(path: str) -> str:
    """``path`` as tvlint prints it: as given, without ``./`` and doubled separators.

    ``..`` stays (collapsing it would change the meaning under a symlink).
    """
    if ".." in path.replace(os.sep, "/").split("/"):
        while path.startswith("./"):
            path = path[2:]
        return path
    return os.path.normpath(path)


class Target:
    """A file to check, as the user would name it, and the tree it must stay inside."""

    __slots__ = ("path", "tree")

    def __init__(self, path: str, tree: Tree) -> None:
        self.path = path
        self.tree = tree

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Target) and (other.path, other.tree) == (self.path, self.tree)

    def __hash__(self) -> int:
        return hash((self.path, self.tree))

    def __repr__(self) -> str:
        return f"Target({self.path!r}, {self.tree!r})"


class Discovery:
    """The files to check, and what the search could not list or chose to skip."""

    __slots__ = ("empty", "excluded", "files", "skipped", "unlistable")

    def __init__(self) -> None:
        self.files: list[Target] = []
        self.skipped: list[str] = []  # directories not searched (virtualenvs and such)
        self.excluded: list[str] = []  # files named that ``exclude`` leaves unchecked
        # Directories that could not be listed, or that lead out of their tree.
        self.unlistable: list[OSError] = []
        self.empty: list[str] = []  # directories searched that hold no file to check


def _is_environment(path: str) -> bool:
    return os.path.basename(path) in ENVIRONMENTS


def _order(relative: str) -> list[tuple[int, str]]:
    # os.walk's order: in each directory its files (sorted), then its subdirectories.
    *dirs, name = relative.split("/")
    return [*((1, d) for d in dirs), (0, name)]


def _walk(top: str, file_filter: FileFilter, found: Discovery) -> Iterator[str]:
    for parent, dirs, files in os.walk(top, onerror=found.unlistable.append):
        kept = []
        for d in sorted(dirs):
            path = os.path.join(parent, d)
            if d in SILENTLY_SKIPPED or file_filter.is_excluded(path):
                continue
            if _is_environment(path):
                found.skipped.append(path)
                continue
            kept.append(d)
        dirs[:] = kept
        # A directory named like the file is yielded for the reader to report.
        names = [n for n in files if file_filter.is_target(os.path.join(parent, n))]
        names += [n for n in dirs if n == FILE_NAME]
        for name in sorted(names):
            path = os.path.join(parent, name)
            if not file_filter.is_excluded(path):
                yield path


def git_work_tree(path: str) -> str | None:
    """The git work tree holding ``path`` as given (its parents, not resolved), or None.

    The search stops at a directory that is a symlink: git never looks through one, and
    a ``.git`` found beyond it (a link to another repository) holds nothing of this one.
    """
    directory = os.path.abspath(path)
    if not os.path.isdir(directory) or os.path.islink(directory):
        directory = os.path.dirname(directory)
    while True:
        if os.path.islink(directory):
            return None
        if os.path.lexists(os.path.join(directory, ".git")):
            return directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def _git_ls_files(top: str, *options: str) -> list[str] | None:
    """``git ls-files`` under ``top``, relative to it; None if git cannot tell."""
    import subprocess

    command = ["git", "-c", "core.fsmonitor=false", "-C", top, "ls-files", "-z", *options]
    try:
        listed = subprocess.run(command, capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None  # no git, or one that will not read this repository
    return [os.fsdecode(name) for name in listed.split(b"\0") if name]


def _git_walk(top: str, file_filter: FileFilter, found: Discovery) -> Iterator[str] | None:
    """The files git knows under ``top`` (tracked, and untracked ones it does not
    ignore), or None if git cannot list them.

    A tracked file is always checked, whatever the directory it is in holds; an
    untracked one is skipped inside an environment in which git tracks nothing.
    """
    tracked = _git_ls_files(top, "--cached")
    untracked = _git_ls_files(top, "--others", "--exclude-standard")
    if tracked is None or untracked is None:
        return None
    holds_tracked = {rel.rsplit("/", i)[0] for rel in tracked for i in range(1, rel.count("/") + 1)}
    skipped: dict[str, bool] = {}

    def in_skipped_environment(relative: str) -> bool:
        parts = relative.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            if prefix not in skipped:
                path = os.path.join(top, *parts[:depth])
                skip = prefix not in holds_tracked and _is_environment(path)
                if skip:
                    found.skipped.append(path)
                skipped[prefix] = skip
            if skipped[prefix]:
                return True
        return False

    candidates = [(rel, True) for rel in set(tracked)] + [(rel, False) for rel in untracked]
    chosen: list[tuple[list[tuple[int, str]], str]] = []
    for rel, is_tracked in candidates:
        rel = rel.rstrip("/")
        path = os.path.join(top, *rel.split("/"))
        is_dir = os.path.isdir(path) and not os.path.islink(path)
        # An untracked entry inside an environment (or that is one) is skipped.
        if not is_tracked and in_skipped_environment(rel + "/" if is_dir else rel):
            continue
        if is_dir:
            # Another repository inside this one (a submodule, or a clone git lists as
            # one untracked entry): searched as a tree of its own, never dropped.
            if file_filter.is_excluded(path):
                continue
            inner = (
                _git_walk(path, file_filter, found)
                if git_work_tree(path) == os.path.abspath(path)
                else None
            )
            for file in inner if inner is not None else _walk(path, file_filter, found):
                inner_rel = os.path.relpath(file, top).replace(os.sep, "/")
                chosen.append((_order(inner_rel), file))
            continue
        if not file_filter.is_target(path) or file_filter.is_excluded(path):
            continue
        if not os.path.lexists(path):  # tracked, but deleted from the work tree
            continue
        chosen.append((_order(rel), path))
    return iter(path for _, path in sorted(chosen))


def discover(paths: Sequence[str], file_filter: FileFilter | None = None) -> Discovery:
    """Each file to check, once, in a stable order, as the user would name it, with
    the tree it must stay inside (``tree.tree_of`` the path named).

    A file path is checked whatever its name (unless excluded); a directory is searched
    recursively for ``training_versions.json`` and the ``include`` globs: inside a git
    work tree, among the files git lists (what it ignores is skipped, what it tracks
    never is, and a directory named that git ignores is walked); elsewhere, by walking
    it. Links to directories are never followed; a named directory that leads out of
    its tree is not searched (an OutsideTree among ``unlistable``). A path that does
    not exist is kept as it is, so the reader reports it. A directory that cannot be
    listed is noted and the search goes on.
    """
    file_filter = file_filter or FileFilter()
    found = Discovery()
    seen: set[str] = set()
    finder = TreeFinder()
    for path in paths:
        tree = finder.tree_of(path)
        is_dir = os.path.isdir(path)
        if is_dir:
            try:
                tree.resolve(path)
            except OutsideTree as exc:
                exc.filename = tidy(path)
                found.unlistable.append(exc)
                continue
            listed = (
                _git_walk(path, file_filter, found)
                if git_work_tree(path) is not None and not _git_ignores(path)
                else None
            )
            files = listed if listed is not None else _walk(path, file_filter, found)
        else:
            files = iter(_named_file(path, file_filter, found))
        count = 0
        for file in files:
            count += 1
            file = tidy(file)
            key = os.path.normpath(file)
            if key not in seen:
                seen.add(key)
                found.files.append(Target(file, tree))
        if is_dir and not count:
            found.empty.append(tidy(path))
    return found


def _named_file(path: str, file_filter: FileFilter, found: Discovery) -> tuple[str, ...]:
    """``(path,)`` if the file named is to be checked, else ``()``.

    A file a person names is checked whatever its name; one that ``exclude`` matches is
    not, and is noted. With ``named_too`` (the hooks), it is checked only if a search
    would pick it, and one that is not is dropped without a word. A path that does not
    exist is kept, so that the reader reports it; one that looks like an option is
    reported here, saying where options go.
    """
    if path.startswith("-") and path != "-" and not os.path.lexists(path):
        found.unlistable.append(_option_as_path(path))
        return ()
    if file_filter.named_too:
        if not os.path.lexists(path):
            return (path,)
        picked = file_filter.is_target(path) and not file_filter.is_excluded(path)
        return (path,) if picked else ()
    if file_filter.is_excluded(path):
        found.excluded.append(tidy(path))
        return ()
    return (path,)


def _option_as_path(path: str) -> OSError:
    error = ReadRefused(
        "no such file; an option after -- is a path (a pre-commit hook's args: come "
        "after its --): set options in [tool.tvlint]"
    )
    error.filename = path
    return error


def _git_ignores(directory: str) -> bool:
    """Whether git ignores ``directory`` itself: then it lists nothing in it, but a
    directory a person names is checked all the same (as ruff and black do)."""
    import subprocess

    top = os.path.abspath(directory)
    if git_work_tree(top) == top:
        return False  # git never ignores the top of a work tree
    command = ["git", "-c", "core.fsmonitor=false", "-C", os.path.dirname(top)]
    command += ["check-ignore", "-q", "--", os.path.basename(top)]
    try:
        return subprocess.run(command, capture_output=True).returncode == 0
    except OSError:
        return False
