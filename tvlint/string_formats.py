"""String formats, one implementation each, shared by both validators and the ranking.

``date-time`` is RFC 3339 with an offset; the same parser ranks timestamps, so an entry
the schema accepts is always ranked by its instant, and one it rejects always ranks
below every valid one. ``uri`` is an absolute RFC 3986 URI, the strings
``rfc3986-validator`` accepts (the check ``jsonschema`` uses, and this one's oracle in
the tests), found in time and memory linear in the string's length, with a fast path
for the plain URLs the writers produce. A user schema's ``pattern`` is an ECMA-262
regex, as JSON Schema says, searched by ``regress`` (``ecma_search``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache, lru_cache

from tvlint import TYPE_CHECKING

_DATE_TIME_PARTS = (
    r"(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):([0-5]\d):([0-5]\d)"
    r"(?:\.(\d+))?(?:([Zz])|([+-])([01]\d|2[0-3]):([0-5]\d))"
)


@cache
def _date_time_parts() -> re.Pattern[str]:
    # Compiled on first use: a file with no duplicate never needs a timestamp's parts.
    return re.compile(_DATE_TIME_PARTS, re.ASCII)


# Only unreserved characters in a scheme://host/path URL: valid RFC 3986 for certain.
# After the host, any run of unreserved characters and slashes: the same strings as
# host and "(?:/[A-Za-z0-9._~-]*)*", without a group repeated inside a repeat, for which
# Python's re keeps backtracking state at every slash: memory that grows with a long
# path that then fails.
PLAIN_URL = r"[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9._~-][A-Za-z0-9._~/-]*"
_PLAIN_URL = re.compile(PLAIN_URL)
# Exactly the date-times is_date_time accepts, as one regex for other dialects (no \d,
# which is Unicode elsewhere): the calendar spelled out, February 29 in leap years only
# (divisible by 4 but not by 100, or by 400), no year 0000.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)"
DATE_TIME_ANYWHERE = (
    r"(?:(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])-"
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
    rf"|(?:0[13578]|1[02])-31)|{_LEAP_YEAR}-02-29)"
    r"[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)


def is_date_time(value: object) -> bool:
    """Format checker for ``date-time``: non-strings pass, as JSON Schema requires.

    Leap seconds are rejected, as most JSON Schema validators do, and so is year 0000.
    """
    return not isinstance(value, str) or _date_time_match(value) is not None


def _date_time_match(value: str) -> re.Match[str] | None:
    """The parts of a valid date-time, calendar checked; None if it is not one."""
    match = _date_time_parts().fullmatch(value)
    if match is None:
        return None
    year, month, day = match.group(1, 2, 3)
    if year == "0000" or (day >= "29" and int(day) > _days_in_month(int(year), int(month))):
        return None
    return match


# The same grammar without its groups, for checking many date-times in one regex call.
_DATE_TIME_FORM = _DATE_TIME_PARTS.replace("(", "(?:").replace("(?:?:", "(?:")
_DATE_TIMES = re.compile(rf"(?:{_DATE_TIME_FORM}\n)+", re.ASCII).fullmatch
# Values per regex call: the repeat keeps a backtracking point for each value. A
# possessive repeat would not, but needs Python 3.11.
_BATCH = 1024
_YEAR_ZERO = re.compile(r"^0000", re.MULTILINE).search
_LATE_DAYS = re.compile(r"^(\d{4})-(\d\d)-(29|3[01])", re.ASCII | re.MULTILINE).findall


def all_date_times(values: list[str]) -> bool:
    """``is_date_time`` for every string in ``values``, with few regex calls for all."""
    return all(
        _all_date_times(values[start : start + _BATCH]) for start in range(0, len(values), _BATCH)
    )


def _all_date_times(values: list[str]) -> bool:
    joined = "\n".join(values) + "\n"
    if joined.count("\n") != len(values) or _DATE_TIMES(joined) is None:
        return False
    # The form is right for all; days 29-31 and year 0000 need the calendar.
    if _YEAR_ZERO(joined):
        return False
    return all(int(d) <= _days_in_month(int(y), int(m)) for y, m, d in _LATE_DAYS(joined))


def _days_in_month(year: int, month: int) -> int:
    # calendar.monthrange would do; importing calendar costs more than this.
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def rfc3339_instant(value: object) -> tuple[int, str] | None:
    """The instant an RFC 3339 date-time names, None where ``is_date_time`` fails.

    As (seconds since 1970-01-01T00:00:00Z, fraction digits without trailing zeros):
    tuples that sort in time order at any precision, with no year range to overflow.
    """
    match = _date_time_match(value) if isinstance(value, str) else None
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    days = _days_from_civil(int(year), int(month), int(day))
    seconds = ((days * 24 + int(hour)) * 60 + int(minute)) * 60 + int(second)
    if not zulu:
        offset = (int(off_h) * 60 + int(off_m)) * 60
        seconds += -offset if sign == "+" else offset
    # Digit strings without trailing zeros compare as the fractions they write.
    return seconds, (fraction or "").rstrip("0")


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).

    datetime would do, but importing it costs a one-file run more than this.
    """
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


