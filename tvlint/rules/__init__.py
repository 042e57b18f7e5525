"""The rule registry: stable codes and names, in code order."""

from __future__ import annotations

from collections.abc import Iterable

from tvlint.rules.base import Rule
from tvlint.rules.duplicates import DuplicateId, DuplicateLoraUrl
from tvlint.rules.schema import SchemaRule
from tvlint.rules.syntax import DuplicateKey, InvalidJson

RULES: tuple[type[Rule], ...] = (
    InvalidJson,
    DuplicateKey,
    SchemaRule,
    DuplicateLoraUrl,
    DuplicateId,
)
BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, type[Rule]] = {rule.name: rule for rule in RULES}


def rule_named(code_or_name: str) -> type[Rule]:
    """The rule with this code (``TV004``, any case) or name; KeyError if none."""
    rule = BY_CODE.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule


def codes(rules: Iterable[type[Rule]]) -> frozenset[str]:
    return frozenset(rule.code for rule in rules)


__all__ = ["BY_CODE", "BY_NAME", "RULES", "Rule", "codes", "rule_named"]
