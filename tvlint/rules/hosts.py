"""Where the model files may live."""

from __future__ import annotations

from collections.abc import Iterator
from fnmatch import fnmatchcase

from tvlint import TYPE_CHECKING
from tvlint.document import Document, join_pointer
from tvlint.rules.base import Option, Rule
from tvlint.untrusted import quoted

if TYPE_CHECKING:
    from tvlint.problem import Finding


class LoraHost(Rule):
    """A ``loraUrl`` names a host that ``allowed-hosts`` does not allow.

    A pull request that points a model at someone else's server should not pass. Each
    host in ``allowed-hosts`` is a glob (``*`` matches any part of a name, ``.``
    included), matched against the URL's host in lower case, without port or user.
    With no ``allowed-hosts`` (the default) the rule reports nothing: set the list in
    ``[tool.tvlint.rules.lora-host]`` to turn it on. Reported at the ``loraUrl``; a
    ``loraUrl`` that is not a URL with a host is TV003's to report.

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
            "host globs a loraUrl may name (e.g. storyboard-user-files.s3.*.amazonaws.com); "
            "empty: the rule is off",
        ),
    )

    def check(self, doc: Document) -> Iterator[Finding]:
        allowed = [glob.lower() for glob in self.values["allowed-hosts"]]
        if not allowed:
            return
        from urllib.parse import urlsplit  # only when the rule is turned on

        for index, entry in enumerate(doc.versions):
            url = entry.get("loraUrl") if isinstance(entry, dict) else None
            if not isinstance(url, str):
                continue
            try:
                host = urlsplit(url.strip()).hostname
            except ValueError:
                continue
            if host and not any(fnmatchcase(host, glob) for glob in allowed):
                yield self.finding(
                    f"model file on host {quoted(host)}, which allowed-hosts does not allow",
                    join_pointer("versions", index, "loraUrl"),
                )
