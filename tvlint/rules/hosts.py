"""Where the model files may live."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence

from tvlint import TYPE_CHECKING
from tvlint.config import rules_table
from tvlint.document import Document, join_pointer
from tvlint.model import model_of
from tvlint.rules.base import Option, Rule
from tvlint.untrusted import cut, quoted

if TYPE_CHECKING:
    from typing import Any

    from tvlint.problem import Finding
    from tvlint.rules.base import RunSettings


class LoraHost(Rule):
    """A ``loraUrl`` names a host that ``allowed-hosts`` does not allow.

    A pull request that points a model at someone else's server should not pass. Each
    host in ``allowed-hosts`` is a host name in which ``*`` stands for any run of
    characters within one label: never a dot, so ``*.amazonaws.com`` allows
    ``b.amazonaws.com`` but not ``a.b.amazonaws.com``, and a pattern cannot be
    widened by a host with more labels. It is matched against the URL's host without
    port or user, both written alike: percent-escapes decoded, IDNA's ASCII form of
    each label (``exämple.com`` is ``xn--exmple-cua.com``), lower case, no final dot,
    an IPv6 address in brackets (``[2001:db8::1]``, which only that address matches).
    A ``loraUrl`` string whose host cannot be read so (no ``//host`` after the
    scheme, an empty host, a port that is not a number, characters no host name
    holds, a label over 63 characters, an IPv4 address written other than as four decimal numbers, an IP literal
    that is not an IPv6 address) is reported too: what the rule cannot read, it
    cannot allow. With no ``allowed-hosts`` (the default) the rule reports nothing:
    set the list in ``[tool.tvlint.rules.lora-host]`` to turn it on (a pattern that
    is not a host is a configuration error). Reported at the ``loraUrl``; one that
    is not a string is TV003's to report.

    Passing, with ``allowed-hosts = ["storyboard-user-files.s3.*.amazonaws.com"]``::

        {"versions": [{"id": "style_1_vV7",
          "loraUrl": "https://storyboard-user-files.s3.us-west-1.amazonaws.com/m/style_1_vV7.safetensors"}]}

    Failing, with ``allowed-hosts = ["storyboard-user-files.s3.*.amazonaws.com"]``::

        {"versions": [{"id": "style_1_vV7",
          "loraUrl": "https://models.example.net/m/style_1_vV7.safetensors"}]}
    """

    code = "TV006"
    name = "lora-host"
    options = (
        Option(
            "allowed-hosts",
            "list[str]",
            [],
            "hosts a loraUrl may name, * within one label "
            "(e.g. storyboard-user-files.s3.*.amazonaws.com); empty: the rule is off",
        ),
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.allowed = AllowedHosts(self.values["allowed-hosts"])
        self.where = "allowed-hosts"  # where the list is set, as a message names it

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> None:
        AllowedHosts(options.get("allowed-hosts", []))  # ValueError for a bad pattern

    @classmethod
    def configured(cls, options: Mapping[str, Any], settings: RunSettings) -> Rule:
        rule = cls(**options)
        if settings.source is not None and "allowed-hosts" in options:
            table = (
                f"{rules_table(settings.table)}.{settings.option_tables.get(cls.name, cls.name)}"
            )
            rule.where = f"allowed-hosts (set in {_shown(settings.source)} [{table}])"
        return rule

    def check(self, doc: Document) -> Iterator[Finding]:
        if not self.allowed:
            return
        for index, entry in enumerate(model_of(doc).versions):
            url = entry.get("loraUrl") if isinstance(entry, dict) else None
            if not isinstance(url, str):
                continue
            pointer = join_pointer("versions", index, "loraUrl")
            try:
                host = url_host(url)
            except UnreadableHost as exc:
                yield self.finding(
                    f"cannot tell which host this loraUrl names ({exc}), "
                    f"so {self.where} cannot allow it",
                    pointer,
                )
                continue
            if not self.allowed.allows(host):
                yield self.finding(
                    f"model file on host {quoted(host)}, which {self.where} does not allow",
                    pointer,
                )


def _shown(source: str) -> str:
    """A configuration file as a message names it: from the working directory if it is
    below it, as the paths of the problems are; otherwise whole."""
    try:
        shown = os.path.relpath(source)
    except ValueError:  # another drive
        shown = os.pardir
    return os.path.abspath(source) if shown.startswith(os.pardir) else shown


class UnreadableHost(ValueError):
    """A URL, or a pattern, whose host cannot be read as one host name or address."""


class AllowedHosts:
    """The hosts ``allowed-hosts`` allows: IPv6 addresses, each itself, and host names
    whose ``*`` stand for characters within one label."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.addresses: set[str] = set()
        self.names: list[list[str]] = []  # each pattern's labels
        for pattern in patterns:
            try:
                host = normal_host(pattern, pattern=True)
            except UnreadableHost as exc:
                raise ValueError(
                    f"allowed-hosts: {cut(pattern)!r} is not a host pattern ({exc})"
                ) from None
            if host.startswith("["):
                self.addresses.add(host)
            else:
                self.names.append(host.split("."))

    def __bool__(self) -> bool:
        return bool(self.addresses) or bool(self.names)

    def allows(self, host: str) -> bool:
        """Whether ``host``, as ``normal_host`` writes it, is allowed."""
        if host.startswith("["):
            return host in self.addresses
        labels = host.split(".")
        return any(
            len(pattern) == len(labels) and all(map(_glob, pattern, labels))
            for pattern in self.names
        )


