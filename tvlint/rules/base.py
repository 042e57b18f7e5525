"""What every rule is: a stable code and name, its options, a check, and its docstring as
its documentation (with a passing and a failing example, which the tests run).

A rule is one module: adding one is that module, a line in the registry
(``tvlint/rules/__init__.py``) and its tests. Its options are read from
``[tool.tvlint.rules.<name>]`` and validated from what it declares here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from tvlint import TYPE_CHECKING
from tvlint.config import DEFAULT_PROTECT
from tvlint.document import Document, InvalidJSON

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, ClassVar, Protocol

    from tvlint.problem import Finding

    class RunSettings(Protocol):
        """What a rule may read of the run's settings (``tvlint.config.Settings``),
        besides its own options."""

        schema: str | None
        max_file_size: int
        protect: tuple[str, ...]
        source: str | None
        clock: Callable[[], float]  # now, in seconds since the epoch (time.time)
        table: str  # "tool.tvlint", or "" for a tvlint.toml
        option_tables: Mapping[str, str]  # each rule's table as the file names it


class Option:
    """One option of a rule, as ``[tool.tvlint.rules.<rule name>]`` sets it."""

    __slots__ = ("default", "help", "kind", "name")
    KINDS = ("str", "int", "bool", "list[str]", "duration", "path")

    def __init__(self, name: str, kind: str, default: Any, help: str) -> None:
        assert kind in self.KINDS, kind
        self.name, self.kind, self.default, self.help = name, kind, default, help

    def accepts(self, value: Any) -> bool:
        if self.kind == "list[str]":
            return isinstance(value, list) and all(isinstance(v, str) for v in value)
        if self.kind == "duration":
            return isinstance(value, str) and _DURATION.fullmatch(value) is not None
        if self.kind == "path":  # relative to the configuration, inside its tree
            return isinstance(value, str) and bool(value)
        expected = {"str": str, "int": int, "bool": bool}[self.kind]
        return type(value) is expected


# A duration option: a whole number of seconds, minutes, hours or days ("90s", "3d").
_DURATION = re.compile(r"([0-9]{1,9})([smhd])", re.ASCII)
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_seconds(value: str) -> int:
    """The seconds a duration option's value (``Option.accepts`` took it) stands for."""
    match = _DURATION.fullmatch(value)
    if match is None:
        raise ValueError(f"not a duration: {value!r}")
    return int(match.group(1)) * _SECONDS[match.group(2)]


class Rule:
    """Base class; a rule's own docstring is its user documentation."""

    code: ClassVar[str]
    name: ClassVar[str]
    options: ClassVar[tuple[Option, ...]] = ()
    # The noun the JSON summary counts this rule's problems with ("duplicates": 3).
    counted_as: ClassVar[str | None] = None
    # The fix ``--fix`` makes of this rule's problems (``tvlint.fix`` plans it): "safe",
    # "unsafe" (only with ``--unsafe-fixes``: it changes values), or None.
    fixes: ClassVar[str | None] = None
    # Reported whatever --select and --ignore say (a file that is not JSON).
    always: ClassVar[bool] = False
    # Run unless deselected; a rule off by default runs only where select or
    # extend-select names it (its verdict depends on more than the file).
    default: ClassVar[bool] = True

    # The codes of the rules that run beside this one, as the registry sets them up (None:
    # every rule): a rule whose fix another rule's fix makes possible reads it.
    running: frozenset[str] | None = None

    def runs(self, code: str) -> bool:
        """Whether the rule ``code`` runs beside this one."""
        return self.running is None or code in self.running

    def __init__(self, **options: Any) -> None:
        values = {option.name: option.default for option in self.options}
        unknown = set(options) - set(values)
        if unknown:
            raise TypeError(f"{self.code} has no option {', '.join(sorted(unknown))}")
        values.update(options)
        self.values: Mapping[str, Any] = values

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> None:
        """ValueError, saying why, for option values of the right kinds that this rule
        still cannot use (read whether or not the rule runs)."""

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: RunSettings) -> Rule:
        """The rule as a run sets it up: its options, and what it needs of the run's
        settings (a rule with more to prepare, such as loading a schema, overrides this)."""
        return cls(**options)

    def check(self, doc: Document) -> Iterator[Finding]:
        """Findings in a document that parsed."""
        return iter(())

    def check_unparsed(self, error: InvalidJSON) -> Iterator[Finding]:
        """Findings in a file that is not JSON (only the rule about that has any)."""
        return iter(())

    @classmethod
    def doc(cls) -> str:
        import inspect

        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]

    def finding(
        self,
        message: str,
        pointer: str = "",
        offset: int | None = None,
        position: tuple[int, int] | None = None,
        fix: str | None = None,
    ) -> Finding:
        # Imported here: a clean file makes no finding, and dataclasses costs a
        # one-file run more than checking the file (tests/test_startup.py).
        from tvlint.problem import Finding

        return Finding(self.code, message, pointer, offset, position, fix)


class ProtectingRule(Rule):
    """A rule whose verdict depends on the keys a person sets (``[tool.tvlint]
    protect``), which ``--fix`` carries or leaves to a person: it reads them as the fix
    does."""

    def __init__(self, protect: Sequence[str] = DEFAULT_PROTECT) -> None:
        super().__init__()
        self.protect = tuple(protect)

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: RunSettings) -> Rule:
        return cls(settings.protect)
