"""Loading the JSON Schema and building a validator that really checks formats."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache

from tvlint.fastschema import compile_schema
from tvlint.formats import is_date_time, is_uri

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import Any

    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator


SCHEMA_RESOURCE = "training_versions.schema.json"


class SchemaLoadError(Exception):
    """The schema file cannot be read, is not JSON, or is not a valid JSON Schema."""


def shipped_schema_text() -> str:
    # Imported here: importlib.resources costs more at start-up than checking a file,
    # and a valid file never needs the schema's text (see shipped_checker).
    from importlib import resources

    return resources.files("tvlint").joinpath("schemas", SCHEMA_RESOURCE).read_text("utf-8")


def load_schema(path: str | None = None) -> dict[str, Any]:
    """The shipped schema, or the one at ``path``."""
    try:
        if path is None:
            text = shipped_schema_text()
        else:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
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
    """A jsonschema validator for the schema's own draft (2020-12 by default).

    jsonschema silently skips ``date-time`` unless a checker for it is installed, and
    ``uri`` unless ``rfc3986-validator`` is; tvlint registers its own checkers for both
    (shared with the compiled validator and the ranking).
    """
    from jsonschema import FormatChecker, validators
    from jsonschema.exceptions import SchemaError

    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except SchemaError as exc:
        raise SchemaLoadError(f"not a valid JSON Schema: {exc.message}") from None
    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    checker.checks("uri")(is_uri)
    return cls(schema, format_checker=checker)


class SchemaChecker:
    """Validity from the compiled fast path when the schema allows one; the reasons,
    and the verdict for any other schema, from jsonschema (imported only then)."""

    def __init__(
        self,
        load: Callable[[], dict[str, Any]],
        fast: Callable[[Any], bool] | None,
        validator: Validator | None = None,
    ) -> None:
        self._load = load
        self.fast = fast
        self._validator = validator

    @property
    def validator(self) -> Validator:
        if self._validator is None:
            self._validator = make_validator(self._load())
        return self._validator

    def is_valid(self, instance: Any) -> bool | None:
        """True or False from the fast path; None when only jsonschema can tell."""
        return None if self.fast is None else self.fast(instance)

    def errors(self, instance: Any) -> Iterator[ValidationError]:
        return self.validator.iter_errors(instance)


def checker_for(path: str | None) -> SchemaChecker:
    """The shipped schema's checker, or one for the schema file at ``path``."""
    if path is None:
        return shipped_checker()
    schema = load_schema(path)
    # A schema of the user's is checked against its meta-schema up front, so that a
    # broken one is reported before any file.
    return SchemaChecker(lambda: schema, compile_schema(schema), make_validator(schema))


@cache
def shipped_checker() -> SchemaChecker:
    """The shipped schema, compiled ahead of time (python -m tvlint.fastschema)."""
    from tvlint._shipped_schema_check import valid

    return SchemaChecker(load_schema, valid)


@cache
def shipped_validator() -> Validator:
    return shipped_checker().validator


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
