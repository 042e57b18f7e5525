from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from tvlint.lint import Linter
from tvlint.model_file import model_file
from tvlint.problem import Problem
from tvlint.rules import BY_CODE, RULES, rule_named

from .factories import ACCEL, REGIONAL, dumps, lint_bytes, s3_entry, webhook_entry


def check(text: str | bytes) -> list[Problem]:
    raw = text.encode() if isinstance(text, str) else text
    result, _ = lint_bytes(Linter(), "f.json", raw)
    assert result.problems is not None
    return list(result.problems)


def test_registry_has_stable_codes_names_and_docs() -> None:
    codes = [r.code for r in RULES]
    # Codes are TV and three digits, in order, none reused; names are kebab-case.
    assert codes == sorted(codes) and len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"TV\d{3}", code) for code in codes)
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r.name) for r in RULES)
    assert len({r.name for r in RULES}) == len(RULES)
    for rule in RULES:
        doc = inspect.getdoc(rule) or ""
        assert re.search(r"^Passing.*::$", doc, re.M), rule.code
        assert re.search(r"^Failing.*::$", doc, re.M), rule.code
        assert rule_named(rule.code) is rule is rule_named(rule.name)
        assert rule_named(rule.code.lower()) is rule
        for option in rule.options:
            # A default is a value the option accepts; only a path may have none (TOML
            # has no null: an option left out is unset).
            if option.default is None:
                assert option.kind == "path", (rule.code, option.name)
            else:
                assert option.accepts(option.default), (rule.code, option.name)
    with pytest.raises(KeyError):
        rule_named("TV999")


def test_valid_files_of_both_writers_pass() -> None:
    text = dumps({"versions": [webhook_entry(), s3_entry("style_1_vV6")]})
    assert check(text) == []


@pytest.mark.parametrize(
    ("url", "name"),
    [
        (ACCEL + "style_1_vV7.safetensors", "style_1_vV7.safetensors"),
        (REGIONAL + "style_1_vV7.safetensors", "style_1_vV7.safetensors"),
        (
            REGIONAL + "style_1_vV7.safetensors?X-Amz-Expires=3600&X-Amz-Signature=ab#frag",
            "style_1_vV7.safetensors",
        ),
        ("HTTP://host/a/actor%206%20V7.safetensors", "actor 6 V7.safetensors"),
        ("https://host/a/%C3%A9t%C3%A9.safetensors", "été.safetensors"),
        ("https://host/a/", None),
        ("https://host", None),
        (5, None),
        (None, None),
    ],
)
def test_model_file_key(url: object, name: str | None) -> None:
    assert model_file(url) == name


def test_disabled_rules_are_not_run() -> None:
    linter = Linter(enabled={"TV003"})
    result, _ = lint_bytes(linter, "f", dumps({"versions": [s3_entry(), webhook_entry()]}).encode())
    assert result.problems == ()
    assert "TV003" in BY_CODE


def test_problems_are_sorted_by_position(tmp_path: Path) -> None:
    text = dumps(
        {"versions": [webhook_entry(status="x"), s3_entry(), webhook_entry(imageCount=-1)]}
    )
    problems = check(text)
    assert [(p.line, p.column) for p in problems] == sorted((p.line, p.column) for p in problems)
    assert {p.code for p in problems} == {"TV003", "TV004", "TV005"}
