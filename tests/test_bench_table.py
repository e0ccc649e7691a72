"""`./dev bench`'s one table (benchmarks/table.py): bad options are one usage line and exit 2,
and a quick run prints the table, each figure beside its target. The benchmarks themselves
stay out of CI; this only runs the smallest one once."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ENV, ROOT

TABLE = ROOT / "benchmarks" / "table.py"


def table(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(TABLE), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--sizes", "1e3"), "--sizes takes whole numbers separated by commas (got '1e3')"),
        (("--sizes", "0"), "--sizes takes positive whole numbers"),
        (("--sizes", ","), "--sizes takes positive whole numbers"),
        (("--only", "api,speed"), "--only takes phone, recall, preview, build, api (got 'speed')"),
        (("--runs", "0"), "--runs must be 1 or more"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = table(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"table.py: error: {message}"
