"""The tree boundary: where each path may lead, for every read and write tvlint makes.

A path's tree is the git work tree that holds it or, outside git, the directory a
person named (a named file's own directory). Nothing is read, listed or written whose
real path lies outside its tree: a committed symlink, or a directory replaced by one,
can name any file on the machine, and its content would then reach the report.

The tree is found from the path as given, without following the links the repository
holds: the names of a relative path, and of an absolute one below the working directory
or inside a git work tree, come from the repository (a pull request can make any of them
a link); the working directory, and an absolute path's directories above both, are the
person's own choice. ``..`` goes to the real parent.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable

from tvlint.reading import ReadRefused


class OutsideTree(ReadRefused):
    """A path whose real location lies outside its tree; never read or written."""

    def __init__(self, real: str) -> None:
        super().__init__(f"it points outside the tree, to {real}")
        self.real = real


class Tree:
    """A directory (its real path) inside which a path's real location must lie."""

    __slots__ = ("root",)

    def __init__(self, root: str, real: bool = False) -> None:
        # ``real``: the caller has seen every component of ``root`` is no link.
        self.root = root if real else os.path.realpath(root)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Tree({self.root!r})"

    def holds(self, real: str) -> bool:
        return real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)

    def check_open(self, fd: int, path: str) -> None:
        """OutsideTree unless the file open as ``fd`` (opened from ``path``) lies in this
        tree: the kernel's name for what was opened, so no link can be swapped in
        between the check and the read (Linux); elsewhere ``path``'s real path."""
        try:
            real = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            real = os.path.realpath(path)
        if not self.holds(real):
            raise OutsideTree(real)

    def resolve(self, path: str) -> str:
        """Where ``path`` leads (all links followed), or OutsideTree if that is not in
        this tree. The caller opens what this returns, not ``path``: checked here,
        used there."""
        real = os.path.realpath(path)
        if not self.holds(real):
            raise OutsideTree(real)
        return real


class _Walk:
    """Where a walk of a path's names stands: the real directory reached, whether links
    are still followed, the link it stopped at (if any), and whether it stopped."""

    __slots__ = ("current", "follow", "link", "stopped")

    def __init__(self, current: str, follow: bool, link: str | None, stopped: bool) -> None:
        self.current, self.follow, self.link, self.stopped = current, follow, link, stopped


def _start(absolute: bool, cwd: str) -> _Walk:
    current = os.path.abspath(os.sep) if absolute else cwd
    return _Walk(current, absolute and not _inside(current, cwd), None, False)


def _step(
    walk: _Walk, name: str, cwd: str, kind: Callable[[str], str], holds_git: Callable[[str], bool]
) -> _Walk:
    """The walk once past ``name`` (neither empty nor ``.``)."""
    if walk.stopped:
        return walk
    current, follow = walk.current, walk.follow
    if name == "..":
        return _Walk(os.path.dirname(current), follow, None, False)
    below = os.path.join(current, name)
    found = kind(below)
    if found == "link":
        if not follow:
            return _Walk(current, follow, below, True)
        below = os.path.realpath(below)
        found = "dir" if os.path.isdir(below) else "other"
    if found != "dir":
        return _Walk(current, follow, None, True)
    if follow and (_inside(below, cwd) or holds_git(below)):
        follow = False
    return _Walk(below, follow, None, False)


def _reach(
    path: str, cwd: str, kind: Callable[[str], str], holds_git: Callable[[str], bool]
) -> tuple[str, str | None, bool]:
    """The real directory ``path``'s directories lead to, the first link on the way
    that is not followed (or None), and whether every name of ``path`` was a directory
    passed.

    Links are followed only in what a person chose: an absolute path's directories
    above the working directory and above any git work tree it enters. Below those, and
    in every relative path, the names come from the repository, and a link stops the
    walk. ``..`` goes to the real parent, as the kernel does.
    """
    walk = _start(os.path.isabs(path), cwd)
    for name in path.split(os.sep):
        if name not in ("", "."):
            walk = _step(walk, name, cwd, kind, holds_git)
    return walk.current, walk.link, not walk.stopped


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


def _kind(path: str) -> str:
    """ "dir", "link" or "other" (a file, or nothing), without following a link."""
    try:
        mode = os.lstat(path).st_mode
    except (OSError, ValueError):
        return "other"
    return "dir" if stat.S_ISDIR(mode) else "link" if stat.S_ISLNK(mode) else "other"


