"""Builders for real-looking entries and ways to run tvlint."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from tvlint.document import Document, InvalidJSON, parse
from tvlint.lint import Linter
from tvlint.result import Outcome

ACCEL = "https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/custom-styles-models/"
REGIONAL = "https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/custom-styles-models/"


def webhook_entry(
    job: str = "3e248bb6-012c-4384-ae6c-4b19c126d093-e1", model: str = "style_1_vV7", **extra: Any
) -> dict[str, Any]:
    """A detailed entry as the training webhook writes it, named by the version its
    model file's name ends with."""
    entry: dict[str, Any] = {
        "id": job,
        "name": version_of_model(model),
        "timestamp": "2025-10-12T08:14:00.884Z",
        "parameters": {
            "network_dim": 16,
            "network_alpha": 8,
            "learning_rate": 0.0001,
            "max_train_steps": 1600,
            "lr_scheduler": "cosine_with_restarts",
            "lr_warmup_steps": 100,
            "optimizer_type": "adamw8bit",
            "batch_size": 2,
            "num_repeats": 10,
            "gradient_dtype": "bf16",
            "save_every_n_steps": 400,
            "class_tokens": "style SBai_style_1",
        },
        "status": "completed",
        "selectionSetId": 1,
        "imageCount": 43,
        "loraUrl": ACCEL + model + ".safetensors",
        "completedAt": "2025-10-12T08:41:05.201Z",
    }
    entry.update(extra)
    return entry


def s3_entry(model: str = "style_1_vV7", **extra: Any) -> dict[str, Any]:
    """A minimal entry as the S3 sync writes it today, named by its version (it once
    wrote the model file's name: ``legacy_s3_entry``)."""
    entry: dict[str, Any] = {
        "id": model,
        "name": version_of_model(model),
        "status": "completed",
        "loraUrl": REGIONAL + model + ".safetensors",
        "timestamp": "2025-10-12T08:41:02+00:00",
        "lastSynced": "2025-10-12T09:46:20.075Z",
        "parameters": {},
        "description": "Synced from S3",
    }
    entry.update(extra)
    return entry


def legacy_s3_entry(model: str = "style_1_vV7", **extra: Any) -> dict[str, Any]:
    """An entry as the S3 sync once wrote it: named by the model file's name (TV009)."""
    return s3_entry(model, **{"name": model + ".safetensors", **extra})


def version_of_model(model: str) -> str:
    """The version a model file's stem ends with (``style_1_vV8`` → ``V8``); ``V7`` for
    a stem without one."""
    match = re.search(r"_[Vv][Vv]?([0-9]+)$", model)
    return f"V{match.group(1)}" if match else "V7"


def lint_bytes(linter: Linter, path: str, raw: bytes) -> tuple[Outcome, Document | None]:
    """What ``linter`` finds in ``raw``, and its document when it is JSON at all."""
    try:
        doc = parse(raw)
    except InvalidJSON as exc:
        return linter.invalid(path, exc), None
    return linter.lint_document(path, doc), doc


def dumps(data: Any) -> str:
    """As the writers do: JSON.stringify(data, null, 2), no final newline."""
    return json.dumps(data, indent=2, ensure_ascii=False)


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    def json(self) -> Any:
        return json.loads(self.out)


def run_process(*args: str | Path, cwd: Path | None = None) -> Run:
    """tvlint as a separate process, the way users and hooks run it."""
    proc = subprocess.run(
        [sys.executable, "-m", "tvlint", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


def as_datetime(value: str) -> datetime | None:
    """An RFC 3339 date-time with an offset as ``datetime`` (None if it is not one): the
    reference the ranking's integer instants are tested against.

    strptime rather than fromisoformat, which before Python 3.11 takes fractions of 3
    or 6 digits only.
    """
    value = value.upper().replace("Z", "+00:00")
    form = "%Y-%m-%dT%H:%M:%S.%f%z" if "." in value else "%Y-%m-%dT%H:%M:%S%z"
    try:
        return datetime.strptime(value, form)
    except ValueError:
        return None
