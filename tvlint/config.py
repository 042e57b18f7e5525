"""Each path's configuration: the nearest ``tvlint.toml``, or ``[tool.tvlint]`` of the nearest
``pyproject.toml``, under the command line's flags. Plain data, its keys and types
checked here: what names a rule, and each rule's options, the rule registry reads
(``tvlint.rules.interpret``)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Mapping

from tvlint import TYPE_CHECKING
from tvlint.errors import ConfigError as ConfigError  # where it was raised before
from tvlint.reading import DEFAULT_MAX_FILE_SIZE, describe_os_error, parse_size, read_file
from tvlint.stack import in_room
from tvlint.tree import tree_of
from tvlint.untrusted import cut

if TYPE_CHECKING:
    from typing import Any

PYPROJECT = "pyproject.toml"
TVLINT_TOML = "tvlint.toml"


# The keys a person sets, unless protect says otherwise: a model's verdict.
DEFAULT_PROTECT = ("isGood",)


class Settings:
    """What a run is configured with. Paths in it are absolute or relative to ``root``.

    A plain class, not a dataclass: every run makes one, and importing dataclasses
    costs a one-file run more than checking the file (tests/test_startup.py).
    """

    FIELDS = (
        "root", "schema", "select", "ignore", "include", "exclude", "max_file_size",
        "protect", "rule_options", "source", "extend_select", "clock", "table", "flags",
        "option_tables", "unsafe_fixes",
    )  # fmt: skip
    __slots__ = FIELDS

    def __init__(
        self,
        root: str = ".",
        schema: str | None = None,
        # Rules by code or name, as written (the registry reads them, tvlint.rules.interpret);
        # None: those on by default.
        select: tuple[str, ...] | None = None,
        ignore: tuple[str, ...] = (),
        include: tuple[str, ...] = (),  # globs of extra training-versions files
        exclude: tuple[str, ...] = (),
        max_file_size: int = DEFAULT_MAX_FILE_SIZE,  # bytes; larger files are not read
        protect: tuple[str, ...] = DEFAULT_PROTECT,  # entry keys a person sets
        # Each rule's table, [tool.tvlint.rules.<name or code>], as written (the registry
        # validates it, and gives it by rule name).
        rule_options: Mapping[str, Any] | None = None,
        source: str | None = None,  # the configuration file they come from, if any
        extend_select: tuple[str, ...] = (),  # rules run besides those selected
        clock: Callable[[], float] = time.time,  # now, for rules whose verdict needs it
        table: str = "tool.tvlint",  # the table they come from ("" for a tvlint.toml)
        flags: frozenset[str] = frozenset(),  # the fields the command line set
        # Each rule's table as the file names it (by code or name), by rule name.
        option_tables: Mapping[str, str] | None = None,
        unsafe_fixes: bool = False,  # --fix also makes the fixes that change values
    ) -> None:
        self.root, self.schema, self.max_file_size = root, schema, max_file_size
        self.select, self.ignore, self.include, self.exclude = select, ignore, include, exclude
        self.protect, self.source = protect, source
        self.extend_select, self.clock = extend_select, clock
        self.rule_options = {} if rule_options is None else rule_options
        self.table, self.flags = table, flags
        self.option_tables = {} if option_tables is None else option_tables
        self.unsafe_fixes = unsafe_fixes

    @property
    def where(self) -> str:
        """The configuration file and table, as an error names them."""
        return table_where(self.source or "", self.table)

    def replace(self, **changes: Any) -> Settings:
        """These settings with ``changes`` (keyword arguments of ``__init__``)."""
        values = {name: getattr(self, name) for name in self.FIELDS}
        values.update(changes)
        return Settings(**values)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"Settings({fields})"


_KEYS = {
    "schema", "select", "extend-select", "ignore", "include", "exclude", "max-file-size",
    "protect", "rules", "unsafe-fixes",
}  # fmt: skip


def find_config(start: str) -> str | None:
    """The nearest configuration at or above the directory ``start`` (see
    ``ConfigFinder``), or None."""
    settings = ConfigFinder().settings_at(start)
    return settings.source


def load_settings(start: str = ".") -> Settings:
    """The settings of the nearest configuration at or above the directory ``start``
    (defaults if there is none)."""
    return ConfigFinder().settings_at(start)


class ConfigFinder:
    """Each directory's settings: those of the nearest configuration at or above it, as
    ruff finds its own, so that a file gets the same verdict from any working directory.

    In each directory, a ``tvlint.toml`` (its keys those of ``[tool.tvlint]``), else a
    ``pyproject.toml`` that has a ``[tool.tvlint]`` table; a ``pyproject.toml`` without
    one is passed over. The search goes up to the repository root (the directory that
    holds ``.git``), never past it, or to the file system's root outside git. Each
    directory is searched once, and each configuration read once, in a run; ``flags``
    (the command line's) replace what a configuration sets. ``config``, a file named
    with ``--config``, is the configuration of every directory. ``check`` reads each
    configuration as it is read, before the flags replace anything in it (the rule
    registry's ``interpret``: a mistake in a file is an error even where a flag
    overrides the key).
    """

    def __init__(
        self,
        flags: Mapping[str, Any] | None = None,
        config: str | None = None,
        check: Callable[[Settings], Settings] | None = None,
    ) -> None:
        self._flags = dict(flags or {})
        self._check = check
        self._at: dict[str, Settings] = {}
        # By the directory as given: a run asks for each file's several times, and
        # making it absolute is a system call (the working directory) each time.
        self._given: dict[str, Settings] = {}
        self._read: dict[str | None, Settings] = {}
        self._fixed = None if config is None else self._settings(config, named=True)

    def settings_at(self, directory: str) -> Settings:
        if self._fixed is not None:
            return self._fixed
        known = self._given.get(directory)
        if known is None:
            known = self._given[directory] = self._settings_at(os.path.abspath(directory))
        return known

    def _settings_at(self, directory: str) -> Settings:
        at = self._at
        passed: list[str] = []
        found: Settings | None = None
        while directory not in at:
            passed.append(directory)
            found = self._here(directory)
            if found is not None:
                break
            parent = os.path.dirname(directory)
            if parent == directory or os.path.exists(os.path.join(directory, ".git")):
                found = self._settings(None)
                break
            directory = parent
        settings = found if found is not None else at[directory]
        for below in passed:
            at[below] = settings
        return settings

    def _here(self, directory: str) -> Settings | None:
        for name in (TVLINT_TOML, PYPROJECT):
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                settings = self._settings(candidate)
                if settings.source is not None:
                    return settings
        return None

    def _settings(self, path: str | None, named: bool = False) -> Settings:
        """The settings of the configuration at ``path`` (the defaults for None), the
        flags applied; a ``pyproject.toml`` without ``[tool.tvlint]`` gives settings
        whose ``source`` is None, unless ``named``, where that is an error."""
        known = self._read.get(path)
        if known is None:
            loaded = Settings() if path is None else _load(path, named)
            if self._check is not None:
                loaded = self._check(loaded)
            known = self._read[path] = override(loaded, **self._flags)
        return known


def _load(path: str, named: bool) -> Settings:
    try:
        raw = read_file(tree_of(path).resolve(path))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {describe_os_error(exc)}") from None
    root = os.path.dirname(os.path.abspath(path))
    pyproject = os.path.basename(path) == PYPROJECT
    # Without the word (even escaped) there is no [tool.tvlint], and no need to pay for
    # importing a TOML parser on every run in a repository that has a pyproject.toml.
    if pyproject and not named and b"tvlint" not in raw and b"\\u" not in raw and b"\\U" not in raw:
        return Settings(root=root)
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        # tomllib parses arrays and inline tables by recursion.
        document = in_room(lambda: tomllib.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except ValueError:
        # int()'s limit on digits (CVE-2020-10735), which tomllib does not catch.
        raise ConfigError(f"{path}: not valid TOML: an integer with too many digits") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: values nested too deeply") from None
    if not pyproject:
        return settings_from_table(document, root=root, source=path, table_name="")
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: tool must be a table ([tool.tvlint])")
    table = tool.get("tvlint")
    if table is None:
        if named:
            raise ConfigError(f"{path}: no [tool.tvlint] table")
        return Settings(root=root)
    return settings_from_table(table, root=root, source=path)


def settings_from_table(
    table: Any, root: str, source: str, table_name: str = "tool.tvlint"
) -> Settings:
    """The settings a configuration's table sets: ``[tool.tvlint]`` of a
    ``pyproject.toml``, or the whole of a ``tvlint.toml`` (``table_name`` "")."""
    where = table_where(source, table_name)
    values: dict[str, Any] = {"root": root, "source": source}
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {', '.join(repr(cut(k)) for k in unknown[:5])} "
            f"(known: {', '.join(sorted(_KEYS))})"
        )
    if "schema" in table:
        values["schema"] = path_setting(table["schema"], f"{where}: schema", source, root)
    for key in ("select", "extend-select", "ignore"):  # names, as written: the registry reads them
        if key in table:
            values[key.replace("-", "_")] = tuple(_strings(table[key], f"{where}: {key}"))
    for key in ("include", "exclude"):
        if key in table:
            values[key] = tuple(_strings(table[key], f"{where}: {key}"))
    if "protect" in table:
        protect = table["protect"]
        if protect != []:  # an empty list protects nothing
            protect = _strings(protect, f"{where}: protect")
        values["protect"] = tuple(protect)
    if "unsafe-fixes" in table:
        if type(table["unsafe-fixes"]) is not bool:
            raise ConfigError(f"{where}: unsafe-fixes must be true or false")
        values["unsafe_fixes"] = table["unsafe-fixes"]
    if "max-file-size" in table:
        values["max_file_size"] = size_setting(table["max-file-size"], f"{where}: max-file-size")
    if "rules" in table:
        rules = table["rules"]
        if not isinstance(rules, dict):
            raise ConfigError(
                f"{source}: [{rules_table(table_name)}] must be a table of tables, one for each rule"
            )
        values["rule_options"] = rules  # each rule's table, as written: the registry reads them
    values["table"] = table_name
    return Settings(**values)


def table_where(source: str, table_name: str) -> str:
    """A configuration's table as an error names it: ``pyproject.toml: [tool.tvlint]``,
    or the file alone for a ``tvlint.toml``, whose keys are at the top."""
    return f"{source}: [{table_name}]" if table_name else source


def rules_table(table_name: str) -> str:
    """The name of the table of the rules' options: ``tool.tvlint.rules`` or ``rules``."""
    return f"{table_name}.rules" if table_name else "rules"


def path_setting(value: Any, where: str, source: str, root: str) -> str:
    """A path a configuration sets (relative to ``root``), where it leads."""
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be a path (a non-empty string)")
    try:
        # The configuration's own tree: a pull request that sets the schema must not
        # make tvlint read (and quote) any other file on the machine.
        return tree_of(source).resolve(os.path.join(root, value))
    except OSError as exc:
        raise ConfigError(f"{where}: {describe_os_error(exc)}") from None
    except ValueError:  # a NUL, which no path holds
        raise ConfigError(f"{where}: not a path: {cut(value)!r}") from None


def size_setting(value: Any, where: str) -> int:
    """Bytes from a size setting: a positive integer or a string such as ``"512MiB"``."""
    if type(value) is int and value > 0:
        return value
    try:
        return parse_size(value) if isinstance(value, str) else parse_size(repr(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _strings(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ConfigError(f"{where} must be a list of non-empty strings")
    return value


def override(settings: Settings, **flags: Any) -> Settings:
    """``settings`` with every flag that was given on the command line (not None)."""
    given = {k: v for k, v in flags.items() if v is not None}
    assert set(given) <= set(Settings.FIELDS), set(given) - set(Settings.FIELDS)
    if "extend_select" in given:  # adds to the configuration's list, as ruff's does
        given["extend_select"] = (*settings.extend_select, *given["extend_select"])
    return settings.replace(**given, flags=settings.flags | frozenset(given))