def _glob(pattern: str, label: str) -> bool:
    """Whether ``label`` matches ``pattern``, whose ``*`` stand for any characters.

    A regex of the same pattern backtracks once for each ``*`` within each other (a
    pattern from a pull request: ``*a*a*a*a*b``), for a time that grows with the label's
    length to the power of the stars; this walk goes back only to the last ``*``, in at
    most the product of the two lengths.
    """
    p = t = 0
    star, mark = -1, 0
    while t < len(label):
        if p < len(pattern) and pattern[p] == label[t]:
            p, t = p + 1, t + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark = p, t
            p += 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    return pattern[p:].strip("*") == ""


# Compiled by re on first use, and cached there: a run with the rule off needs none.
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*:"
_USERINFO = r"[A-Za-z0-9._~!$&'()*+,;=:%-]*"
# A label as DNS names hold it once IDNA has made it ASCII ("_" too, which some do).
_LABEL = r"[a-z0-9_-]+"
_PATTERN_LABEL = r"[a-z0-9_*-]+"
# A label that makes a URL parser read the host as an IPv4 address (WHATWG's "ends in
# a number"), and the one form of it read here.
_NUMBER = r"[0-9]+|0x[0-9a-f]*"
_OCTET = r"25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9]"
# The full stops IDNA separates labels with, as URL parsers do.
_DOTS = "[.\u3002\uff0e\uff61]"
# What URL parsers strip from both ends of a URL: C0 controls and the space.
_ENDS = "".join(map(chr, range(0x21)))


def url_host(url: str) -> str:
    """The host ``url`` names, as ``normal_host`` writes it; UnreadableHost if none.

    Split as RFC 3986 (and the schema's ``uri`` check) splits: the authority follows
    ``//`` after the scheme and ends at the first ``/``, ``?`` or ``#``; any user
    comes before its last ``@``; the host ends at a ``:`` (after the ``]`` of an IP
    literal), and a port is digits.
    """
    url = url.strip(_ENDS)
    scheme = re.match(_SCHEME, url)
    if scheme is None or not url.startswith("//", scheme.end()):
        raise UnreadableHost("no //host after its scheme")
    start = scheme.end() + 2
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start, end)
        if found >= 0:
            end = found
    userinfo, at_sign, host = url[start:end].rpartition("@")
    if at_sign and re.fullmatch(_USERINFO, userinfo) is None:
        raise UnreadableHost("a user name with characters no URL's holds")
    if host.startswith("["):
        close = host.find("]") + 1 or len(host)
        host, port = host[:close], host[close:]
    else:
        host, colon, port = host.partition(":")
        port = colon + port
    digits = port[1:]
    if port and (port[0] != ":" or (digits and not (digits.isascii() and digits.isdigit()))):
        raise UnreadableHost("a port that is not a number")
    return normal_host(host)


def normal_host(host: str, pattern: bool = False) -> str:
    """``host`` as TV006 compares it: an IPv6 address in brackets, compressed; a name
    with its percent-escapes decoded (not in a pattern), the IDNA ASCII form of each
    label, in lower case, without a final dot. UnreadableHost if it is neither.

    In a ``pattern``, ``*`` may stand in an ASCII label, and an IPv6 address may go
    without its brackets.
    """
    if not host:
        raise UnreadableHost("an empty host")
    if host.startswith("[") or (pattern and ":" in host):
        return _ipv6(host, pattern)
    if "%" in host and not pattern:
        from urllib.parse import unquote_to_bytes

        try:
            host = unquote_to_bytes(host).decode("utf-8")
        except UnicodeError:
            raise UnreadableHost("percent-escapes that are not UTF-8") from None
    labels = re.split(_DOTS, host)
    if len(labels) > 1 and not labels[-1]:
        labels.pop()  # the root's empty label: "example.com." is "example.com"
    shape = _PATTERN_LABEL if pattern else _LABEL
    for position, label in enumerate(labels):
        if not label.isascii():
            if "*" in label:
                raise UnreadableHost("a * in a label that is not ASCII")
            label = _idna(label)
        label = labels[position] = label.lower()
        if re.fullmatch(shape, label) is None:
            raise UnreadableHost(
                "an empty label" if not label else "a character no host name holds"
            )
        if len(label) > 63 and not pattern:  # DNS's limit, which also bounds a match
            raise UnreadableHost("a label longer than 63 characters")
    quad = len(labels) == 4 and all(re.fullmatch(_OCTET, label) for label in labels)
    if not pattern and not quad and re.fullmatch(_NUMBER, labels[-1]):
        raise UnreadableHost("an IPv4 address not written as four decimal numbers")
    return ".".join(labels)


def _idna(label: str) -> str:
    """The ASCII form of a label that is not ASCII; UnreadableHost unless IDNA gives it
    back as it is but for case (IDNA 2003 would map ``ß`` to ``ss``, which another
    parser would not)."""
    from encodings import idna

    try:
        ascii_label = idna.ToASCII(label).decode("ascii")
        back = idna.ToUnicode(ascii_label)
    except UnicodeError:
        raise UnreadableHost("a name IDNA cannot write in ASCII") from None
    if back != label.lower():
        raise UnreadableHost("a name IDNA would change")
    return ascii_label


def _ipv6(host: str, pattern: bool) -> str:
    bracketed = host.startswith("[") and host.endswith("]") and len(host) > 1
    if not bracketed and not pattern:
        raise UnreadableHost("a [ without its ]")
    literal = host[1:-1] if bracketed else host
    if "%" in literal:
        raise UnreadableHost("an IPv6 address with a zone")
    import ipaddress

    try:
        address = ipaddress.IPv6Address(literal)
    except ValueError:
        raise UnreadableHost("an IP literal that is not an IPv6 address") from None
    return f"[{address.compressed}]"
