"""Loading the JSON Schema and building a validator that really checks formats."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tvlint.timestamps import is_rfc3339

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

SCHEMA_RESOURCE = "training_versions.schema.json"


class SchemaLoadError(Exception):
    """The schema file cannot be read, is not JSON, or is not a valid JSON Schema."""


def shipped_schema_text() -> str:
    return resources.files("tvlint").joinpath("schemas", SCHEMA_RESOURCE).read_text("utf-8")


def load_schema(path: str | None = None) -> dict[str, Any]:
    """The shipped schema, or the one at ``path``."""
    try:
        text = shipped_schema_text() if path is None else Path(path).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SchemaLoadError(f"cannot read schema {path}: {_reason(exc)}") from None
    try:
        schema = json.loads(text)
    except ValueError as exc:
        raise SchemaLoadError(f"schema {path} is not valid JSON: {exc}") from None
    if not isinstance(schema, (dict, bool)):
        raise SchemaLoadError(f"schema {path} is not a JSON Schema (not an object)")
    return schema  # type: ignore[return-value]


def make_validator(schema: dict[str, Any]) -> Validator:
    """A validator for the schema's own draft (2020-12 by default) that checks formats.

    jsonschema silently skips ``date-time`` unless a checker for it is installed, and
    ``uri`` unless ``rfc3986-validator`` is; tvlint brings its own RFC 3339 checker
    (shared with the ranking) and depends on ``rfc3986-validator``.
    """
    from jsonschema import FormatChecker, validators
    from jsonschema.exceptions import SchemaError

    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise SchemaLoadError(f"not a valid JSON Schema: {exc.message}") from None
    checker = FormatChecker()
    checker.checks("date-time")(is_rfc3339)
    missing = {"date-time", "uri"} - set(checker.checkers)
    if missing:
        raise SchemaLoadError(f"format checkers missing for: {', '.join(sorted(missing))}")
    return cls(schema, format_checker=checker)


@cache
def shipped_validator() -> Validator:
    return make_validator(load_schema())


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
