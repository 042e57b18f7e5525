"""Rule documentation, from the one place it lives: each rule's docstring."""

from __future__ import annotations

import re

from tvlint.rules import RULES, Rule


def explain(rule: type[Rule]) -> str:
    """Plain text for ``tvlint --explain``."""
    return f"{rule.code} {rule.name}\n\n{rule.doc()}\n"


def rule_markdown(rule: type[Rule]) -> str:
    # Docstrings use reST literal blocks ("Passing::" + an indented block); Markdown
    # wants fences.
    out = [f"### {rule.code} {rule.name}", ""]
    lines = rule.doc().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.endswith("::"):
            out += [f"{line[:-2]}:", "", "```json"]
            i += 2  # the blank line that opens a literal block
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                out.append(lines[i][4:])
                i += 1
            while out[-1] == "":
                out.pop()
            out += ["```", ""]
            continue
        out.append(line)
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def rules_markdown() -> str:
    """The README's rule reference, generated from the docstrings."""
    return "\n".join(rule_markdown(rule) for rule in RULES)
