from __future__ import annotations

import json
import tracemalloc
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tvlint.document import (
    MAX_NESTING,
    Document,
    InvalidJSON,
    Text,
    join_pointer,
    parse,
    split_pointer,
)
from tvlint.model import model_of


def test_parse_keeps_bytes_text_and_data() -> None:
    raw = b'{"versions": [1, 2]}'
    doc = parse(raw)
    assert doc.raw == raw
    assert doc.data == {"versions": [1, 2]}
    assert not doc.has_bom
    assert doc.duplicate_keys == ()


def test_position_is_one_based_and_counts_characters() -> None:
    doc = parse('{\n  "a": "é",\n  "b": 1\n}'.encode())
    assert doc.position(0) == (1, 1)
    b_value = doc.text.index("1")
    assert doc.position(b_value) == (3, 8)
    # é is one character, so the comma after it is column 11 on line 2.
    assert doc.position(doc.text.index(",")) == (2, 11)


def test_locate_finds_values_by_pointer() -> None:
    text = '{"versions": [\n {"id": "a"},\n {"id": "b", "loraUrl": "x"}\n]}'
    doc = parse(text.encode())
    assert doc.position(doc.locate("/versions/1/loraUrl")) == (3, 25)
    assert doc.position(doc.locate("/versions/1")) == (3, 2)
    assert doc.locate("") == 0


def test_locate_falls_back_to_the_deepest_existing_parent() -> None:
    doc = parse(b'{"versions": [{"id": "a"}]}')
    assert doc.locate("/versions/0/missing") == doc.locate("/versions/0")
    assert doc.locate("/versions/7") == doc.locate("/versions")


def test_locate_takes_the_last_of_repeated_keys_as_json_does() -> None:
    doc = parse(b'{"a": 1, "a": 2}')
    assert doc.data == {"a": 2}
    assert doc.text[doc.locate("/a")] == "2"


def test_locate_handles_escaped_pointer_tokens() -> None:
    doc = parse(b'{"a/b": {"c~d": 5}}')
    pointer = join_pointer("a/b", "c~d")
    assert pointer == "/a~1b/c~0d"
    assert split_pointer(pointer) == ["a/b", "c~d"]
    assert doc.text[doc.locate(pointer)] == "5"


def test_element_spans_cover_each_entry_exactly() -> None:
    text = '{"versions": [ {"id": "a"} ,\n{"id": "b"}]}'
    doc = parse(text.encode())
    spans = doc.element_spans("/versions")
    assert [doc.text[s:e] for s, e in spans] == ['{"id": "a"}', '{"id": "b"}']
    assert doc.element_spans("/nothing") == []


def test_spans_read_as_a_list_of_pairs() -> None:
    text = '{"versions": [1, [2], {"a": 3}]}'
    spans = parse(text.encode()).element_spans("/versions")
    pairs = [(14, 15), (17, 20), (22, 30)]
    assert spans == pairs
    assert list(spans) == pairs
    assert [spans[i] for i in range(-3, 3)] == pairs + pairs
    assert len(spans) == 3
    assert spans != pairs[:2]
    assert spans != parse(b'{"versions": [1]}').element_spans("/versions")
    assert spans != "not spans"


def test_duplicate_keys_are_found_at_every_depth_with_offsets() -> None:
    text = '{"versions": [{"id": "a", "status": "x", "status": "y"}], "versions": []}'
    doc = parse(text.encode())
    assert [p for p, _ in doc.duplicate_keys] == ["/versions/0/status", "/versions"]
    offsets = [o for _, o in doc.duplicate_keys]
    assert [doc.text[o : o + 9] for o in offsets] == ['"status":', '"versions']
    assert offsets[0] == text.rindex('"status"')


def test_bom_is_accepted_and_positions_ignore_it() -> None:
    doc = parse(b'\xef\xbb\xbf{"a": 1}')
    assert doc.has_bom
    assert doc.data == {"a": 1}
    assert doc.position(doc.locate("/a")) == (1, 7)


