"""What every rule is: a stable code and name, a check, and its docstring as its docs."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import ClassVar

from tvlint.document import Document
from tvlint.problem import Finding


class Rule:
    """Base class; a rule's own docstring is its user documentation."""

    code: ClassVar[str]
    name: ClassVar[str]

    def check(self, doc: Document) -> Iterator[Finding]:
        """Findings in a parsed document. Rules found while parsing yield none here."""
        return iter(())

    @classmethod
    def doc(cls) -> str:
        return inspect.getdoc(cls) or ""

    @classmethod
    def summary(cls) -> str:
        return cls.doc().split("\n", 1)[0]

    def finding(self, message: str, pointer: str = "", offset: int | None = None) -> Finding:
        return Finding(self.code, message, pointer, offset)
