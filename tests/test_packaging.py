"""The built wheel ships the schema, and the installed tool works outside the source tree."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from .factories import dumps, s3_entry, webhook_entry

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "training_versions.schema.json"
# Building the wheel installs the build backend, and installing it installs tvlint's
# dependencies: both from the package index.
pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a release would upload: the sdist, and the wheel built from it."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def wheel(dist: Path) -> Path:
    [built] = dist.glob("tvlint-*.whl")
    return built


def test_the_release_passes_twine_check(dist: Path) -> None:
    built = sorted(str(p) for p in dist.iterdir())
    assert sorted(Path(p).suffix for p in built) == [".gz", ".whl"]
    check = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *built],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.count("PASSED") == 2


def test_wheel_contains_the_schema_byte_for_byte(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        shipped = archive.read("tvlint/schemas/training_versions.schema.json")
        names = archive.namelist()
    assert shipped == SCHEMA.read_bytes()
    assert "tvlint/py.typed" in names


def test_installed_wheel_checks_a_file_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "training_versions.json").write_text(dumps({"versions": [s3_entry(), webhook_entry()]}))
    proc = subprocess.run(
        [str(env_dir / "bin" / "tvlint"), "--format", "json", "."],
        capture_output=True,
        text=True,
        cwd=work,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert '"code": "TV004"' in proc.stdout
    # Proves the schema came from the wheel: the installed copy is read, not this tree.
    where = subprocess.run(
        [
            str(python),
            "-c",
            "import tvlint.schema as s, tvlint; print(tvlint.__file__); print(s.shipped_schema_text())",
        ],
        capture_output=True,
        text=True,
        cwd=work,
        check=True,
    ).stdout
    module_file, schema_text = where.split("\n", 1)
    assert not module_file.startswith(str(ROOT))
    assert schema_text.rstrip("\n") == SCHEMA.read_text().rstrip("\n")