@pytest.mark.parametrize(
    ("raw", "line", "column", "words"),
    [
        (b"", 1, 1, "Expecting value"),
        (b"  \n  ", 2, 3, "Expecting value"),
        # Trailing commas: at the comma, as json says it since Python 3.13, on every version.
        (b'{"versions": [1,]}', 1, 16, "Illegal trailing comma before end of array"),
        (b'{"versions": [],\n}', 1, 16, "Illegal trailing comma before end of object"),
        (b'{"versions": [1 ,\r\n\t ]}', 1, 17, "Illegal trailing comma before end of array"),
        (b'{"versions": [1,,]}', 1, 17, "Expecting value"),
        (b'{"versions": [,]}', 1, 15, "Expecting value"),
        (b"{,}", 1, 2, "Expecting property name"),
        (b'{"a": NaN}', 1, 7, "NaN is not a JSON number"),
        (b'{"a": [1, -Infinity]}', 1, 11, "-Infinity is not a JSON number"),
        (b'{"s": "NaN", "a": Infinity}', 1, 19, "Infinity is not a JSON number"),
        (b'{"a": 1}\n{"b": 2}', 2, 1, "Extra data"),
        (b'{"a": "x\xffy"}', 1, 9, "invalid UTF-8: byte 0xff"),
        (b'\xef\xbb\xbf{\n"a": "\xc3"}', 2, 7, "invalid UTF-8: byte 0xc3"),
        (b"\xff\xfe{\x00}\x00", 1, 1, "UTF-16"),
        (b'{"a": "x\x00"}', 1, 9, "Invalid control character"),
        (b"{'a': 1}", 1, 2, "Expecting property name"),
        (b'{"a": 1 // comment\n}', 1, 9, "Expecting"),
        (b'{"versions": [{"id": "x"', 1, 25, "Expecting"),
    ],
)
def test_invalid_json_has_message_and_position(
    raw: bytes, line: int, column: int, words: str
) -> None:
    with pytest.raises(InvalidJSON) as info:
        parse(raw)
    assert words in info.value.message
    assert (info.value.line, info.value.column) == (line, column)


def test_deep_nesting_is_invalid_json_not_a_crash() -> None:
    raw = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(InvalidJSON) as info:
        parse(raw)
    assert info.value.message == f"nesting too deep to parse: more than {MAX_NESTING} levels"
    assert (info.value.line, info.value.column) == (1, MAX_NESTING + 1)


@pytest.mark.parametrize(
    ("before", "after", "levels_above"),
    [
        ("", "", 0),  # the whole text: not an object, so decoded in one call
        ('{"meta": ', "}", 1),
        ('{"versions": [{"id": "a"}, ', "]}", 2),
        ('{"versions": [{"id": "a"}, {"x": ', "}]}", 3),
        ('{"a": 1, "b": [', '], "versions": []}', 2),
    ],
)
@pytest.mark.parametrize("opening", ["[", '{"k": ', '["]]]", '])
@pytest.mark.parametrize("spans", [True, False])  # the walk, and one json call
def test_nesting_is_read_up_to_the_limit_and_refused_past_it(
    before: str, after: str, levels_above: int, opening: str, spans: bool
) -> None:
    closing = {"[": "]", '{"k": ': "}", '["]]]", ': "]"}[opening]
    for levels, refused in [
        (MAX_NESTING - levels_above, False),
        (MAX_NESTING - levels_above + 1, True),
    ]:
        text = before + opening * levels + "0" + closing * levels + after
        if not refused:
            assert parse(text.encode(), spans).data == json.loads(text)
            continue
        with pytest.raises(InvalidJSON) as info:
            parse(text.encode(), spans)
        assert "more than 512 levels" in info.value.message
        # At the first bracket past the limit.
        first_past = len(before) + len(opening) * (MAX_NESTING - levels_above)
        assert (info.value.line, info.value.column) == (1, first_past + 1)


@pytest.mark.parametrize("later", [", }", ', "n": NaN}', "} x", ', "n": ' + "9" * 5000 + "}"])
def test_a_later_syntax_error_is_reported_before_the_nesting(later: str) -> None:
    # json's error first, whether the text is walked or decoded in one call.
    deep = "[" * MAX_NESTING + "]" * MAX_NESTING
    raw = ('{"versions": [], "m": ' + deep + later).encode()
    with pytest.raises(InvalidJSON) as walked:
        parse(raw)
    with pytest.raises(InvalidJSON) as whole:
        parse(raw, spans=False)
    assert "nesting" not in walked.value.message
    assert (walked.value.message, walked.value.column) == (whole.value.message, whole.value.column)


