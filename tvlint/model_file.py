"""Which model file a ``loraUrl`` names, and which entries name the same one.

Kept apart from the ranking: every file is searched for shared model files, but only
a file that has some needs the ranking and its records.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence, Set

from tvlint import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def model_file(url: object) -> str | None:
    """The model file a ``loraUrl`` names: its last path segment, percent-decoded.

    Scheme, host, query string and fragment are ignored, so the accelerated and the
    regional S3 host, and presigned URLs, name the same file. None when there is no
    file name (not a string, no path, or a path ending in ``/``).

    Decoded exactly (``exact_name``): two segments are one model file only if they
    are one byte string, so ``model%FE`` and ``model%FF`` stay two.
    """
    if not isinstance(url, str):
        return None
    name = _plain_url_file(url)
    if name is None:
        # Imported here, like everything a plain URL does not need at start-up.
        from urllib.parse import urlsplit

        try:
            name = urlsplit(url.strip()).path.rsplit("/", 1)[-1]
        except ValueError:
            return None
    if "%" in name or not name.isascii():
        name = exact_name(name)
    return name or None


def exact_name(segment: str) -> str:
    """The byte string a path segment names, as text: its percent-escapes decoded and
    its other characters in UTF-8 (a lone surrogate, which has none, as its
    surrogatepass bytes), then decoded from UTF-8 with ``surrogateescape``.

    ``unquote`` would decode with replacement, so ``%FE`` and ``%FF`` would both be
    U+FFFD: a byte that is not UTF-8 stays itself here (U+DCFE, U+DCFF), and the
    decoding gives back its bytes, so two byte strings are never one name.
    """
    from urllib.parse import unquote_to_bytes

    raw = unquote_to_bytes(segment.encode("utf-8", "surrogatepass"))
    return raw.decode("utf-8", "surrogateescape")


def _plain_url_file(url: str) -> str | None:
    """``model_file`` for a plain lower-case http(s) URL, by string search alone.

    None for anything else, which takes ``urlsplit``: it also drops tabs and
    newlines, strips spaces (Unicode's too), and refuses a host with an unmatched or
    malformed bracket, or with characters that Unicode normalisation changes.
    """
    start = 8 if url.startswith("https://") else 7 if url.startswith("http://") else 0
    if not start or url[-1] <= " " or not url.isascii():
        return None
    if "\t" in url or "\n" in url or "\r" in url or "[" in url or "]" in url:
        return None
    end = len(url)
    for mark in "?#":
        found = url.find(mark, start)
        if found != -1 and found < end:
            end = found
    slash = url.find("/", start, end)
    if slash == -1:
        return ""
    return url[url.rfind("/", slash, end) + 1 : end]


def entry_model_files(versions: Iterable[Any]) -> Iterator[str | None]:
    """The model file each entry names (None for one that names none, or no entry)."""
    return (model_file(e.get("loraUrl")) if isinstance(e, dict) else None for e in versions)


def shared_model_files(versions: Sequence[Any]) -> list[tuple[str, list[int]]]:
    """(model file, indices) for each model file that two or more entries name, in
    order of first entry."""
    return shared(entry_model_files(versions))


def shared(
    values: Iterable[str | None], gone: Set[int] = frozenset()
) -> list[tuple[str, list[int]]]:
    """(value, indices) for each value that two or more of ``values`` are, in order of
    first index, leaving out None and the indices ``gone``."""
    first: dict[str, int] = {}
    # Only a value seen again gets a list: one for every entry would be most of the
    # search's memory in a large file, which names each model file once.
    found: dict[str, list[int]] = {}
    for index, value in enumerate(values):
        if value is not None and index not in gone:
            seen = first.setdefault(value, index)
            if seen != index:
                found.setdefault(value, [seen]).append(index)
    return sorted(found.items(), key=lambda item: item[1][0])
