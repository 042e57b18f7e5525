"""The JSON Schema rule."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.rules.base import Option, Rule
from tvlint.untrusted import VALUE_LIMIT, cut, quoted, quoted_middle

if TYPE_CHECKING:
    from typing import Any

    from jsonschema.exceptions import ValidationError

    from tvlint.problem import Finding
    from tvlint.rules.base import RunSettings
    from tvlint.schema import SchemaChecker


_MAX_MESSAGE = 200
_MAX_VALUE = 60
# Schema problems shown for one file, at most: a small file can break the schema
# hundreds of thousands of times. The rest are counted, and every report says how
# many were left out.
MAX_SCHEMA_PROBLEMS = 1000


class SchemaRule(Rule):
    """The file does not match the training-versions JSON Schema.

    Every violation is reported, each at the value it is about (for a missing
    property: the object that lacks it). The schema requires an object with a
    ``versions`` array whose entries have ``id``, ``name``, ``timestamp`` (an RFC 3339
    date-time), ``parameters`` and a known ``status``; keys it knows must have their
    type (``loraUrl`` an absolute http(s) URL naming a file). Unknown keys are
    allowed: the writers add keys over time. The ``schema`` option (also the
    top-level ``schema`` key, and ``--schema FILE``) uses another schema.

    Passing::

        {"versions": [{"id": "style_1_vV7", "name": "V7", "status": "completed",
                       "timestamp": "2025-10-12T08:41:02+00:00", "parameters": {}}]}

    Failing::

        {"versions": [{"id": "style_1_vV7", "name": "V7", "status": "done",
                       "timestamp": "yesterday", "parameters": {}}]}
    """

    code = "TV003"
    name = "schema"
    options = (
        Option(
            "schema",
            "path",
            None,
            "the JSON Schema to check against, relative to the configuration file and "
            "inside its tree (default: the shipped one); the top-level schema key and "
            "--schema are other spellings of it",
        ),
    )

    def __init__(self, schema: SchemaChecker | None = None) -> None:
        super().__init__()
        if schema is None:
            from tvlint.schema import shipped_checker

            schema = shipped_checker()
        self.schema = schema

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: RunSettings) -> Rule:
        # The schema is the run's ([tool.tvlint] schema, --schema), read as a checked file.
        from tvlint.schema import checker_for

        return cls(checker_for(settings.schema, settings.max_file_size))

    def check(self, doc: Document) -> Iterator[Finding]:
        # Each error is made into a finding as it comes, and let go. Past the problems
        # shown, one finding stands for each error: counted, never shown.
        try:
            if self.schema.fast_verdict(doc.data, doc.size):
                return
            left = MAX_SCHEMA_PROBLEMS
            more = self.finding("")
            required_texts: dict[int, dict[str, Any]] = {}
            for error in self.schema.errors(doc.data):
                if left <= 0:
                    yield more
                    continue
                left -= 1
                pointer = join_pointer(*error.absolute_path)
                message = _message(error, required_texts)
                yield self.finding(f"{cut(pointer) or '/'}: {message}", pointer)
        except (RecursionError, OverflowError) as exc:
            # A schema that refers to itself without end, or data the schema's numbers
            # cannot be compared with: said, not a traceback.
            reason = "too deep" if isinstance(exc, RecursionError) else str(exc)
            yield self.finding(f"/: the schema cannot check this file ({cut(reason)})")
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            # jsonschema's own keywords fail on some schemas its meta-schema accepts
            # (draft 6 "items": false beside "additionalItems"): said, not a traceback.
            reason = f"jsonschema failed: {type(exc).__name__}"
            yield self.finding(f"/: the schema cannot check this file ({reason})")


# What a value of each format looks like, said beside a value that is not one.
FORMS = {
    "date-time": "an RFC 3339 date-time such as 2025-10-12T08:41:02Z",
    "uri": "an absolute URI such as https://host/path/model.safetensors",
}
_TYPES = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "number": "a number",
    "integer": "an integer",
    "boolean": "true or false",
    "null": "null",
}


def _message(error: ValidationError, required_texts: dict[int, dict[str, Any]]) -> str:
    """The error in JSON's words for the keywords the training-versions schema uses
    (``"done"`` and ``null``, not Python's ``'done'`` and ``None``), with the form a
    value should have; jsonschema's own message for any other. ``required_texts``
    remembers, for each ``required`` list, the message of each of its keys."""
    keyword, expected, value = error.validator, error.validator_value, error.instance
    shown = quoted_middle(value, VALUE_LIMIT)  # a URL keeps its file name
    if keyword == "format" and isinstance(expected, str):
        return f"{shown} is not {FORMS.get(expected, f'a valid {quoted(expected)}')}"
    if keyword == "type":
        types = [expected] if isinstance(expected, str) else expected
        if isinstance(types, list) and types and all(isinstance(t, str) for t in types):
            names = [_TYPES.get(t, quoted(t)) for t in types]
            return f"{shown} is not {' or '.join(names)}"
    if keyword == "enum" and isinstance(expected, list):
        choices = ", ".join(quoted(choice, 40) for choice in expected[:10])
        return f"{shown} is not one of {choices}{', …' if len(expected) > 10 else ''}"
    if keyword == "pattern" and isinstance(expected, str):
        return f"{shown} does not match the pattern {quoted(expected, _MAX_VALUE)}"
    if keyword == "required" and isinstance(value, dict) and isinstance(expected, list):
        # jsonschema makes one error for each missing key, and names it only in the text:
        # the texts of a list are made once, not once for each of its errors.
        texts = required_texts.get(id(expected))
        if texts is None:
            texts = {f"{key!r} is a required property": key for key in expected}
            required_texts[id(expected)] = texts
        if error.message in texts:
            return f"the required key {quoted(texts[error.message])} is missing"
    return _shorten(error.message, value)


def _shorten(message: str, instance: object) -> str:
    # jsonschema quotes the whole offending value; a 1 MB string is no help in a report.
    if len(message) <= _MAX_MESSAGE:
        return message
    shown = repr(instance)
    if len(shown) > _MAX_VALUE:
        message = message.replace(shown, shown[: _MAX_VALUE - 12] + "…" + shown[-10:])
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 1] + "…"
    return message
