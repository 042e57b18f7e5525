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


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


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


def test_tv001_invalid_json_at_the_parser_position() -> None:
    [problem] = check('{\n  "versions": [\n    {"id": "a"},\n  ]\n}')
    assert (problem.code, problem.rule) == ("TV001", "invalid-json")
    assert (problem.line, problem.column) == (3, 16)  # the trailing comma
    assert problem.pointer == ""


def test_tv002_duplicate_key_at_the_repeated_key() -> None:
    entry = dumps(s3_entry())[:-2] + ',\n  "status": "failed"\n}'
    text = '{"versions": [\n' + entry + "\n]}"
    problems = check(text)
    assert [p.code for p in problems] == ["TV002"]
    assert (problems[0].line, problems[0].column) == where(text, '"status"', 1)
    assert problems[0].pointer == "/versions/0/status"
    assert '"status"' in problems[0].message


def test_tv003_each_violation_at_its_value() -> None:
    entry = webhook_entry(imageCount="43", timestamp="yesterday")
    del entry["name"]
    text = dumps({"versions": [s3_entry("style_1_vV6"), entry]})
    problems = check(text)
    assert [p.code for p in problems] == ["TV003"] * 3
    by_pointer = {p.pointer: p for p in problems}
    count = by_pointer["/versions/1/imageCount"]
    assert (count.line, count.column) == where(text, '"43"')
    stamp = by_pointer["/versions/1/timestamp"]
    assert (stamp.line, stamp.column) == where(text, '"yesterday"')
    # A missing property is reported at the object that lacks it.
    missing = by_pointer["/versions/1"]
    assert 'the required key "name" is missing' in missing.message
    entry_line = where(text, '"id": "3e248bb6')[0] - 1
    assert (missing.line, missing.column) == (entry_line, 5)
    assert by_pointer["/versions/1/imageCount"].message.startswith("/versions/1/imageCount: ")


def test_tv004_names_the_kept_entry_and_points_at_the_duplicate_url() -> None:
    text = dumps({"versions": [s3_entry(), webhook_entry()]})
    [problem] = check(text)
    assert (problem.code, problem.rule) == ("TV004", "duplicate-lora-url")
    # The S3-sync entry comes first, but the webhook entry (with parameters) is kept.
    assert problem.pointer == "/versions/0/loraUrl"
    assert (problem.line, problem.column) == where(text, '"' + REGIONAL)
    kept_line = where(text, '"id": "3e248bb6')[0] - 1
    assert problem.message == (
        f'entry "style_1_vV7" duplicates "3e248bb6-012c-4384-ae6c-4b19c126d093-e1" '
        f"(line {kept_line}): same model file style_1_vV7.safetensors"
    )


def test_tv004_one_problem_per_entry_beyond_the_kept_one() -> None:
    presigned = ACCEL + "style_1_vV7.safetensors?X-Amz-Signature=deadbeef"
    versions = [
        s3_entry(),
        webhook_entry(),
        s3_entry(id="again", loraUrl=presigned),
        s3_entry("style_1_vV8"),
    ]
    problems = check(dumps({"versions": versions}))
    assert [(p.code, p.pointer) for p in problems] == [
        ("TV004", "/versions/0/loraUrl"),
        ("TV004", "/versions/2/loraUrl"),
    ]


def test_entries_without_lora_url_never_collide() -> None:
    a = webhook_entry(status="pending")
    b = webhook_entry(job="other-e2", status="training")
    del a["loraUrl"], b["loraUrl"]
    assert check(dumps({"versions": [a, b]})) == []


def test_tv005_duplicate_id_at_the_second_id() -> None:
    text = dumps({"versions": [webhook_entry(), webhook_entry(model="style_1_vV8")]})
    [problem] = check(text)
    assert (problem.code, problem.rule, problem.pointer) == (
        "TV005",
        "duplicate-id",
        "/versions/1/id",
    )
    assert (problem.line, problem.column) == where(text, '"3e248bb6', 1)
    assert f"line {where(text, '{', 1)[0]}" in problem.message


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
