"""The tree boundary: where each path may lead, for every read and write tvlint makes.

A path's tree is the git work tree that holds it or, outside git, the directory a
person named (a named file's own directory). Nothing is read, listed or written whose
real path lies outside its tree: a committed symlink, or a directory replaced by one,
can name any file on the machine, and its content would then reach the report.

The tree is found from the path as given, without following the links in it: a path's
components below the working directory come from the repository (a pull request can
make any of them a link), while the working directory and the directory part of a path
typed elsewhere (absolute, or with ``..``) are the person's own choice.
"""

from __future__ import annotations

import os

from tvlint.reading import ReadRefused


class OutsideTree(ReadRefused):
    """A path whose real location lies outside its tree; never read or written."""

    def __init__(self, real: str) -> None:
        super().__init__(f"it points outside the tree, to {real}")
        self.real = real


class Tree:
    """A directory (its real path) inside which a path's real location must lie."""

    __slots__ = ("root",)

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tree) and other.root == self.root

    def __hash__(self) -> int:
        return hash(self.root)

    def __repr__(self) -> str:
        return f"Tree({self.root!r})"

    def holds(self, real: str) -> bool:
        return real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)

    def resolve(self, path: str) -> str:
        """Where ``path`` leads (all links followed), or OutsideTree if that is not in
        this tree. The caller opens what this returns, not ``path``: checked here,
        used there."""
        real = os.path.realpath(path)
        if not self.holds(real):
            raise OutsideTree(real)
        return real


def _trusted_and_rest(path: str) -> tuple[str, list[str]]:
    """The real directory a person chose, and the components under it that came from
    the tree (each of which may be a link)."""
    cwd = os.getcwd()  # real: the kernel resolves it
    absolute = os.path.normpath(os.path.join(cwd, path))
    if ".." not in path.replace(os.sep, "/").split("/") and (
        absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep)
    ):
        return cwd, [p for p in os.path.relpath(absolute, cwd).split(os.sep) if p != "."]
    # Typed by a person: its directory is theirs; the last name may still be a link.
    head, name = os.path.split(absolute)
    return os.path.realpath(head), [name] if name else []


def tree_of(path: str) -> Tree:
    """The tree of a path named on the command line (or of a configuration file).

    The nearest directory that holds ``.git``, among the path's directories up to the
    first that is a link (a link is never a tree, nor is anything seen through it: a
    link to another repository is not that repository's tree), and then the chosen
    directory's parents; outside git, the named directory itself or, for a file or a
    link, the directory that holds it.
    """
    base, rest = _trusted_and_rest(path)
    chain = [base]
    for name in rest:
        directory = os.path.join(chain[-1], name)
        if os.path.islink(directory) or not os.path.isdir(directory):
            break
        chain.append(directory)
    directory = os.path.dirname(base)
    while True:
        chain.insert(0, directory)
        up = os.path.dirname(directory)
        if up == directory:
            break
        directory = up
    for directory in reversed(chain):
        if os.path.lexists(os.path.join(directory, ".git")):
            return Tree(directory)
    return Tree(chain[-1])


def new_file_directory(path: str) -> str:
    """The real directory a new file at ``path`` goes in (a report for ``-o``), or
    OutsideTree if a directory on the way is a link: the repository can hold links,
    and a report must not be sent out of the checkout through one."""
    base, rest = _trusted_and_rest(path)
    directory = base
    for name in rest[:-1]:
        directory = os.path.join(directory, name)
        if os.path.islink(directory):
            raise ReadRefused(
                f"{os.path.relpath(directory, base)} is a symlink (to "
                f"{os.path.realpath(directory)}); nothing is written through one"
            )
    return directory