# RFC 3986, appendix A, one character class per part. No repeat below is unbounded but
# a repeat of one class, for which Python's re keeps no state per character:
# rfc3986-validator's single regex repeats groups, and holds state for every character
# of a long value it refuses late. A "%" must start a %XX
# in every part that allows it, and one "%" check after the scheme (which holds none)
# says so: a delimiter is not a hex digit, so no %XX spans two parts.
_UNRESERVED_SUB_DELIMS = r"A-Za-z0-9._~\-!$&'()*+,;="
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
_USERINFO = rf"[{_UNRESERVED_SUB_DELIMS}:%]*"
_REG_NAME = rf"[{_UNRESERVED_SUB_DELIMS}%]*"
_PORT = r"(?::[0-9]*)?"
_PATH = rf"[{_UNRESERVED_SUB_DELIMS}:@%/]*"
_QUERY = rf"[{_UNRESERVED_SUB_DELIMS}:@%/?]*"
_BAD_PERCENT = r"%(?![0-9A-Fa-f]{2})"
# rfc3986-validator's IPv4 octet, which allows a leading zero where RFC 3986 does not;
# within the host a dotted quad is a reg-name either way, so it matters only in IPv6.
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?)"
_H16 = r"[0-9A-Fa-f]{1,4}"
_LS32 = rf"(?:{_H16}:{_H16}|(?:{_OCTET}\.){{3}}{_OCTET})"
# IPv6address as RFC 3986 writes it, its nine forms in order; no repeat is unbounded.
_IPV6 = "|".join(
    (
        rf"(?:{_H16}:){{6}}{_LS32}",
        rf"::(?:{_H16}:){{5}}{_LS32}",
        rf"(?:{_H16})?::(?:{_H16}:){{4}}{_LS32}",
        rf"(?:(?:{_H16}:){{,1}}{_H16})?::(?:{_H16}:){{3}}{_LS32}",
        rf"(?:(?:{_H16}:){{,2}}{_H16})?::(?:{_H16}:){{2}}{_LS32}",
        rf"(?:(?:{_H16}:){{,3}}{_H16})?::{_H16}:{_LS32}",
        rf"(?:(?:{_H16}:){{,4}}{_H16})?::{_LS32}",
        rf"(?:(?:{_H16}:){{,5}}{_H16})?::{_H16}",
        rf"(?:(?:{_H16}:){{,6}}{_H16})?::",
    )
)
# The "v" of IPvFuture in lower case only, as rfc3986-validator has it.
_IP_LITERAL = rf"{_IPV6}|v[0-9A-Fa-f]+\.[{_UNRESERVED_SUB_DELIMS}:]+"

if TYPE_CHECKING:
    from collections.abc import Callable

    Matcher = Callable[[str, int, int], re.Match[str] | None]


