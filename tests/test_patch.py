"""The diff built from edits: it must turn the old text into the new one, exactly."""

from __future__ import annotations

import difflib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tvlint.patch import Edit, apply_edits, edited_text, unified_diff

HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


def apply_diff(old: str, diff: str) -> str:
    """A strict patch: every context and removed line must match where the hunk says."""
    lines = old.split("\n")
    old_lines = [x + "\n" for x in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    out: list[str] = []
    cursor = 0
    body = diff.split("\n")[2:]
    i = 0
    while i < len(body) and body[i]:
        match = HUNK.fullmatch(body[i])
        assert match, body[i]
        start = int(match.group(1)) - (0 if match.group(2) == "0" else 1)
        out += old_lines[cursor:start]
        cursor = start
        i += 1
        while i < len(body) and body[i] and not body[i].startswith("@@"):
            kind, line = body[i][0], body[i][1:] + "\n"
            if i + 1 < len(body) and body[i + 1] == "\\ No newline at end of file":
                line = line[:-1]
                i += 1
            if kind in " -":
                assert old_lines[cursor] == line, (cursor, old_lines[cursor], line)
                cursor += 1
            if kind in " +":
                out.append(line)
            i += 1
    return "".join(out + old_lines[cursor:])


@st.composite
def texts_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    words = st.sampled_from(["{", "}", "},", "  {", "a", "b", "", "\u2028x", "c\r"])
    lines = draw(st.lists(words, min_size=1, max_size=40))
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n"]))
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    # Cuts (replaced by nothing) and insertions (nothing replaced), as --fix makes them,
    # and replacements for good measure.
    inserts = st.sampled_from(["", "", ',\n  "isGood": true', "x", "\n", ",\r\n  1\n"])
    edits = [(a, b, draw(inserts)) for a, b in zip(points[::2], points[1::2], strict=False)]
    return text, [(a, b, new) for a, b, new in edits if a < b or new]


@settings(max_examples=500, deadline=None)
@given(texts_and_edits())
def test_the_diff_turns_the_old_text_into_the_new(case: tuple[str, list[Edit]]) -> None:
    text, edits = case
    diff = unified_diff("f", text, edits)
    new = apply_edits(text, edits)
    if new == text:
        assert diff == ""
    else:
        assert diff.startswith("--- f\n+++ f\n@@ ")
        assert apply_diff(text, diff) == new


def test_whole_entries_removed_show_as_their_lines_only() -> None:
    entries = [f'    {{\n      "id": "{i}"\n    }}' for i in range(12)]
    text = '{\n  "versions": [\n' + ",\n".join(entries) + "\n  ]\n}"
    removed = {0, 5, 6, 11}
    new = (
        '{\n  "versions": [\n'
        + ",\n".join(e for i, e in enumerate(entries) if i not in removed)
        + "\n  ]\n}"
    )
    starts = [text.index(e) for e in entries]
    cuts = []
    for i in sorted(removed):
        if i < len(entries) - 1:
            cuts.append((starts[i], starts[i + 1]))
        else:
            cuts.append((starts[i - 1] + len(entries[i - 1]), starts[i] + len(entries[i])))
    assert apply_edits(text, [(a, b, "") for a, b in cuts]) == new
    diff = unified_diff("f", text, [(a, b, "") for a, b in cuts])
    assert apply_diff(text, diff) == new
    body = [line for line in diff.splitlines()[2:] if not line.startswith("@@")]
    # Three hunks (entry 0; 5 and 6; 11), nothing added, and as many lines gone as in
    # difflib's diff, though it may place a "}," line differently.
    assert diff.count("\n@@ ") == 3
    assert not [line for line in body if line.startswith("+")]
    removed_lines = [line[1:] for line in body if line.startswith("-")]
    reference = difflib.unified_diff(text.splitlines(True), new.splitlines(True), "f", "f")
    assert len(removed_lines) == sum(
        1 for x in reference if x.startswith("-") and not x.startswith("---")
    )


@st.composite
def any_texts_and_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    # Any characters but lone surrogates (a text decoded from UTF-8 has none): ASCII,
    # two-, three- and four-byte UTF-8, in the text and in what edits add.
    chars = st.characters().filter(lambda c: not "\ud800" <= c <= "\udfff")
    text = draw(st.text(chars, max_size=60))
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=10))))
    inserts = st.text(chars, max_size=5)
    edits = [(a, b, draw(inserts)) for a, b in zip(points[::2], points[1::2], strict=False)]
    return text, edits


@settings(max_examples=500, deadline=None)
@given(any_texts_and_edits())
def test_the_text_made_through_one_buffer_is_the_joined_text(
    case: tuple[str, list[Edit]],
) -> None:
    text, edits = case
    assert edited_text(text, edits) == apply_edits(text, edits)
