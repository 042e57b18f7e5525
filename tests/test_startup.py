"""What a one-file check (the pre-commit case) imports: nothing it does not need.

Every commit pays tvlint's start-up. This test is the one place that says which
modules a clean one-file check must not load; the tricks that keep them out (a
``TYPE_CHECKING`` of tvlint's own instead of typing's, a command line of paths read
without argparse, argparse's help sized without shutil, imports inside the functions
that need them) stay only as long as it fails
without them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .factories import dumps, s3_entry, webhook_entry

NOT_ON_A_CHECK = {
    "jsonschema",  # only to explain a file that fails the schema
    "jsonschema_rs",  # only once a process has checked enough to pay for loading it
    "referencing",
    "typing",  # annotations only
    "multiprocessing",  # never: workers are plain forks
    "urllib",  # only for a loraUrl that is not a plain https URL
    "subprocess",  # git, only to search a directory in a work tree
    "shutil",  # argparse's help formatter would import it for the terminal's width
    "argparse",  # pre-commit's command line (-- and paths) needs no parser
    "gettext",  # argparse's
    "locale",
    "datetime",  # timestamps are ranked as integers
    "tomllib",  # only for a pyproject.toml with [tool.tvlint]
    "tomli",
    "importlib.resources",  # the shipped schema's text, only to explain a failure
    "difflib",
    "http",
    "socket",
    "email",
    "tvlint.fix",  # a check plans no fix
    "tvlint.safe_write",
    "tvlint.parallel",
}
# What only a file with a problem needs: the problems' records (dataclasses, whose
# import costs a one-file run more than the check itself), and the ranking.
NOT_ON_A_CLEAN_CHECK = {"dataclasses", "inspect", "tvlint.problem", "tvlint.ranking"}
# Patterns compiled on first use (``functools.cache``), and which files need them: the
# IPv6 pattern of the uri check takes milliseconds to compile, and the writers' plain
# URLs never need it; a timestamp's parts only rank duplicates.
LAZY_PATTERNS = {"_uri_parts": (), "_date_time_parts": ("duplicate",)}


def loaded_by(*args: str, cwd: Path) -> set[str]:
    """The modules a run imported, and which of LAZY_PATTERNS it compiled."""
    lazy = sorted(LAZY_PATTERNS)
    probe = (
        "import sys\n"
        "from tvlint.start import main\n"
        "code = main(sys.argv[1:])\n"
        "import tvlint.string_formats as formats\n"
        f"compiled = [n for n in {lazy!r} if getattr(formats, n).cache_info().currsize]\n"
        "print(code)\n"
        "print(' '.join(sorted(sys.modules) + compiled))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    *_, code, modules = proc.stdout.strip().split("\n")
    assert code in ("0", "1"), proc.stdout + proc.stderr
    return set(modules.split())


def _roots(modules: set[str]) -> set[str]:
    return modules | {m.split(".")[0] for m in modules}


@pytest.mark.parametrize("content", ["clean", "duplicate"])
def test_a_one_file_check_imports_only_what_it_needs(tmp_path: Path, content: str) -> None:
    versions = [webhook_entry()] if content == "clean" else [webhook_entry(), s3_entry()]
    (tmp_path / "training_versions.json").write_text(dumps({"versions": versions}))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'studio'\n")
    loaded = _roots(loaded_by("--", "training_versions.json", cwd=tmp_path))  # as pre-commit
    assert loaded & NOT_ON_A_CHECK == set()
    if content == "clean":
        assert loaded & NOT_ON_A_CLEAN_CHECK == set()
    else:  # the probe sees them where they are needed
        assert loaded >= NOT_ON_A_CLEAN_CHECK
    assert "tvlint.cli" in loaded  # it ran
    compiled = {name for name in LAZY_PATTERNS if name in loaded}
    assert compiled == {name for name, needed in LAZY_PATTERNS.items() if content in needed}


def test_the_probe_sees_what_a_failing_file_imports(tmp_path: Path) -> None:
    # The same probe on a file that fails the schema: jsonschema is loaded to explain
    # it, so the test above would notice if a check loaded it too.
    (tmp_path / "training_versions.json").write_text(json.dumps({"versions": [{}]}))
    assert "jsonschema" in _roots(loaded_by("training_versions.json", cwd=tmp_path))
