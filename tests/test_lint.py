"""The code stays clean and keeps its shape: lint, formatting, the pipeline's layers (a lower
layer never imports a higher one, deferred imports included) and dependencies that are
declared exactly when they are used."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint_and_format() -> None:
    for args in (["check"], ["format", "--check"]):
        result = _run(sys.executable, "-m", "ruff", *args, ".")
        assert result.returncode == 0, result.stdout + result.stderr


def test_imports_follow_the_layers() -> None:
    result = _run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_dependencies_are_declared_exactly_when_used() -> None:
    result = _run(str(BIN / "deptry"), ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "source",
    ["from generator.site import render", "def later():\n    import site_plugins.plugin\n"],
    ids=["site-into-text", "deferred-plugin-into-text"],
)
def test_an_upward_import_fails_the_layers_check(tmp_path: Path, source: str) -> None:
    """The contract is not vacuous: a copy of the code in which a lower layer imports a
    higher one, even inside a function, breaks it."""
    for name in ("generator", "site_plugins", "tools"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "generator" / "text" / "upward.py").write_text(f"{source}\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [str(BIN / "lint-imports"), "--no-cache"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "generator.text.upward" in result.stdout
