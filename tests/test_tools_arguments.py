"""The measuring tools' worst arguments: a clear one-line error and exit 2, never a
traceback, and nothing cloned, built or shot first."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT


@pytest.mark.parametrize(
    "args",
    [
        ["benchmarks/first_hour.py", "--runs", "0"],
        ["benchmarks/first_hour.py", "--init-runs", "-1"],
        ["benchmarks/first_hour.py", "--runs", "nan"],
        ["benchmarks/first_hour.py", "--runs", "１"],
        ["-m", "tools.screenshots", "/nonexistent", "/tmp/never"],
        ["-m", "tools.screenshots", str(ROOT), "/tmp/never"],  # the sources, not a site
        ["-m", "tools.screenshots", "site", "/tmp/never", "--width", "0"],
    ],
)
def test_a_bad_argument_is_one_clear_line(args: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr.strip().splitlines()[-1]
