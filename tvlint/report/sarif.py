"""SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import os
from urllib.parse import quote

from tvlint import TYPE_CHECKING, __version__
from tvlint.report import ReportOptions, Summary, omitted_line
from tvlint.result import RunResult
from tvlint.rule_docs import markdown, plain_text
from tvlint.rules import RULES

if TYPE_CHECKING:
    from typing import Any

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
RULE_INDEX = {rule.code: i for i, rule in enumerate(RULES)}


def artifact_uri(path: str) -> str:
    """A relative path stays relative (to the repository root); an absolute one is file:.

    Quoted from the path's bytes: a byte of a name that is not UTF-8 is
    percent-encoded as itself, so every name gives a valid URI reference.
    """
    normal = os.path.normpath(path).replace(os.sep, "/")
    quoted = quote(os.fsencode(normal), safe="/")
    if not os.path.isabs(path):
        return quoted
    return "file://" + ("" if quoted.startswith("/") else "/") + quoted  # C:/… on Windows


def _location(path: str, line: int | None = None, column: int | None = None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(path)}}
    if line is not None:
        physical["region"] = {"startLine": line, "startColumn": column}
    return {"physicalLocation": physical}


def _rules() -> list[dict[str, Any]]:
    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": plain_text(rule.summary())},
            "fullDescription": {"text": plain_text(rule.doc())},
            "help": {"text": plain_text(rule.doc()), "markdown": markdown(rule.doc())},
            "defaultConfiguration": {"level": "error", "enabled": rule.default},
        }
        for rule in RULES
    ]


def render(result: RunResult, summary: Summary, options: ReportOptions) -> dict[str, Any]:
    results = [
        {
            "ruleId": p.code,
            "ruleIndex": RULE_INDEX[p.code],
            "level": "error",
            "message": {"text": p.message},
            "locations": [_location(p.path, p.line, p.column)],
            "properties": {"pointer": p.pointer},
        }
        for p in result.problems
    ]
    notifications = [
        {"level": "error", "message": {"text": why}, "locations": [_location(path)]}
        for path, why in result.errors
    ]
    # Problems found but not listed as results: each file's count, said where a viewer
    # shows the run's own messages.
    notifications += [
        {
            "level": "warning",
            "message": {"text": omitted_line(path, code, count)},
            "locations": [_location(path)],
            "associatedRule": {"id": code, "index": RULE_INDEX[code]},
            "properties": {"omitted": count},
        }
        for path, code, count in summary.omitted
    ]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "tvlint", "version": __version__, "rules": _rules()}},
                "columnKind": "unicodeCodePoints",
                "invocations": [
                    {
                        "executionSuccessful": not result.errors,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "results": results,
            }
        ],
    }
