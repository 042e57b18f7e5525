from __future__ import annotations

import os
from pathlib import Path

import pytest

from tvlint.discover import discover


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")


def found(*paths: str | Path) -> tuple[list[str], list[OSError]]:
    found = discover([str(p) for p in paths])
    return [target.path for target in found.files], found.unlistable


def test_directories_are_searched_for_the_file_name_only(tmp_path: Path) -> None:
    touch(tmp_path / "resources/style_images/1_a/training_versions.json")
    touch(tmp_path / "resources/style_images/1_a/manifest.json")
    touch(tmp_path / "data/actors/6_b/training_versions.json")
    touch(tmp_path / "data/actors/6_b/actorsData.json")
    touch(tmp_path / "training_versions.json.backup")
    files, errors = found(tmp_path)
    assert files == [
        str(tmp_path / "data/actors/6_b/training_versions.json"),
        str(tmp_path / "resources/style_images/1_a/training_versions.json"),
    ]
    assert errors == []


def test_skips_vcs_node_modules_and_virtualenvs_by_name_only(tmp_path: Path) -> None:
    for folder in [".git", "node_modules/x", ".venv", "venv", "envs/custom"]:
        touch(tmp_path / folder / "training_versions.json")
    # What a directory holds is the repository's: a marker file hides nothing.
    (tmp_path / "envs/custom/pyvenv.cfg").write_text("home = /usr\n")
    touch(tmp_path / "kept/training_versions.json")
    assert found(tmp_path)[0] == [
        str(tmp_path / "envs/custom/training_versions.json"),
        str(tmp_path / "kept/training_versions.json"),
    ]


def test_a_file_is_taken_whatever_its_name_and_paths_keep_their_spelling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path / "a/other.json")
    touch(tmp_path / "a/training_versions.json")
    monkeypatch.chdir(tmp_path)
    files, _ = found("a/other.json", "a", "./a/training_versions.json", "missing.json")
    assert files == ["a/other.json", os.path.join("a", "training_versions.json"), "missing.json"]


def test_a_directory_named_like_the_file_is_yielded_for_the_reader_to_reject(
    tmp_path: Path,
) -> None:
    (tmp_path / "training_versions.json").mkdir()
    assert found(tmp_path)[0] == [str(tmp_path / "training_versions.json")]


def test_unlistable_directories_are_reported_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path / "closed/training_versions.json")
    touch(tmp_path / "open/training_versions.json")
    closed = str(tmp_path / "closed")
    real_scandir = os.scandir

    # Simulated: the suite runs as root in CI, where chmod cannot deny a listing.
    def scandir(path: str) -> object:
        if str(path) == closed:
            raise PermissionError(13, "Permission denied", closed)
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    files, errors = found(tmp_path)
    assert files == [str(tmp_path / "open/training_versions.json")]
    assert [(e.filename, e.strerror) for e in errors] == [(closed, "Permission denied")]
