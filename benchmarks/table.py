"""Every figure of the speed issue (24) in one Markdown table, at 100, 1,000 and 10,000
programs, each beside its target: what `./dev bench` prints.

    python benchmarks/table.py [--sizes 100,1000,10000] [--runs N] [--only GROUP,…]

GROUPs: phone (bytes a phone downloads until the first results of a query show,
benchmarks/phone_search.py), recall (browser recall@5 on the example portal, once:
benchmarks/relevance.py), preview (save-to-visible, benchmarks/preview.py), build (the build
beside plain MkDocs, and its peak RSS: benchmarks/build_scale.py), api (`phasebook serve`
under 20 concurrent clients: benchmarks/search.py). `--runs` repeats each measurement N times
(builds, API loads, preview edits); without it each benchmark keeps its own default.

Each group is its benchmark's `measure` function. A cell it cannot fill says "—" and why
(the benchmark is missing, or failed: its traceback goes to stderr), and the others go on.
What each run measures is printed to stderr as it goes; the table alone goes to stdout.
The figures are only as quiet as the machine: on a shared one, say so beside them.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # the benchmarks beside this file; generator/

GROUPS = ("phone", "recall", "preview", "build", "api")


@dataclass(frozen=True)
class Row:
    group: str
    label: str
    target: str
    show: Callable[[dict], str]  # the cell, from what the group's measure returned


def _kb(key: str) -> Callable[[dict], str]:
    return lambda got: f"{got[key]:,.0f} KB"


def _spread(median: str, spread: str, unit: str = "") -> Callable[[dict], str]:
    return lambda got: f"{got[median]:g}{unit} ({got[spread][0]:g}–{got[spread][1]:g})"


ROWS = [
    Row("phone", "Phone: first query, decoded", "≤ 300 KB at 10,000", _kb("phone_kb_decoded")),
    Row("phone", "Phone: first query, gzip", "—", _kb("phone_kb_gzip")),
    Row("phone", "Phone: the program found", "yes", lambda g: "yes" if g["found"] else "NO"),
    Row("recall", "Browser recall@5 (example portal)", "≥ 95 %", lambda g: f"{g['recall']:.1%}"),
    Row(
        "preview",
        "Preview p50",
        "≤ 1 s at 1,000; ≤ 2 s at 10,000",
        lambda g: f"{g['preview_p50_s']:.2f} s",
    ),
    Row("preview", "Preview max", "—", lambda g: f"{g['preview_max_s']:.2f} s"),
    Row(
        "build",
        "Build ratio, median (spread)",
        "≤ 1.10 at 1,000",
        _spread("build_ratio_median", "build_ratio_spread"),
    ),
    Row(
        "build",
        "Build peak RSS (largest child)",
        "—",
        lambda g: f"{g['peak_rss_mb']:,} MB ({g['child_rss_mb']:,} MB)",
    ),
    Row(
        "api",
        "API p95, 20 clients (spread)",
        "≤ 100 ms at 10,000",
        _spread("api_p95_ms", "api_p95_spread", " ms"),
    ),
    Row("api", "API requests/s (spread)", "—", _spread("api_rps", "api_rps_spread")),
    Row("api", "API errors", "0", lambda g: f"{g['api_errors']}"),
    Row(
        "api", "API workers × RSS each", "—", lambda g: f"{g['workers']} × {g['worker_rss_mb']} MB"
    ),
]


class Missing(Exception):
    """A benchmark's measure function is not there (yet), or not as the table calls it."""


def _function(module: str, name: str, *args: object, **kwargs: object) -> Callable[[], dict]:
    """`module.name(*args, **kwargs)` to call, or Missing saying what is not there."""
    try:
        found = importlib.import_module(module)
    except ImportError as exc:
        raise Missing(f"benchmarks/{module}.py: {exc}") from None
    function = getattr(found, name, None)
    try:
        inspect.signature(function).bind(*args, **kwargs)
    except (TypeError, ValueError):
        wanted = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        raise Missing(f"benchmarks/{module}.py has no {name}({wanted}) yet") from None
    return lambda: function(*args, **kwargs)


def measurer(group: str, programs: int, runs: int | None) -> Callable[[], dict]:
    """What measures `group` at `programs` programs, `runs` times if given."""
    repeat = {} if runs is None else {"runs": runs}
    if group == "phone":
        return _function("phone_search", "measure", programs)
    if group == "preview":
        return _function("preview", "measure", programs, **repeat)
    if group == "build":
        return _function("build_scale", "measure", programs, **repeat)
    if group == "api":
        return _function("search", "measure", programs, **repeat)
    return _recall


def _recall() -> dict:
    """Browser recall@5 of the relevance set on the example portal, built here."""
    import subprocess

    relevance = importlib.import_module("relevance")
    with tempfile.TemporaryDirectory(prefix="phasebook-table-") as tmp:
        site = Path(tmp) / "site"
        env = {"SOURCE_DATE_EPOCH": str(relevance.EPOCH), "NO_MKDOCS_2_WARNING": "1"}
        subprocess.run(
            [sys.executable, "-m", "generator.build.engine", "build", "-q", "-d", str(site)],
            cwd=HERE.parent,
            env=env | {"PATH": "/usr/bin:/bin"},
            check=True,
        )
        recall, _, _ = relevance.score(relevance.browser(site))
    return {"recall": recall}


def run(group: str, programs: int, runs: int | None) -> dict | str:
    """The group's figures, or why there are none (a cell's text)."""
    print(f"[table] {group} at {programs:,} programs…", file=sys.stderr, flush=True)
    try:
        return measurer(group, programs, runs)()
    except Missing as exc:
        return f"— ({exc})"
    except Exception as exc:  # one benchmark failing leaves the others' figures
        traceback.print_exc()
        return f"— (failed: {type(exc).__name__}: {str(exc)[:80]})"


def collect(sizes: list[int], groups: list[str], runs: int | None) -> dict:
    """(group, size) → figures; recall is measured once and shown in every column."""
    got: dict[tuple[str, int], dict | str] = {}
    for group in groups:
        if group == "recall":
            once = run(group, 0, runs)
            got.update({(group, size): once for size in sizes})
            continue
        for size in sizes:
            got[(group, size)] = run(group, size, runs)
    return got


def table(sizes: list[int], groups: list[str], got: dict) -> str:
    head = ["Figure", "Target", *(f"{size:,} programs" for size in sizes)]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in (r for r in ROWS if r.group in groups):
        cells = [row.label, row.target]
        for size in sizes:
            figures = got[(row.group, size)]
            cells.append(figures if isinstance(figures, str) else _cell(row, figures))
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _cell(row: Row, figures: dict) -> str:
    try:
        return row.show(figures)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        return f"— (no {exc} in what measure returned)"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="programs, comma-separated")
    parser.add_argument("--runs", type=int, default=None, help="repeats of each measurement")
    parser.add_argument("--only", default=",".join(GROUPS), help="groups, comma-separated")
    args = parser.parse_args(argv)
    try:
        sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes takes whole numbers separated by commas (got {args.sizes!r})")
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown or not groups:
        parser.error(f"--only takes {', '.join(GROUPS)} (got {','.join(unknown) or 'none'!r})")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes takes positive whole numbers")
    if args.runs is not None and args.runs < 1:
        parser.error("--runs must be 1 or more")
    print(table(sizes, groups, collect(sizes, groups, args.runs)), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
