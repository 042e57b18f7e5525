"""The registry reading a configuration (``tvlint.config.Settings``, plain data): rule
names as codes, each rule's options checked against what it declares and given by its
name, the rules that run. An error names the file, the table and the key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tvlint import TYPE_CHECKING
from tvlint.config import ConfigError, Settings, path_setting, rules_table
from tvlint.rules import BY_NAME, RULES, rule_named
from tvlint.untrusted import cut

if TYPE_CHECKING:
    from typing import Any

_KIND_WORDS = {
    "str": "a string",
    "int": "an integer",
    "bool": "true or false",
    "list[str]": "a list of strings",
    "duration": 'a duration such as "90s", "30m", "12h" or "3d"',
    "path": "a path (a non-empty string)",
}


def interpret(settings: Settings) -> Settings:
    """``settings`` as the rules read them: rule codes, options by rule name, TV003's
    ``schema`` option and the top-level key as one setting (a flag wins over both)."""
    where = settings.where
    codes: dict[str, Any] = {}
    for field in ("select", "extend_select", "ignore"):
        names = getattr(settings, field)
        if names is not None:
            codes[field] = rule_codes(names, f"{where}: {field.replace('_', '-')}")
    rules = f"{settings.source or ''}: [{rules_table(settings.table)}"
    options = rule_options(settings.rule_options, rules)
    # The tables as the file names them, for messages (kept from a first reading).
    tables = {rule_named(key).name: key for key in settings.rule_options}
    tables = {name: settings.option_tables.get(name, key) for name, key in tables.items()}
    schema = settings.schema
    option = options.get("schema", {}).pop("schema", None)
    if option is not None and "schema" not in settings.flags:
        here = f"{rules}.{tables['schema']}]: schema"
        if schema is not None:
            raise ConfigError(f"{here}: the schema is set twice (and as a key): keep one")
        schema = path_setting(option, here, settings.source or "", settings.root)
    return settings.replace(**codes, rule_options=options, schema=schema, option_tables=tables)


def enabled_codes(settings: Settings) -> frozenset[str]:
    """The codes of the rules a run with ``settings`` (interpreted) runs."""
    on = {rule.code for rule in RULES if rule.default}
    select, extend = settings.select, settings.extend_select
    chosen = (on if select is None else set(select)) | set(extend)
    always = {rule.code for rule in RULES if rule.always}
    return frozenset(chosen - set(settings.ignore) | always)


def rule_codes(names: Sequence[str], where: str) -> tuple[str, ...]:
    """Rule codes for codes or names (``TV004``, ``duplicate-lora-url``)."""
    codes = []
    for name in names:
        try:
            codes.append(rule_named(name).code)
        except KeyError:
            raise ConfigError(f"{where}: no rule {cut(name)!r}") from None
    return tuple(codes)


def rule_options(tables: Mapping[str, Any], where: str) -> dict[str, dict[str, Any]]:
    """Each rule's options from ``[tool.tvlint.rules.<rule name or code>]``, checked
    against the options the rule declares: an unknown rule or option, a value of the
    wrong type, or one rule's table under both its code and its name, is an error that
    names the table and the key (``tvlint.config`` has checked it is a table)."""
    found: dict[str, dict[str, Any]] = {}
    for name, table in tables.items():
        try:
            rule = rule_named(name)  # a name or a code, as --select takes them
        except KeyError:
            known = ", ".join(r.name for r in BY_NAME.values() if r.options)
            raise ConfigError(
                f"{where}]: no rule {cut(name)!r} (rules with options: {known})"
            ) from None
        here = f"{where}.{name}]"
        if rule.name in found:  # [rules.TV006] beside [rules.lora-host]: one rule, set twice
            raise ConfigError(
                f"{here}: {rule.code} {rule.name} is configured twice "
                f"(by its code and by its name): keep one table"
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{here} must be a table")
        declared = {option.name: option for option in rule.options}
        for key, value in table.items():
            option = declared.get(key)
            if option is None:
                known = ", ".join(declared) or "none"
                raise ConfigError(f"{here}: unknown option {cut(key)!r} (options: {known})")
            if not option.accepts(value):
                raise ConfigError(f"{here}: {key} must be {_KIND_WORDS[option.kind]}")
        try:
            rule.check_options(table)  # whether the rule runs or not
        except ValueError as exc:
            raise ConfigError(f"{here}: {exc}") from None
        found[rule.name] = dict(table)
    return found