@pytest.mark.parametrize("after", ['"}', '", "n": NaN}'])
def test_strings_of_many_escapes_are_stepped_over_in_little_memory(after: str) -> None:
    # Brackets enough, in a long enough value, for the nesting check to walk it; and
    # the search for a NaN. A regex for a whole string keeps state for each escape.
    value = "\\n" * 500_000 + "[" * (MAX_NESTING + 1)
    raw = ('{"versions": [], "m": "' + value + after).encode()
    tracemalloc.start()
    try:
        try:
            doc = parse(raw)
        except InvalidJSON as exc:
            assert exc.message == "NaN is not a JSON number"
            assert exc.column == raw.index(b"NaN") + 1
        else:
            assert doc.data["m"].startswith("\n\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * len(raw)  # the text, the decoded string and the parse's own


def test_integer_beyond_the_digit_limit_is_invalid_json() -> None:
    raw = b'{"n":\n ' + b"7" * 10_000 + b"}"
    with pytest.raises(InvalidJSON) as info:
        parse(raw)
    assert "digits" in info.value.message
    assert (info.value.line, info.value.column) == (2, 2)


def _naive_position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab\n\u00e9", max_size=60), st.lists(st.integers(0, 60), max_size=12))
def test_positions_in_any_order_are_exact(text: str, offsets: list[int]) -> None:
    doc = Document(text=text, data=None, has_bom=False, duplicate_keys=())
    for offset in (min(o, len(text)) for o in offsets):
        assert doc.position(offset) == _naive_position(text, offset)


class _Scanned(str):
    """A text that adds up how many characters count and rfind look at."""

    total = 0

    def count(self, sub: str, start: Any = None, end: Any = None) -> int:
        _Scanned.total += (len(self) if end is None else end) - (start or 0)
        return super().count(sub, start, end)

    def rfind(self, sub: str, start: Any = None, end: Any = None) -> int:
        found = super().rfind(sub, start, end)
        _Scanned.total += (len(self) if end is None else end) - max(found, start or 0)
        return found


def test_positions_cost_about_one_pass_whatever_the_order() -> None:
    # A duplicate's kept entry can be anywhere: lookups come in any order, and counting
    # from the start for each would make a large file's check quadratic.
    text = _Scanned("".join(f'  {{"id": "{i}"}},\n' for i in range(4000)))
    doc = Document(text=text, data=None, has_bom=False, duplicate_keys=())
    offsets = [text.index(f'"{i}"') for i in range(4000)]
    _Scanned.total = 0
    for offset in [*reversed(offsets[2000:]), *offsets[:2000:7], *offsets[::-3]]:
        assert doc.position(offset) == _naive_position(str(text), offset)
    assert _Scanned.total < 3 * len(text)


def test_members_of_an_object_are_walked_once_however_many_lookups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tvlint.document as document
    import tvlint.json_spans as json_spans

    keys = [f"k{i}" for i in range(3000)]
    doc = parse(json.dumps({**dict.fromkeys(keys, 1), "versions": [{"id": "a"}]}).encode())
    calls = 0
    real = document.scanstring

    def counting(text: str, end: int) -> tuple[str, int]:
        nonlocal calls
        calls += 1
        return real(text, end)

    # Wherever a key is read on the way: the walk (json_spans) and the document.
    monkeypatch.setattr(document, "scanstring", counting)
    monkeypatch.setattr(json_spans, "scanstring", counting)
    for key in [*reversed(keys), "versions", *keys[::5]]:
        assert doc.text[doc.locate(join_pointer(key))] == "1" or key == "versions"
    assert doc.text[doc.locate("/versions/0/id")] == '"'
    assert calls <= len(keys) + 3


class _Members(list[tuple[str, Any]]):
    """An object as its members in text order, where a key may repeat."""


def _laid_out(value: Any, indent: int | None, newline: str, depth: int = 0) -> str:
    inner = newline + " " * (indent * (depth + 1)) if indent else ""
    outer = newline + " " * (indent * depth) if indent else ""
    if isinstance(value, _Members):
        members = (f"{json.dumps(k)}: {_laid_out(v, indent, newline, depth + 1)}" for k, v in value)
        return "{" + ",".join(inner + m for m in members) + (outer if value else "") + "}"
    if isinstance(value, list):
        items = (_laid_out(v, indent, newline, depth + 1) for v in value)
        return "[" + ",".join(inner + i for i in items) + (outer if value else "") + "]"
    return json.dumps(value)


def _repeats_a_key(value: Any) -> bool:
    if isinstance(value, _Members):
        keys = [key for key, _ in value]
        return len(set(keys)) < len(keys) or any(_repeats_a_key(v) for _, v in value)
    return isinstance(value, list) and any(map(_repeats_a_key, value))


# Keys that look like indices ("0", "²" is a digit but no number) and repeat.
_KEYS = st.sampled_from(["a", "b", "0", "1", "²"])
_VALUES = st.recursive(
    st.integers(0, 3),
    lambda inner: (
        st.lists(inner, max_size=3) | st.lists(st.tuples(_KEYS, inner), max_size=4).map(_Members)
    ),
    max_leaves=10,
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["versions", "versions", "x"]), st.lists(_VALUES, max_size=4) | _VALUES
        ),
        min_size=1,
        max_size=3,
    )
)
def test_partial_entries_are_the_kept_entries_that_repeat_a_key(
    root: list[tuple[str, Any]],
) -> None:
    # Whatever the pointers of the repeated keys look like: json keeps the last
    # "versions", and an entry is partial only if a key repeats inside it.
    doc = parse(_laid_out(_Members(root), None, "\n").encode())
    kept = [value for key, value in root if key == "versions"][-1:]
    versions = kept[0] if kept and type(kept[0]) is list else []
    assert model_of(doc).partial_entries == {
        i for i, entry in enumerate(versions) if _repeats_a_key(entry)
    }


