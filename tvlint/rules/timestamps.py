"""Rules about when the entries say things happened."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.model import model_of
from tvlint.rules.base import Option, Rule, duration_seconds
from tvlint.string_formats import rfc3339_instant
from tvlint.untrusted import quoted

if TYPE_CHECKING:
    from typing import Any

    from tvlint.problem import Finding
    from tvlint.rules.base import RunSettings

_KEYS = ("timestamp", "completedAt")
_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60))


class TimestampInFuture(Rule):
    """An entry's ``timestamp`` or ``completedAt`` lies in the future.

    The keep-best ranking prefers the newer ``timestamp``, so an entry written by a
    machine whose clock runs ahead would win every group it is in, and a run cannot
    have completed later than now. Each of the two keys is reported, at its value,
    where it lies more than ``allowed-skew`` (default ``"1h"``) after the time of the
    run. A value that is not an RFC 3339 date-time is TV003's to report. Off by
    default, as its verdict depends on the clock: a repository turns it on with
    ``extend-select = ["TV007"]`` (or ``--extend-select TV007``).

    Passing::

        {"versions": [{"id": "style_1_vV7", "timestamp": "2025-10-12T08:41:02Z"}]}

    Failing::

        {"versions": [{"id": "style_1_vV7", "timestamp": "2999-10-12T08:41:02Z"}]}
    """

    code = "TV007"
    name = "timestamp-in-future"
    default = False
    options = (
        Option(
            "allowed-skew",
            "duration",
            "1h",
            'how far after now a timestamp may lie ("90s", "30m", "12h", "3d"): a '
            "writer's clock may run a little ahead",
        ),
    )

    def __init__(self, clock: Callable[[], float] = time.time, **options: Any) -> None:
        super().__init__(**options)
        self.skew = duration_seconds(self.values["allowed-skew"])
        self.clock = clock  # a test passes its own

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: RunSettings) -> Rule:
        return cls(settings.clock, **options)

    def check(self, doc: Document) -> Iterator[Finding]:
        latest = self.clock() + self.skew  # read once: one verdict for the whole file
        for index, entry in enumerate(model_of(doc).versions):
            if not isinstance(entry, dict):
                continue
            for key in _KEYS:
                value = entry.get(key)
                instant = rfc3339_instant(value)
                if instant is None:
                    continue
                seconds, fraction = instant
                at = seconds + (float(f"0.{fraction}") if fraction else 0.0)
                if at > latest:
                    ahead = _span(at - (latest - self.skew))
                    yield self.finding(
                        f"{key} {quoted(value)} is {ahead} after now "
                        f'(allowed-skew "{self.values["allowed-skew"]}")',
                        join_pointer("versions", index, key),
                    )


def _span(seconds: float) -> str:
    """A length of time as a person reads it: its largest whole unit."""
    for unit, size in _UNITS:
        if seconds >= size:
            count = int(seconds // size)
            return f"{count:,} {unit}{'s' if count != 1 else ''}"
    count = int(seconds)
    return f"{count} second{'s' if count != 1 else ''}"
