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


def test_a_quick_run_prints_one_table_with_its_targets() -> None:
    """The API at 100 programs, once (seconds): the table's head, the figures measured beside
    their targets, and a group whose benchmark is not asked for left out."""
    result = table("--sizes", "100", "--runs", "1", "--only", "api", timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:2] == ["| Figure | Target | 100 programs |", "|---|---|---|"]
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")[1:] for line in lines[2:]}
    assert set(rows) == {
        "API p95, 20 clients (spread)",
        "API requests/s (spread)",
        "API errors",
        "API workers × RSS each",
    }
    assert rows["API errors"] == ["0", "0 |"]
    p95, rate = rows["API p95, 20 clients (spread)"], rows["API requests/s (spread)"]
    assert p95[0] == "≤ 100 ms at 10,000" and float(p95[1].split(" ms")[0]) > 0
    assert float(rate[1].split(" (")[0]) > 0
    workers, rss = rows["API workers × RSS each"][1].removesuffix(" MB |").split(" × ")
    assert int(workers) >= 1 and int(rss) > 10
