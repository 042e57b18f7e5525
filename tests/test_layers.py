"""The layers' import contracts ([tool.importlinter] in pyproject.toml), and that they
would catch an import that runs back up, a type-only one included."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
# What the lint-imports script runs, with this interpreter.
_COMMAND = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _COMMAND, "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )


def _copy(tmp_path: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "tvlint", tmp_path / "tvlint", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_its_layers(tmp_path: Path) -> None:
    run = _lint_imports(_copy(tmp_path))
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Contracts: 2 kept, 0 broken." in run.stdout


def test_a_type_only_import_that_runs_back_up_breaks_them(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    text = root / "tvlint" / "report" / "text.py"
    text.write_text(
        text.read_text().replace(
            "if TYPE_CHECKING:\n", "if TYPE_CHECKING:\n    from tvlint.runner import Stdin\n", 1
        )
    )
    reading = root / "tvlint" / "reading.py"
    added = "\nif TYPE_CHECKING:\n    from tvlint.tree import Tree\n"
    reading.write_text(reading.read_text() + added)
    run = _lint_imports(root)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Contracts: 0 kept, 2 broken." in run.stdout
    assert "tvlint.report.text -> tvlint.runner" in run.stdout
    assert "tvlint.reading -> tvlint.tree" in run.stdout
