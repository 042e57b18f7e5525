"""A rule's docstring as plain text (``--explain``, SARIF's ``text``) and as Markdown
(``docs/rules.md``, SARIF's ``markdown``).

The docstring format: a summary line; prose paragraphs, where ````code```` marks a
literal; literal blocks, each introduced by a line ending in ``::`` and indented by four
spaces. The examples are the blocks whose introduction starts with ``Passing`` or
``Failing``. Two kinds of paragraph have a section of their own on the rule's page: one
that starts with ``Why:`` (why the problem matters) and one that starts with
``How to fix:``.

``python -m tvlint.rule_docs > docs/rules.md`` regenerates the rules page
(``tests/test_docs.py`` keeps it equal to this output).
"""

from __future__ import annotations

import json
import re

from tvlint import TYPE_CHECKING
from tvlint.rules import RULES

if TYPE_CHECKING:
    from tvlint.rules import Rule

_INLINE = re.compile(r"``(.+?)``")
_WHY, _FIX = "Why:", "How to fix:"
RULES_PAGE = "docs/rules.md"


class Block:
    """A paragraph (``literal`` None) or a literal block with its introduction."""

    __slots__ = ("literal", "text")

    def __init__(self, text: str, literal: str | None = None) -> None:
        self.text, self.literal = text, literal

    @property
    def example(self) -> str | None:
        """``Passing`` or ``Failing`` for an example, else None."""
        if self.literal is None:
            return None
        word = self.text.split(None, 1)[0].rstrip(",") if self.text else ""
        return word if word in ("Passing", "Failing") else None


