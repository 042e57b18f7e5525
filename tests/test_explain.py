"""Rule docs: one source (the docstrings) for --explain, the README and the examples."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tvlint.explain import rules_markdown
from tvlint.lint import Linter
from tvlint.rules import RULES, Rule

from .factories import Run

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- rules:start -->", "<!-- rules:end -->"


def examples(rule: type[Rule]) -> dict[str, str]:
    found = {}
    for kind in ("Passing", "Failing"):
        match = re.search(rf"^{kind}[^\n]*::\n\n((?:    .*\n|\n)+)", rule.doc() + "\n", re.M)
        assert match, (rule.code, kind)
        found[kind] = "\n".join(line[4:] for line in match.group(1).splitlines())
    return found


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_documented_examples_pass_and_fail_as_documented(rule: type[Rule]) -> None:
    linter = Linter()
    docs = examples(rule)
    passing, _ = linter.lint_bytes("p.json", docs["Passing"].encode())
    failing, _ = linter.lint_bytes("f.json", docs["Failing"].encode())
    assert rule.code not in {p.code for p in passing.problems}
    assert rule.code in {p.code for p in failing.problems}


def test_readme_rule_reference_is_generated_from_the_docstrings() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index(START) + len(START) : readme.index(END)]
    assert section.strip() == rules_markdown().strip(), (
        "README rule reference is stale: replace it with "
        "python -c 'from tvlint.explain import rules_markdown; print(rules_markdown())'"
    )


def test_explain(cli: Callable[..., Run]) -> None:
    run = cli("--explain", "duplicate-lora-url")
    assert run.code == 0
    assert run.out.startswith(
        "TV004 duplicate-lora-url\n\nTwo or more entries name the same model file"
    )
    assert "Failing (other keys left out)::" in run.out
    everything = cli("--explain", "all").out
    assert all(f"{r.code} {r.name}\n" in everything for r in RULES)
    missing = cli("--explain", "TV404")
    assert (missing.code, missing.err) == (2, "tvlint: error: no rule 'TV404'\n")
