"""The bundled example the README runs."""

from __future__ import annotations

from pathlib import Path

from .factories import run_process

ROOT = Path(__file__).resolve().parent.parent


def test_bundled_example_has_exactly_one_duplicate() -> None:
    run = run_process("--format", "json", "examples/actor_maker", cwd=ROOT)
    assert run.code == 1
    result = run.json()
    assert result["summary"] == {
        "files": 2,
        "files_with_problems": 1,
        "problems": 2,
        "duplicates": 1,
        "fixable": 2,
        "unsafe_fixable": 0,
        "errors": 0,
        "skipped": 0,
        "by_rule": {"TV004": 1, "TV009": 1},
    }
    # The S3 entry, named by its model file, is the duplicate: --fix removes it, and so
    # its name's problem too.
    named, duplicate = result["problems"]
    path = "examples/actor_maker/resources/style_images/1_watercolor/training_versions.json"
    assert (named["path"], named["code"], named["pointer"]) == (path, "TV009", "/versions/0/name")
    assert (duplicate["path"], duplicate["code"]) == (path, "TV004")
    assert named["fixable"] and named["fix"] == "safe"
