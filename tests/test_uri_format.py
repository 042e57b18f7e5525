"""The ``uri`` format against rfc3986-validator, the check jsonschema uses."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rfc3986_validator import validate_rfc3986

from tvlint.string_formats import _is_absolute_uri, is_uri


def validator_says(value: str) -> bool:
    # Its patterns end in "$", which lets a final newline through; a URI holds none.
    return not value.endswith("\n") and bool(validate_rfc3986(value, rule="URI"))


@st.composite
def ipv6_like(draw: st.DrawFn) -> str:
    """Addresses in every spelling RFC 3986 allows, and near misses of each."""
    address = draw(st.ip_addresses(v=6))
    groups = address.exploded.split(":")
    if draw(st.booleans()):
        groups = [g.lstrip("0") or "0" for g in groups]
    if draw(st.booleans()):
        groups = [g.upper() for g in groups]
    if draw(st.booleans()):  # the last 32 bits as a dotted quad
        groups[6:] = [".".join(str(b) for b in address.packed[-4:])]
    start = draw(st.integers(0, len(groups)))
    end = draw(st.integers(start, len(groups)))
    if end > start or draw(st.booleans()):
        text = ":".join(groups[:start]) + "::" + ":".join(groups[end:])
    else:
        text = ":".join(groups)
    if draw(st.integers(0, 2)) == 0:  # a character changed, added or taken away
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 1))
        text = (
            text[:at]
            + draw(st.sampled_from(["", ":", ".", "0", "00", "g", "::"]))
            + text[at + cut :]
        )
    return text


PARTS = "ab:/?#[]@%2fF.v-_~!$&'()*+,;= \n\u00e9"
ANY_SHAPE = st.one_of(
    st.text(alphabet=PARTS, max_size=30),
    st.builds(
        "".join,
        st.tuples(
            st.sampled_from(["http:", "x:", "x://", "a+b.c-d://", "1a:", ":", ""]),
            st.text(alphabet=PARTS, max_size=30),
        ),
    ),
    st.from_regex(
        r"[a-zA-Z][a-z0-9+.-]{0,3}:(//([a-z:%0-9]{0,4}@)?"
        r"(\[[0-9a-fA-Fv:.\]]{0,12}\]|[a-z0-9.%-]{0,6})(:[0-9a-z]{0,3})?)?"
        r"(/[a-z%0-9:@!$]{0,4}){0,3}(\?[a-z/?%#]{0,5})?(#[a-z/?#%]{0,5})?",
        fullmatch=True,
    ),
)


@settings(max_examples=1000, deadline=None)
@given(ANY_SHAPE)
@example("http://[V1.a]/")  # IPvFuture's "v": lower case only, as the validator has it
@example("http://[::1.2.3.04]/")  # an octet with a leading zero in IPv6, as the validator
@example("x://a?b/c?d#e/f?g")
@example("http://h/%4")
@example("http://a@b@c/")
@example("http://user:secret@host/")
@example("https://b.s3.amazonaws.com/m/a.safetensors\n")
def test_the_uri_check_agrees_with_rfc3986_validator(value: str) -> None:
    assert _is_absolute_uri(value) == validator_says(value)
    assert is_uri(value) == validator_says(value)


@settings(max_examples=1000, deadline=None)
@given(
    st.one_of(ipv6_like(), st.text(alphabet="0123456789abcdefABCDEFv:.]", max_size=20)),
    st.sampled_from(["]", "]", "]", "]:", "]:80", "]x", "]]", ""]),
)
@example("1:2:3:4:5:6:7:8", "]")
@example("1:2:3:4:5:6:7:8:9", "]")
@example("::ffff:1.2.3.4", "]:443")
@example("v1f.a:b!", "]")
@example("::1", "")
def test_ip_literals_agree_with_rfc3986_validator(address: str, after: str) -> None:
    url = f"http://[{address}{after}/x"
    assert _is_absolute_uri(url) == validator_says(url)


@settings(max_examples=1000, deadline=None)
@given(
    st.from_regex(r"[a-z]{1,5}://[A-Za-z0-9._~-]{1,8}(/[A-Za-z0-9._~%-]{0,6}){0,3}", fullmatch=True)
)
def test_the_plain_url_fast_path_agrees_with_rfc3986_validator(value: str) -> None:
    assert is_uri(value) == validator_says(value)


def test_non_strings_pass_as_json_schema_requires() -> None:
    assert is_uri(5) and is_uri(None) and is_uri(["x y"])


@pytest.mark.parametrize(
    "ending",
    ["[", " ", "%", "%4", "#a#", "?a[", "\n", "]", "\U0001f600?#"],
)
@pytest.mark.parametrize(
    "shape",
    [
        "https://b.example/" + "a/" * 150_000,
        "https://" + "a" * 300_000,
        "x:" + "a" * 300_000,
        "https://b/x?" + "a=/" * 100_000,
        "https://b/x#" + "a?" * 150_000,
        "https://" + "a:" * 150_000 + "@h/",
        "a://u@[::1]:" + "1" * 300_000,
    ],
)
def test_a_long_uri_refused_late_is_told_in_little_memory(shape: str, ending: str) -> None:
    url = shape + ending
    assert not is_uri("a:b c")  # the patterns compiled (on first use) before measuring
    tracemalloc.start()
    try:
        assert not is_uri(url)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Checked in place: no copy of the value. rfc3986-validator's regex holds 130-180
    # bytes per character of such a value, and a copy of each part took 6 times its size.
    assert peak < 100_000
