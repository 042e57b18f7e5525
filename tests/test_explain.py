"""Rule docs: one source (the docstrings) for --explain, docs/rules.md and the examples.

docs/rules.md and the README's rules table are held to the docstrings in test_docs.py.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tvlint.config import Settings
from tvlint.explain import examples
from tvlint.lint import Linter
from tvlint.rules import RULES, Rule, configured_rules

from .factories import Run, lint_bytes


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_documented_examples_pass_and_fail_as_documented(rule: type[Rule]) -> None:
    found = examples(rule)
    assert sorted({e.kind for e in found}) == ["Failing", "Passing"], rule.code
    for example in found:
        settings = Settings(rule_options={rule.name: example.options})
        # Each rule on its own, a rule that is off by default too.
        linter = Linter(configured_rules(settings, settings.rule_options, [rule.code]))
        result, _ = lint_bytes(linter, "example.json", example.text.encode())
        codes = {p.code for p in result.problems or ()}
        assert (rule.code in codes) == (example.kind == "Failing"), (rule.code, example.text)


def test_explain(cli: Callable[..., Run]) -> None:
    run = cli("--explain", "duplicate-lora-url")
    assert run.code == 0
    assert run.out.startswith(
        "TV004 duplicate-lora-url\n\nTwo or more entries name the same model file"
    )
    assert "Failing (other keys left out):\n\n    {" in run.out
    assert "``" not in run.out and "::" not in run.out  # plain text, not reST
    everything = cli("--explain", "all").out
    assert all(f"{r.code} {r.name}\n" in everything for r in RULES)
    missing = cli("--explain", "TV404")
    assert (missing.code, missing.err) == (2, "tvlint: error: no rule 'TV404'\n")
