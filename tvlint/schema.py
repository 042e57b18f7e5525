"""Loading the JSON Schema and building a validator that really checks formats.

A user's schema (``--schema``, ``[tool.tvlint] schema``) can come from a pull request.
Its ``pattern`` and ``patternProperties`` are ECMA-262 regexes, as JSON Schema says
(``regress``, in jsonschema and in the compiled check alike), and jsonschema evaluates
each ``$ref`` once per value (``RefMemo``), so that no schema makes the work grow faster
than the file. What cannot be bounded so (``$dynamicRef``, ``$recursiveRef``,
``unevaluatedProperties``, ``unevaluatedItems``) is refused up front.
"""

from __future__ import annotations

import gc
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

from tvlint import TYPE_CHECKING
from tvlint.fastschema import compile_schema
from tvlint.reading import DEFAULT_MAX_FILE_SIZE, describe_os_error, read_file
from tvlint.stack import in_room
from tvlint.string_formats import ecma_search, is_date_time, is_uri
from tvlint.untrusted import cut

if TYPE_CHECKING:
    from typing import Any

    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]

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


def check_references(schema: dict[str, Any], where: str) -> list[Any]:
    """Every ``$ref`` (and dynamic ref) resolves inside the schema document itself.

    tvlint never fetches a reference: a schema can come from a pull request, and a
    remote or ``file:`` reference would make the job open connections or read files
    of the machine. Anything else is a SchemaLoadError naming the reference, raised
    before any file is checked. Returns every subschema met, reference targets too.
    """
    from referencing.jsonschema import DRAFT202012, specification_with

    dialect = schema.get("$schema") if isinstance(schema, dict) else None
    spec = specification_with(dialect if isinstance(dialect, str) else "", default=DRAFT202012)
    try:
        return _walk_references(schema, where, spec)
    except (AttributeError, TypeError):
        # referencing reads subschemas as the draft defines them, and fails (or would,
        # at a file's first reference) where one is not an object: draft-03's
        # "extends" holding a single schema, "definitions" holding a boolean.
        raise SchemaLoadError(
            f"schema {where}: tvlint cannot follow the subschemas of this {spec.name} "
            "schema (one is not an object; draft-03 'extends' must be a list)"
        ) from None


def _walk_references(schema: dict[str, Any], where: str, spec: Any) -> list[Any]:
    from referencing import Registry
    from referencing.exceptions import Unresolvable

    root = spec.create_resource(schema)
    base = root.id() or ""
    # No retrieve function: a reference that is not in the document is unresolvable.
    resolver = Registry().with_resource(base, root).crawl().resolver(base)
    pending = [(root, resolver)]
    seen: set[int] = set()
    met: list[Any] = []
    while pending:
        resource, resolver = pending.pop()
        contents = resource.contents
        if id(contents) in seen:
            continue
        seen.add(id(contents))
        met.append(contents)
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
    return met


# Keywords whose evaluation tvlint cannot bound: a dynamic reference means a different
# schema on each path to it (so its result cannot be kept for the value), and
# jsonschema finds the properties or items a schema evaluated by following every
# reference and branch again, exponential in the schema's size.
_UNBOUNDED = {
    "$dynamicRef": "its target changes with the path to it",
    "$recursiveRef": "its target changes with the path to it",
    "unevaluatedProperties": "it can take time exponential in the schema's size",
    "unevaluatedItems": "it can take time exponential in the schema's size",
}


def check_user_keywords(subschemas: list[Any], keywords: Any, where: str) -> None:
    """Each of ``subschemas`` uses none of ``_UNBOUNDED`` among the draft's
    ``keywords``, and every ``pattern`` and ``patternProperties`` key in them is an
    ECMA-262 regex: a SchemaLoadError otherwise, before any file is checked."""
    for contents in subschemas:
        if not isinstance(contents, dict):
            continue
        for keyword, why in _UNBOUNDED.items():
            if keyword in contents and keyword in keywords:
                raise SchemaLoadError(f"schema {where}: tvlint does not check {keyword} ({why})")
        patterns = [contents.get("pattern")]
        if isinstance(contents.get("patternProperties"), dict):
            patterns += contents["patternProperties"]
        for pattern in patterns:
            if not isinstance(pattern, str):
                continue
            try:
                ecma_search(pattern)
            except ValueError as exc:
                raise SchemaLoadError(f"schema {where}: {cut(str(exc), 200)}") from None