class _Value:
    """Where a value starts in a text, and its children by pointer token (for a
    repeated key, the last, as json keeps)."""

    def __init__(self, start: int) -> None:
        self.start = start
        self.children: dict[str, _Value] = {}


def _read_every_character(text: str) -> _Value:
    pos = 0

    def skip_space() -> None:
        nonlocal pos
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1

    def string() -> str:
        nonlocal pos
        end = pos + 1
        while text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        found, pos = json.loads(text[pos : end + 1]), end + 1
        assert isinstance(found, str)
        return found

    def value() -> _Value:
        nonlocal pos
        skip_space()
        node = _Value(pos)
        if text[pos] in "{[":
            is_object, index = text[pos] == "{", 0
            pos += 1
            skip_space()
            while text[pos] not in "}]":
                if is_object:
                    key = string()
                    skip_space()
                    pos += 1  # the colon
                else:
                    key, index = str(index), index + 1
                node.children[key] = value()
                skip_space()
                pos += text[pos] == ","
                skip_space()
            pos += 1
        elif text[pos] == '"':
            string()
        else:
            while pos < len(text) and text[pos] not in " \t\r\n,]}":
                pos += 1
        return node

    return value()


def _pointers(node: _Value, prefix: str = "") -> list[str]:
    found = [prefix]
    for key, child in node.children.items():
        found += _pointers(child, prefix + join_pointer(key))
    return found


_ANY_KEYS = st.sampled_from(["a", "versions", "~", "/", "\u00e9", "0", ""])
_ANY_VALUES = st.recursive(
    st.none() | st.integers(-2, 2) | st.text(alphabet='a"\\\n\u2028', max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(st.tuples(_ANY_KEYS, inner), max_size=4).map(_Members)
    ),
    max_leaves=14,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_ANY_KEYS, _ANY_VALUES), max_size=4),
    st.sampled_from([None, 2]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
    st.lists(st.sampled_from(["/zz", "/0/x", "/versions/9", "/a/0/zz"]), max_size=3),
    st.randoms(use_true_random=False),
)
def test_locate_and_position_agree_with_reading_every_character(
    members: list[tuple[str, Any]],
    indent: int | None,
    newline: str,
    spans_now: bool,
    missing: list[str],
    order: Any,
) -> None:
    # Member walks cached and stopped early, spans from the parse or found on demand,
    # positions counted from the nearest mark: at every depth, for missing pointers and
    # repeated keys, looked up in any order.
    root = _Members([("versions", [v for _, v in members]), *members])
    text = _laid_out(root, indent, newline)
    doc = parse(text.encode(), spans=spans_now)
    read = _read_every_character(text)
    wanted = _pointers(read) + missing
    order.shuffle(wanted)
    for pointer in wanted:
        node = read
        for token in split_pointer(pointer):
            if token not in node.children:
                break
            node = node.children[token]
        offset = doc.locate(pointer)
        assert offset == node.start, pointer
        before = text[:offset]
        assert doc.position(offset) == (before.count("\n") + 1, offset - before.rfind("\n")), (
            pointer
        )


@settings(max_examples=300, deadline=None)
@given(st.text(), st.booleans(), st.integers(1, 8))  # no lone surrogate, as decoded text
def test_a_text_in_blocks_is_its_bytes(text: str, has_bom: bool, size: int) -> None:
    # --fix writes and compares a large file a block at a time: together, its bytes.
    whole = Text(text, has_bom)
    assert b"".join(whole.blocks(size)) == whole.raw
