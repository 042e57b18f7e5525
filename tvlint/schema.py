"""Loading the JSON Schema and building a validator that really checks formats."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from functools import cache

from tvlint import TYPE_CHECKING
from tvlint.fastschema import compile_schema
from tvlint.reading import DEFAULT_MAX_FILE_SIZE, describe_os_error, read_file
from tvlint.string_formats import is_date_time, is_uri
from tvlint.untrusted import cut

if TYPE_CHECKING:
    from typing import Any

    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from tvlint.native_schema import NativeVerdict


SCHEMA_RESOURCE = "training_versions.schema.json"


class SchemaLoadError(Exception):
    """The schema file cannot be read, is not JSON, or is not a valid JSON Schema."""


def shipped_schema_text() -> str:
    # Imported here: importlib.resources costs more at start-up than checking a file,
    # and a valid file never needs the schema's text (see shipped_checker).
    from importlib import resources

    return resources.files("tvlint").joinpath("schemas", SCHEMA_RESOURCE).read_text("utf-8")


def load_schema(path: str | None = None, limit: int = DEFAULT_MAX_FILE_SIZE) -> dict[str, Any]:
    """The shipped schema, or the one at ``path`` (read as a checked file is)."""
    try:
        text = shipped_schema_text() if path is None else read_file(path, limit).decode("utf-8")
    except OSError as exc:
        raise SchemaLoadError(f"cannot read schema {path}: {describe_os_error(exc)}") from None
    except UnicodeDecodeError:
        raise SchemaLoadError(f"cannot read schema {path}: not UTF-8") from None
    try:
        schema = json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        raise SchemaLoadError(f"schema {path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise SchemaLoadError(f"schema {path} is nested too deeply to parse") from None
    if not isinstance(schema, (dict, bool)):
        raise SchemaLoadError(f"schema {path} is not a JSON Schema (not an object)")
    return schema  # type: ignore[return-value]


def check_references(schema: dict[str, Any], where: str) -> None:
    """Every ``$ref`` (and dynamic ref) resolves inside the schema document itself.

    tvlint never fetches a reference: a schema can come from a pull request, and a
    remote or ``file:`` reference would make the job open connections or read files
    of the machine. Anything else is a SchemaLoadError naming the reference, raised
    before any file is checked.
    """
    from referencing import Registry
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012, specification_with

    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    spec = specification_with(dialect if isinstance(dialect, str) else "", default=DRAFT202012)
    root = spec.create_resource(schema)
    base = root.id() or ""
    # No retrieve function: a reference that is not in the document is unresolvable.
    resolver = Registry().with_resource(base, root).crawl().resolver(base)
    pending = [(root, resolver)]
    seen: set[int] = set()
    while pending:
        resource, resolver = pending.pop()
        contents = resource.contents
        if id(contents) in seen:
            continue
        seen.add(id(contents))
        if isinstance(contents, dict):
            for keyword in ("$ref", "$dynamicRef", "$recursiveRef"):
                ref = contents.get(keyword)
                if not isinstance(ref, str):
                    continue
                try:
                    resolved = resolver.lookup(ref)
                except Unresolvable:
                    raise SchemaLoadError(
                        f"schema {where}: {keyword} {cut(ref)!r} does not resolve inside the "
                        "schema (tvlint never fetches a reference)"
                    ) from None
                # What it points at is applied as a schema too, wherever it sits
                # (under "examples", say, which is no place for schemas).
                if isinstance(resolved.contents, (dict, bool)):
                    target = spec.create_resource(resolved.contents)
                    pending.append((target, resolved.resolver.in_subresource(target)))
        pending += [(sub, resolver.in_subresource(sub)) for sub in resource.subresources()]


def make_validator(schema: dict[str, Any]) -> Validator:
    """A jsonschema validator for the schema's own draft (2020-12 by default).

    jsonschema silently skips ``date-time`` and ``uri`` unless a checker for each is
    installed; tvlint registers its own checkers for both (shared with the compiled
    validator and the ranking).
    """
    from jsonschema import FormatChecker, validators
    from jsonschema.exceptions import SchemaError
    from referencing import Registry

    if isinstance(schema, dict) and not isinstance(schema.get("$schema", ""), str):
        raise SchemaLoadError("not a valid JSON Schema: $schema must be a string")
    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise SchemaLoadError(f"not a valid JSON Schema: {cut(exc.message, 200)}") from None
    except RecursionError:
        raise SchemaLoadError("not a valid JSON Schema: nested too deeply to check") from None
    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    checker.checks("uri")(is_uri)
    # An empty registry retrieves nothing (jsonschema's default would fetch remote
    # references); check_references has made sure none is needed.
    return cls(schema, format_checker=checker, registry=Registry())


class SchemaChecker:
    """Validity from the compiled fast path when the schema allows one; the reasons,
    and the verdict for any other schema, from jsonschema (imported only then)."""

    def __init__(
        self,
        load: Callable[[], dict[str, Any]],
        fast: Callable[[Any], bool] | None,
        validator: Validator | None = None,
        native: NativeVerdict | None = None,
    ) -> None:
        self._load = load
        self.fast = fast
        self._validator = validator
        self.native = native

    @property
    def validator(self) -> Validator:
        if self._validator is None:
            self._validator = make_validator(self._load())
        return self._validator

    def fast_verdict(self, instance: Any, size: int = 0) -> bool | None:
        """Whether ``instance`` (from ``size`` bytes of JSON) is valid, from jsonschema-rs
        or the compiled check; None when there is no compiled check and only jsonschema
        can tell."""
        if self.native is not None and self.native.valid(instance, size):
            return True
        return None if self.fast is None else self.fast(instance)

    def errors(self, instance: Any) -> Iterator[ValidationError]:
        return self.validator.iter_errors(instance)


def checker_for(path: str | None, limit: int = DEFAULT_MAX_FILE_SIZE) -> SchemaChecker:
    """The shipped schema's checker, or one for the schema file at ``path``."""
    if path is None:
        return shipped_checker()
    schema = load_schema(path, limit)
    # A schema of the user's is checked against its meta-schema and for references
    # up front, so that a broken or reaching one is reported before any file.
    try:
        validator = make_validator(schema)
        check_references(schema, path)
    except RecursionError:
        raise SchemaLoadError(f"schema {path} is nested too deeply to check") from None
    return SchemaChecker(lambda: schema, _compiled(schema), validator)


def _compiled(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    # The compiled check only saves time: for a schema it cannot take (nesting too
    # deep, a pattern Python's re rejects), jsonschema alone decides.
    try:
        return compile_schema(schema)
    except (RecursionError, ValueError, SyntaxError, re.error):
        return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


@cache
def shipped_checker() -> SchemaChecker:
    """The shipped schema, compiled ahead of time (python -m tvlint.fastschema)."""
    from tvlint._shipped_schema_check import valid
    from tvlint.native_schema import NativeVerdict

    return SchemaChecker(load_schema, valid, native=NativeVerdict(load_schema))
