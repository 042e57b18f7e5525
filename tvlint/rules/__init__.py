"""The rule registry: stable codes and names, in code order.

Everything that lists rules (the run, the summary, SARIF's rule list, ``--explain``, the
README's reference, the tests) reads this tuple; adding a rule is its module and a line
here.
"""

from __future__ import annotations

from tvlint import TYPE_CHECKING
from tvlint.rules.base import Option, Rule
from tvlint.rules.duplicates import DuplicateId, DuplicateLoraUrl
from tvlint.rules.hosts import LoraHost
from tvlint.rules.runs import DuplicateVersion, FileNameAsName
from tvlint.rules.schema import SchemaRule
from tvlint.rules.syntax import DuplicateKey, InvalidJson
from tvlint.rules.timestamps import TimestampInFuture

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Any

    from tvlint.rules.base import RunSettings

RULES: tuple[type[Rule], ...] = (
    InvalidJson,
    DuplicateKey,
    SchemaRule,
    DuplicateLoraUrl,
    DuplicateId,
    LoraHost,
    TimestampInFuture,
    DuplicateVersion,
    FileNameAsName,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in RULES}


def rule_named(code_or_name: str) -> type[Rule]:
    """The rule with this code (``TV004``, any case) or name; KeyError if none."""
    rule = BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule


def configured_rules(
    settings: RunSettings, options: Mapping[str, Mapping[str, Any]], enabled: Iterable[str]
) -> list[Rule]:
    """The enabled rules (codes), each set up with its ``options`` (by rule name) and
    the run's settings; a rule that does not run is not set up."""
    wanted = frozenset(enabled)
    made = [
        rule.configured(options.get(rule.name, {}), settings)
        for rule in RULES
        if rule.code in wanted
    ]
    for rule in made:
        rule.running = wanted
    return made


__all__ = ["BY_CODE", "BY_NAME", "RULES", "Option", "Rule", "configured_rules", "rule_named"]