@cache
def _uri_parts() -> tuple[Matcher, ...]:
    # Compiled on first use (the IPv6 pattern takes milliseconds): the plain URLs the
    # writers produce never need them. Each matches the whole of value[pos:endpos].
    parts = (_SCHEME, _USERINFO, _REG_NAME, _PORT, _PATH, _QUERY, _IP_LITERAL)
    return (*(re.compile(part).fullmatch for part in parts), re.compile(_BAD_PERCENT).search)


def _is_absolute_uri(value: str) -> bool:
    """RFC 3986's ``URI``: ``scheme ":" hier-part [ "?" query ] [ "#" fragment ]``.

    Split as the RFC's appendix B splits, each part ending at the first of the
    delimiters that may end it, and each part checked against its characters in place:
    a slice of each part would copy a long value several times over.
    """
    scheme, userinfo, reg_name, port, path, query, ip_literal, bad_percent = _uri_parts()
    end = len(value)
    colon = value.find(":")
    if colon < 0 or not scheme(value, 0, colon) or bad_percent(value, colon + 1, end):
        return False
    start = colon + 1
    hash_mark = value.find("#", start)
    if hash_mark >= 0:  # the fragment's grammar is the query's
        if not query(value, hash_mark + 1, end):
            return False
        end = hash_mark
    question_mark = value.find("?", start, end)
    if question_mark >= 0:
        if not query(value, question_mark + 1, end):
            return False
        end = question_mark
    if not value.startswith("//", start, end):
        # path-absolute, path-rootless or path-empty: "//" would have begun an authority.
        return path(value, start, end) is not None
    start += 2
    slash = value.find("/", start, end)
    if slash >= 0:
        if not path(value, slash + 1, end):
            return False
        end = slash
    # Neither the host nor the port holds an "@": any but the last is the userinfo's,
    # which refuses it.
    at_sign = value.rfind("@", start, end)
    if at_sign >= 0:
        if not userinfo(value, start, at_sign):
            return False
        start = at_sign + 1
    if value.startswith("[", start, end):
        bracket = value.find("]", start + 1, end)
        return (
            bracket >= 0
            and ip_literal(value, start + 1, bracket) is not None
            and port(value, bracket + 1, end) is not None
        )
    # A reg-name holds no ":", and an IPv4 address is one.
    host_end = value.find(":", start, end)
    host_end = end if host_end < 0 else host_end
    return reg_name(value, start, host_end) is not None and port(value, host_end, end) is not None


def is_uri(value: object) -> bool:
    """Format checker for ``uri`` (RFC 3986, absolute); non-strings pass."""
    if not isinstance(value, str):
        return True
    return _PLAIN_URL.fullmatch(value) is not None or _is_absolute_uri(value)


@lru_cache(maxsize=512)
def ecma_search(pattern: str) -> Callable[[str], object | None]:
    """A search for ``pattern`` as JSON Schema means it: ECMA-262 with the ``u`` flag
    (``$`` at the very end only, ASCII ``\\d`` and ``\\w``, ``\\p{L}`` classes), returning
    None where it finds nothing; ValueError if ``pattern`` is not such a regex."""
    import regress  # only a user schema's patterns need it

    try:
        regex = regress.Regex(pattern, flags="u")
    except regress.RegressError as exc:
        raise ValueError(f"{pattern!r} is not an ECMA-262 regex ({exc})") from None
    except UnicodeEncodeError:
        raise ValueError(f"{pattern!r} holds a lone surrogate, which regress cannot take") from None

    def search(value: str) -> object | None:
        try:
            return regex.find(value)
        except UnicodeEncodeError:
            # A lone surrogate (JSON allows "\\ud800") cannot cross to Rust as UTF-8.
            # ECMA-262 strings are UTF-16: a pair is the character it encodes, and a
            # lone one is searched as U+FFFD.
            text = value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
            return regex.find(text)

    return search
