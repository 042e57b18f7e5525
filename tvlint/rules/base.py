"""What every rule is: a stable code and name, a check, and its docstring as its docs."""

from __future__ import annotations

from collections.abc import Iterator

from tvlint.document import Document
from tvlint.problem import Finding

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at run time
if TYPE_CHECKING:
    from typing import ClassVar


class Rule:
    """Base class; a rule's own docstring is its user documentation."""

    code: ClassVar[str]
    name: ClassVar[str]

    def check(self, doc: Document) -> Iterator[Finding]:
        """Findings in a parsed document. Rules found while parsing yield none here."""
        return iter(())

    @classmethod
    def doc(cls) -> str:
        # inspect.cleandoc would do, but importing inspect costs more than this; only
        # --explain and the SARIF and reference writers need it, not a check.
        import textwrap

        first, _, rest = (cls.__doc__ or "").strip("\n").partition("\n")
        return (first.strip() + "\n" + textwrap.dedent(rest)).strip()

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]

    def finding(self, message: str, pointer: str = "", offset: int | None = None) -> Finding:
        return Finding(self.code, message, pointer, offset)