def _holds_git(directory: str) -> bool:
    return os.path.lexists(os.path.join(directory, ".git"))


def _git_root(directory: str, holds_git: Callable[[str], bool]) -> str | None:
    """The nearest of ``directory`` and its parents that holds ``.git``."""
    while not holds_git(directory):
        up = os.path.dirname(directory)
        if up == directory:
            return None
        directory = up
    return directory


def enclosing_work_tree(directory: str) -> str | None:
    """The nearest of the real ``directory`` and its parents that holds ``.git``."""
    return _git_root(directory, _holds_git)


def tree_of(path: str) -> Tree:
    """The tree of a path named on the command line (or of a configuration file).

    The nearest directory that holds ``.git`` among the directory the path's
    directories lead to (``_reach``: a link the repository holds is never followed, so
    a link to another repository is not that repository's tree) and its parents;
    outside git, the named directory itself or, for a file or a link, the directory
    that holds it.
    """
    reached, _, _ = _reach(path, os.getcwd(), _kind, _holds_git)
    return Tree(_git_root(reached, _holds_git) or reached)


class TreeFinder:
    """``tree_of`` for many paths of one run (pre-commit passes every staged file).

    Each directory named is walked once: a path's walk goes on from its parent's,
    remembered by the parent's name, so 2,000 files in 2,000 directories cost one
    step each, not one per name. Each directory is searched for ``.git`` once, and a
    search up from a directory stops at the first one already searched. A reached
    directory is real, so a tree's root needs no realpath. Held to ``tree_of`` by
    tests/test_tree_boundary.py::test_the_finder_finds_what_tree_of_finds.
    """

    def __init__(self) -> None:
        self.cwd = os.getcwd()
        self._walks: dict[str, _Walk] = {}
        self._git: dict[str, bool] = {}
        self._roots: dict[str, str | None] = {}
        self._trees: dict[str, Tree] = {}

    def _holds_git(self, directory: str) -> bool:
        known = self._git.get(directory)
        if known is None:
            known = self._git[directory] = _holds_git(directory)
        return known

    def _walk(self, path: str) -> _Walk:
        # Up by os.path.split to a path walked before (or to the start), then down:
        # a loop, not recursion, since a path may have thousands of names.
        walks = self._walks
        pending: list[tuple[str, str]] = []
        while path not in walks:
            head, name = os.path.split(path)
            if head == path:  # "", or only separators
                walks[path] = _start(bool(path), self.cwd)
                break
            pending.append((path, name))
            path = head
        walk = walks[path]
        for prefix, name in reversed(pending):
            if name not in ("", "."):
                walk = _step(walk, name, self.cwd, _kind, self._holds_git)
            walks[prefix] = walk
        return walk

    def _git_root(self, directory: str) -> str | None:
        roots = self._roots
        passed: list[str] = []
        while directory not in roots:
            if self._holds_git(directory):
                roots[directory] = directory
                break
            up = os.path.dirname(directory)
            if up == directory:
                roots[directory] = None
                break
            passed.append(directory)
            directory = up
        found = roots[directory]
        for below in passed:
            roots[below] = found
        return found

    def tree_of(self, path: str) -> Tree:
        reached = self._walk(path).current
        root = self._git_root(reached) or reached
        tree = self._trees.get(root)
        if tree is None:
            tree = self._trees[root] = Tree(root, real=True)
        return tree


def new_file_directory(path: str) -> str:
    """The real directory a new file at ``path`` goes in (a report for ``-o``), or
    ReadRefused if a directory on the way is a link the repository holds: a report
    must not be sent out of the checkout through one."""
    head, name = os.path.split(path)
    if not name:
        raise IsADirectoryError(f"{path}: is a directory")
    cwd = os.getcwd()
    reached, link, complete = _reach(head or os.curdir, cwd, _kind, _holds_git)
    if link is not None:
        raise ReadRefused(
            f"{os.path.relpath(link, cwd)} is a symlink (to {os.path.realpath(link)}); "
            "nothing is written through one"
        )
    if not complete or not os.path.isdir(reached):
        raise FileNotFoundError(f"{head}: no such directory")
    return reached