def make_validator(schema: dict[str, Any], memo: RefMemo | None = None) -> Validator:
    """A jsonschema validator for the schema's own draft (2020-12 by default).

    jsonschema silently skips ``date-time`` and ``uri`` unless a checker for each is
    installed; tvlint registers its own checkers for both (shared with the compiled
    validator and the ranking). With a ``memo`` (a user's schema), regexes are
    ECMA-262 ones, in the schema's check against its meta-schema too, and each
    ``$ref`` is evaluated once per value (see RefMemo).
    """
    from jsonschema import FormatChecker, validators
    from jsonschema.exceptions import SchemaError
    from referencing import Registry

    if isinstance(schema, dict) and not isinstance(schema.get("$schema", ""), str):
        raise SchemaLoadError("not a valid JSON Schema: $schema must be a string")
    cls = validators.validator_for(schema, default=validators.Draft202012Validator)
    try:
        if memo is None:
            cls.check_schema(schema)
        else:
            regex = _ecma_regex_format(cls.FORMAT_CHECKER)
            cls.check_schema(schema, format_checker=regex)  # type: ignore[call-arg]
    except SchemaError as exc:
        raise SchemaLoadError(f"not a valid JSON Schema: {cut(exc.message, 200)}") from None
    except RecursionError:
        raise SchemaLoadError("not a valid JSON Schema: nested too deeply to check") from None
    checker = FormatChecker()
    checker.checks("date-time")(is_date_time)
    checker.checks("uri")(is_uri)
    if memo is not None:
        checker = _ecma_regex_format(checker)
        cls = validators.extend(cls, memo.keywords(cls.VALIDATORS))  # type: ignore[no-untyped-call]
    # An empty registry retrieves nothing (jsonschema's default would fetch remote
    # references); check_references has made sure none is needed.
    return cls(schema, format_checker=checker, registry=Registry())


def _ecma_regex_format(checker: FormatChecker) -> FormatChecker:
    """A copy of ``checker`` whose ``regex`` format is ECMA-262 (JSON Schema's)."""
    from jsonschema import FormatChecker

    ecma = FormatChecker(())
    ecma.checkers = dict(checker.checkers)
    ecma.checks("regex", raises=ValueError)(_is_ecma_regex)
    return ecma


def _is_ecma_regex(value: object) -> bool:
    return not isinstance(value, str) or bool(ecma_search(value))


