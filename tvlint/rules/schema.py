"""The JSON Schema rule."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.rules.base import Rule
from tvlint.untrusted import cut

if TYPE_CHECKING:
    from typing import Any

    from tvlint.config import Settings
    from tvlint.problem import Finding
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
    allowed: the writers add keys over time. ``--schema FILE`` uses another schema.

    Passing::

        {"versions": [{"id": "style_1_vV7", "name": "V7", "status": "completed",
                       "timestamp": "2025-10-12T08:41:02+00:00", "parameters": {}}]}

    Failing::

        {"versions": [{"id": "style_1_vV7", "name": "V7", "status": "done",
                       "timestamp": "yesterday", "parameters": {}}]}
    """

    code = "TV003"
    name = "schema"

    def __init__(self, schema: SchemaChecker | None = None) -> None:
        super().__init__()
        if schema is None:
            from tvlint.schema import shipped_checker

            schema = shipped_checker()
        self.schema = schema

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: Settings) -> Rule:
        # The schema is the run's ([tool.tvlint] schema, --schema), read as a checked file.
        from tvlint.schema import checker_for

        return cls(checker_for(settings.schema, settings.max_file_size))

    def check(self, doc: Document) -> Iterator[Finding]:
        # Each error is made into a finding as it comes, and let go. Past the problems
        # shown, one finding stands for each error: counted, never shown.
        try:
            if self.schema.fast_verdict(doc.data, len(doc.text)):
                return
            left = MAX_SCHEMA_PROBLEMS
            more = self.finding("")
            for error in self.schema.errors(doc.data):
                if left <= 0:
                    yield more
                    continue
                left -= 1
                pointer = join_pointer(*error.absolute_path)
                yield self.finding(
                    f"{cut(pointer) or '/'}: {_shorten(error.message, error.instance)}", pointer
                )
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
