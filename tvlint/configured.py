"""What each path is checked with: the settings of its configuration
(``config.ConfigFinder``), and the linter and file filter they make, each made once."""

from __future__ import annotations

import os

from tvlint.config import ConfigFinder, Settings
from tvlint.discover import FileFilter
from tvlint.lint import Linter


class Configured:
    """The linter and the file filter of each path, by the directory that holds it."""

    def __init__(self, finder: ConfigFinder, filter_named: bool = False) -> None:
        self.finder = finder
        self._linters: dict[int, Linter] = {}
        self._filters: dict[int, FileFilter] = {}
        self.filter = FilterByPath(self, filter_named)

    def settings_for(self, path: str) -> Settings:
        # A path's configuration is that of the directory holding it: for a file, its
        # own directory; for a directory searched, the one above it (which is what
        # prunes it). A configuration is made once, so its identity keys the memos.
        return self.finder.settings_at(os.path.dirname(path) or os.curdir)

    def use_named(self, paths: list[str]) -> None:
        """Read the configuration of each path named (a directory's own, a file's
        directory's), so that one that cannot be used is an error even where no file
        is found to check (ConfigError)."""
        for path in paths:
            directory = path if os.path.isdir(path) else os.path.dirname(path)
            self.finder.settings_at(directory or os.curdir)

    def linter_for(self, path: str) -> Linter:
        """The file's linter (ConfigError or SchemaLoadError if its configuration
        cannot be used)."""
        settings = self.settings_for(path)
        linter = self._linters.get(id(settings))
        if linter is None:
            linter = self._linters[id(settings)] = Linter.for_settings(settings)
        return linter

    def filter_for(self, path: str) -> FileFilter:
        settings = self.settings_for(path)
        found = self._filters.get(id(settings))
        if found is None:
            found = FileFilter(settings.root, settings.include, settings.exclude)
            self._filters[id(settings)] = found
        return found


class FilterByPath(FileFilter):
    """Each path matched against the ``include`` and ``exclude`` of its own
    configuration, relative to that configuration's directory."""

    __slots__ = ("_configured",)

    def __init__(self, configured: Configured, named_too: bool) -> None:
        super().__init__(named_too=named_too)
        self._configured = configured

    def is_target(self, path: str) -> bool:
        return self._configured.filter_for(path).is_target(path)

    def is_excluded(self, path: str) -> bool:
        return self._configured.filter_for(path).is_excluded(path)
