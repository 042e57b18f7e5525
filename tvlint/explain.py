"""Rule documentation, from the one place it lives: each rule's docstring.

The docstring format, read here and nowhere else: a summary line, prose, and literal
blocks introduced by a line ending in ``::`` (reST). The examples are the blocks whose
introduction starts with ``Passing`` or ``Failing``; an example that needs options
names them in its introduction, each as ``name = value`` with a JSON value (which is
TOML too): ``Failing, with ``allowed-hosts = ["a.example"]``::``.
"""

from __future__ import annotations

import json
import re

from tvlint.rule_docs import plain_text
from tvlint.rules import Rule

_OPTION = re.compile(r"``([a-z][a-z-]*) = (.+?)``")


class Example:
    """A documented example: ``Passing`` or ``Failing``, the rule options it is run
    with, and the file's text."""

    __slots__ = ("kind", "options", "text")

    def __init__(self, kind: str, options: dict[str, object], text: str) -> None:
        self.kind, self.options, self.text = kind, options, text


def blocks(rule: type[Rule]) -> list[tuple[str, str] | str]:
    """The docstring as prose lines and (introduction, literal text) blocks, in order."""
    out: list[tuple[str, str] | str] = []
    lines = rule.doc().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.endswith("::"):
            i += 2  # the blank line that opens a literal block
            body = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:])
                i += 1
            out.append((line[:-2], "\n".join(body).strip("\n")))
            continue
        out.append(line)
        i += 1
    return out


def examples(rule: type[Rule]) -> list[Example]:
    """The rule's passing and failing examples, with their options."""
    found = []
    for block in blocks(rule):
        if isinstance(block, tuple) and block[0].startswith(("Passing", "Failing")):
            introduction, text = block
            options = {m.group(1): json.loads(m.group(2)) for m in _OPTION.finditer(introduction)}
            found.append(Example(introduction.split(None, 1)[0].rstrip(","), options, text))
    return found


def explain(rule: type[Rule]) -> str:
    """Plain text for ``tvlint --explain``."""
    text = f"{rule.code} {rule.name}\n\n{plain_text(rule.doc())}\n"
    if rule.options:
        text += "".join(
            f"\nOption {o.name} ({o.kind}, default {json.dumps(o.default)}): {o.help}"
            for o in rule.options
        )
        text += f"\n(in [tool.tvlint.rules.{rule.name}])\n"
    return text