def parse(doc: str) -> list[Block]:
    """The docstring (as ``inspect.cleandoc`` gives it) as paragraphs and literal blocks."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    lines = doc.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        if not line:
            if paragraph:
                blocks.append(Block("\n".join(paragraph)))
                paragraph = []
            i += 1
            continue
        if line.endswith("::"):
            paragraph.append(line[:-2].rstrip())
            intro = "\n".join(paragraph)
            paragraph = []
            i += 1
            body: list[str] = []
            while i < len(lines) and (lines[i].startswith("    ") or not lines[i].strip()):
                body.append(lines[i][4:].rstrip())
                i += 1
            blocks.append(Block(intro, "\n".join(body).strip("\n")))
            continue
        paragraph.append(line)
        i += 1
    if paragraph:
        blocks.append(Block("\n".join(paragraph)))
    return blocks


def _plain(text: str) -> str:
    return _INLINE.sub(r"\1", text)


def _code_span(match: re.Match[str]) -> str:
    content = match.group(1)
    if "`" not in content:
        return f"`{content}`"
    return f"`` {content} ``"


def _markdown(text: str) -> str:
    return _INLINE.sub(_code_span, text)


def _fence(text: str) -> list[str]:
    # Every literal block of a rule is a file's text (JSON, or what fails to be JSON).
    return ["```json", text, "```"]


def plain_text(doc: str) -> str:
    """The docstring as plain text: literals without their reST quotes, each literal
    block after its introduction and a colon, indented by four spaces."""
    out: list[str] = []
    for block in parse(doc):
        if block.literal is None:
            out += [_plain(block.text), ""]
        else:
            intro = _plain(block.text)
            if intro:
                out += [f"{intro}:", ""]
            out += [f"    {line}" if line else "" for line in block.literal.split("\n")]
            out.append("")
    return "\n".join(out).strip("\n")


def markdown(doc: str) -> str:
    """The docstring as Markdown: literals as code spans, literal blocks fenced."""
    out: list[str] = []
    for block in parse(doc):
        if block.literal is None:
            out += [_markdown(block.text), ""]
        else:
            if block.text:
                out += [f"{_markdown(block.text)}:", ""]
            out += [*_fence(block.literal), ""]
    return "\n".join(out).strip("\n")


def anchor(rule: type[Rule]) -> str:
    """The rule's heading's anchor on GitHub (``tv004-duplicate-lora-url``)."""
    return f"{rule.code}-{rule.name}".lower()


def _section(title: str, body: list[str]) -> list[str]:
    return [f"### {title}", "", *body, ""]


def rule_page(rule: type[Rule]) -> str:
    """One rule's section of ``docs/rules.md``, in the order ruff's rule pages use:
    what it does, why, an example, how to fix, options."""
    blocks = parse(rule.doc())
    summary, rest = blocks[0], blocks[1:]
    what: list[str] = [_markdown(summary.text), ""]
    why: list[str] = []
    fix: list[str] = []
    examples: list[Block] = []
    for block in rest:
        if block.example:
            examples.append(block)
        elif block.literal is not None:
            what += [f"{_markdown(block.text)}:", "", *_fence(block.literal), ""]
        elif block.text.startswith(_WHY):
            why += [_markdown(block.text[len(_WHY) :].strip()), ""]
        elif block.text.startswith(_FIX):
            fix += [_markdown(block.text[len(_FIX) :].strip()), ""]
        else:
            what += [_markdown(block.text), ""]
    if rule.fixes == "unsafe":
        fix += [
            "`tvlint --fix --unsafe-fixes` fixes it, and `tvlint --diff --unsafe-fixes` shows "
            "the change first: see [unsafe fixes](fix.md#unsafe-fixes-one-run-recorded-twice"
            "---unsafe-fixes). Plain `--fix` leaves it.",
            "",
        ]
    elif rule.fixes:
        fix += [
            "`tvlint --fix` fixes it, and `tvlint --diff` shows the change first: see "
            "[`--fix` and `--diff`](fix.md).",
            "",
        ]
    elif not fix:
        fix += [
            "By hand: `tvlint --fix` does not change this. Edit the file until it reads "
            "like the passing example above.",
            "",
        ]
    example_lines: list[str] = []
    # The failing example first, then what to write instead, as ruff's pages show them.
    for block in sorted(examples, key=lambda b: b.example != "Failing"):
        example_lines += [f"{_markdown(block.text)}:", "", *_fence(block.literal or ""), ""]
    if rule.options:
        options = [f"In `[tool.tvlint.rules.{rule.name}]`:", ""]
        options += [
            f"- `{o.name}` ({o.kind}, "
            + ("no default" if o.default is None else f"default `{json.dumps(o.default)}`")
            + f"): {o.help}"
            for o in rule.options
        ]
        options.append("")
    else:
        options = [f"None in `[tool.tvlint.rules.{rule.name}]`.", ""]
    fixable = {
        "safe": "Fixable with `tvlint --fix`.",
        "unsafe": "Fixable with `tvlint --fix --unsafe-fixes` (an unsafe fix: it changes values).",
    }.get(rule.fixes or "", "Not changed by `--fix`.")
    if not rule.default:
        fixable += f' Off by default: `extend-select = ["{rule.code}"]` turns it on.'
    out = [f"## {rule.code} {rule.name}", "", fixable, ""]
    out += _section("What it does", what)
    if why:
        out += _section("Why it matters", why)
    out += _section("Example", example_lines)
    out += _section("How to fix", fix)
    out += _section("Options", options)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n") + "\n"


def rules_table(link: str = "") -> str:
    """A Markdown table of every rule: code (linked to ``link`` + its anchor), name and
    summary."""
    rows = ["| code | name | what it finds |", "|---|---|---|"]
    rows += [
        f"| [{r.code}]({link}#{anchor(r)}) | {r.name} | {_markdown(r.summary())} |" for r in RULES
    ]
    return "\n".join(rows) + "\n"


def rules_page() -> str:
    """The whole of ``docs/rules.md``."""
    head = [
        "# Rules",
        "",
        "<!-- Generated from the rules' docstrings by `python -m tvlint.rule_docs > "
        "docs/rules.md`; edit the docstrings in tvlint/rules/, not this file. -->",
        "",
        "Every rule, from its own documentation (`tvlint --explain RULE` prints the same "
        "text). Rules are selected by code or name: `select`, `ignore`, `--select`, "
        "`--ignore` ([configuration](configuration.md)). Each rule's examples are run by "
        "the tests: the failing one fails, the passing one passes.",
        "",
        rules_table(),
    ]
    return "\n".join(head) + "\n" + "\n".join(rule_page(rule) for rule in RULES)


if __name__ == "__main__":
    import sys

    sys.stdout.write(rules_page())
