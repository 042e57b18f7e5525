"""One JSON object: a summary and every problem, and any file that could not be read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import TextIO

from tvlint.lint import Outcome, Unreadable
from tvlint.report import problems_of, summarize


def render(outcomes: Sequence[Outcome], out: TextIO) -> None:
    s = summarize(outcomes)
    document = {
        "summary": {
            "files": s.files,
            "files_with_problems": s.files_with_problems,
            "problems": s.problems,
            "duplicates": s.duplicates,
            "unreadable": s.unreadable,
        },
        "problems": [asdict(p) for p in problems_of(outcomes)],
        "errors": [
            {"path": o.path, "message": o.reason} for o in outcomes if isinstance(o, Unreadable)
        ],
    }
    json.dump(document, out, indent=2)
    out.write("\n")
