"""RFC 3339 date-times: one parser for the schema's format check and for ranking.

Sharing it means an entry the schema accepts is always ranked by its instant, and
one it rejects always ranks below every valid one.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_RFC3339 = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))",
    re.ASCII,
)


def parse_rfc3339(value: object) -> datetime | None:
    """The instant a full RFC 3339 date-time names, or None if it is not one.

    The offset is required (RFC 3339 has no local times) and leap seconds are
    rejected, as most JSON Schema validators do.
    """
    if not isinstance(value, str):
        return None
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
    if zulu:
        tz = timezone.utc
    else:
        if int(off_h) > 23 or int(off_m) > 59:
            return None
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        tz = timezone(-offset if sign == "-" else offset)
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
    except ValueError:
        return None


def is_rfc3339(value: object) -> bool:
    """Format checker for ``date-time``: non-strings pass, as JSON Schema requires."""
    return not isinstance(value, str) or parse_rfc3339(value) is not None
