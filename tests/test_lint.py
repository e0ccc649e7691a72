"""The code stays `ruff` clean: lint and formatting are part of the test run."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_lint_and_format() -> None:
    for args in (["check"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args, "."],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