class RefMemo:
    """Whether each ``$ref`` target is valid for each value, kept for one validation.

    Branches that recurse alike (``anyOf``/``allOf: [{$ref: n}, {$ref: n}]``) meet the
    same target on the same value again and again; jsonschema evaluates it each time,
    and repeats its errors, so work and errors double at every level of the file. Kept,
    each (target, value) pair is evaluated once (or up to its first error, where the
    caller asks only whether it is valid), its errors reported where it is first
    met, and met again it gives one error that names the reference: the work is at most
    the schema's size times the file's. An object or array is the same value only where
    it is the same place; a string, number, boolean or null is the same value wherever
    it is equal (of one type), so the report never depends on which parser made the
    data. ``evaluations`` counts the pairs evaluated, a measure of work that tests can
    read. The regex keywords are ECMA-262 here too, being the user schema's.
    """

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], tuple[object, object, bool]] = {}
        self._open = 0
        self.evaluations = 0

    @contextmanager
    def validation(self) -> Iterator[None]:
        # What is kept holds the subschema and the value, so their ids cannot be
        # reused meanwhile; it goes when the outermost validation (or reference) ends.
        self._open += 1
        try:
            yield
        finally:
            self._open -= 1
            if not self._open:
                self._kept.clear()

    def keywords(self, original: dict[str, Keyword]) -> dict[str, Keyword]:
        from jsonschema.exceptions import ValidationError

        def ref(validator: Any, ref: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
            # As jsonschema's own "$ref" does (check_references made sure it resolves).
            resolved = validator._resolver.lookup(ref)
            # An object or array is one place in the file, and its own object. A string,
            # number, true, false or null is met by its value: parsers share such objects
            # between places (small integers, booleans and null always; jiter its cached
            # strings), so by identity the report would depend on the parser.
            key: tuple[object, ...] = (
                (id(resolved.contents), id(instance))
                if isinstance(instance, (dict, list))
                else (id(resolved.contents), type(instance), instance)
            )
            kept = self._kept.get(key)
            if kept is not None:
                if not kept[2]:
                    yield ValidationError(f"{instance!r} is not valid under {ref!r}")
                return
            # Its errors as they come, as jsonschema gives them: a caller that asks only
            # whether the value is valid ("not", "if", "contains") stops at the first, and
            # a target whose later keywords refer to it again on the same value must not
            # be followed there. Stopped there, the pair is known invalid, and kept so:
            # evaluated again, twin branches of "not" would double the work at each level.
            with self.validation():
                self.evaluations += 1
                valid = True
                try:
                    for error in validator.descend(
                        instance, resolved.contents, resolver=resolved.resolver
                    ):
                        valid = False
                        yield error
                except GeneratorExit:
                    self._kept[key] = (resolved.contents, instance, False)
                    raise
                self._kept[key] = (resolved.contents, instance, valid)

        return {
            "$ref": ref,
            "pattern": _pattern,
            "patternProperties": _pattern_properties,
            "additionalProperties": _additional_properties,
        }


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and ecma_search(pattern)(instance) is None:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(
    validator: Any, patterns: dict[str, Any], instance: Any, schema: Any
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        search = ecma_search(pattern)
        for key, value in instance.items():
            if search(key) is not None:
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    # jsonschema's own, with its patternProperties searched as ECMA-262 regexes.
    from jsonschema._utils import extras_msg
    from jsonschema.exceptions import ValidationError

    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    searches = [ecma_search(pattern) for pattern in schema.get("patternProperties", {})]
    extras = {
        key
        for key in instance
        if key not in properties and not any(search(key) is not None for search in searches)
    }
    if validator.is_type(additional, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], additional, path=extra)
    elif not additional and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            error = "Additional properties are not allowed (%s %s unexpected)"
            yield ValidationError(error % extras_msg(sorted(extras, key=str)))


_COLLECT_EVERY = 1_000


class SchemaChecker:
    """Validity from the compiled fast path when the schema allows one; the reasons,
    and the verdict for any other schema, from jsonschema (imported only then)."""

    def __init__(
        self,
        load: Callable[[], dict[str, Any]],
        fast: Callable[[Any], bool] | None,
        validator: Validator | None = None,
        native: NativeVerdict | None = None,
        memo: RefMemo | None = None,
    ) -> None:
        self._load = load
        self.fast = fast
        self._validator = validator
        self.native = native
        self.memo = memo
        self._made_errors = False

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
        if self.fast is None:
            return None
        if self.memo is None:  # the shipped schema: a few levels, nothing it refers to twice
            return self.fast(instance)
        fast = self.fast
        return in_room(lambda: fast(instance))  # a user's may recurse as deep as the file

    def errors(self, instance: Any) -> Iterator[ValidationError]:
        if self.memo is None:
            return self.validator.iter_errors(instance)
        return self._memoised_errors(instance, self.memo)

    def _memoised_errors(self, instance: Any, memo: RefMemo) -> Iterator[ValidationError]:
        """The errors one at a time, as the rule places them (never all held at once).

        jsonschema's errors hold cycles (an error and its context point at each other),
        and the run keeps the collector off: the errors dropped since are collected
        every ``_COLLECT_EVERY`` errors and before the next file. Only the youngest
        generation, which holds what was made since: a cost in proportion to the
        errors made, not to the run.
        """
        if self._made_errors:
            gc.collect(0)
            self._made_errors = False
        with memo.validation():
            # Each error is sought in the room a user's schema needs, and the limit is
            # as it was while the caller has it: the caller's own work runs under its own.
            errors = self.validator.iter_errors(instance)
            count = 0
            try:
                while (error := in_room(lambda: next(errors, None))) is not None:
                    self._made_errors = True
                    yield error
                    count += 1
                    if count % _COLLECT_EVERY == 0:
                        gc.collect(0)
            finally:
                # Closed where it was left, as deep as it went: in the room too.
                close = getattr(errors, "close", None)
                if close is not None:
                    in_room(close)


def checker_for(path: str | None, limit: int = DEFAULT_MAX_FILE_SIZE) -> SchemaChecker:
    """The shipped schema's checker, or one for the schema file at ``path``."""
    if path is None:
        return shipped_checker()
    # Parsing, checking and compiling recurse as deep as the schema.
    return in_room(lambda: _user_checker(path, limit))


def _user_checker(path: str, limit: int) -> SchemaChecker:
    schema = load_schema(path, limit)
    # A schema of the user's is checked against its meta-schema and for references
    # up front, so that a broken or reaching one is reported before any file.
    memo = RefMemo()
    try:
        validator = make_validator(schema, memo)
        subschemas = check_references(schema, path)
        check_user_keywords(subschemas, validator.VALIDATORS, path)
    except RecursionError:
        raise SchemaLoadError(f"schema {path} is nested too deeply to check") from None
    return SchemaChecker(lambda: schema, _compiled(schema), validator, memo=memo)


def _compiled(schema: dict[str, Any]) -> Callable[[Any], bool] | None:
    # The compiled check only saves time: for a schema it cannot take (nesting too
    # deep), jsonschema alone decides.
    try:
        return compile_schema(schema, ecma=True)
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
