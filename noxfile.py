"""The suite on every Python the package claims, and the release check.

``nox`` runs what is installed here (a missing interpreter is skipped);
``.ci/run`` runs it where more than one is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nox

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]  # requires-python and the classifiers
nox.options.error_on_missing_interpreters = False
nox.options.sessions = ["tests", "release"]


def installed(version: str) -> str | None:
    """The interpreter for ``version`` if one runs here (a pyenv shim may not)."""
    python = shutil.which(f"python{version}")
    if python is None:
        return None
    ran = subprocess.run([python, "-c", "pass"], capture_output=True, check=False)
    return python if ran.returncode == 0 else None


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole suite (pass arguments on: ``nox -s tests -- -m "not network"``)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """What a release would upload: an sdist and a wheel that ``twine check`` accepts,
    and that install and run in a fresh virtualenv on every claimed Python installed."""
    session.install("build", "twine")
    dist = Path(session.create_tmp()) / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist))
    built = sorted(str(p) for p in dist.iterdir())
    session.run("twine", "check", "--strict", *built)
    [wheel] = [p for p in built if p.endswith(".whl")]
    example = str(Path("examples/actor_maker").resolve())
    for version in PYTHONS:
        python = installed(version)
        if python is None:
            session.log(f"python{version} is not installed here: not checked")
            continue
        venv = Path(session.create_tmp()) / f"venv-{version}"
        shutil.rmtree(venv, ignore_errors=True)
        session.run(python, "-m", "venv", str(venv), external=True)
        bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
        session.run(str(bin_dir / "python"), "-m", "pip", "install", "-q", wheel, external=True)
        # The example holds one duplicate: exit 1, and the problem named.
        session.run(
            str(bin_dir / "tvlint"), "--format", "json", example, external=True, success_codes=[1]
        )
