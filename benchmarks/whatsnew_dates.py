"""What dating the portal from git costs: `load_portal` of a synthetic portal of N programs
with a history of C commits, every item undated (git log once, git blame per phase file),
against the same portal with a `published:` written on every program (git never asked);
"warm" is a preview rebuild, which finds every blame kept from the load before.

    python benchmarks/whatsnew_dates.py [--runs N] [SIZE …]   # 5 runs of 1,000 and 5,000

Runs alternate between the two cases; the median and the spread (min–max) are printed.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from build_scale import generate  # beside this file

from generator.source import history
from generator.source.load import load_portal

COMMITS = 200


def git(root: Path, *args: str, when: int = 0) -> None:
    stamp = f"{1_780_000_000 + when * 3600} +0900"
    env = os.environ | {
        "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
        "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com",
        "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
    }  # fmt: skip
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def with_history(root: Path, seed: int = 3) -> None:
    """COMMITS commits, each adding a comment line to one phase file or guide."""
    rng = random.Random(seed)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    files = sorted((root / "phases").glob("*.yml")) + sorted((root / "content").rglob("*.md"))
    for n in range(1, COMMITS):
        path = rng.choice(files)
        mark = "#" if path.suffix == ".yml" else "<!-- -->"
        path.write_text(path.read_text(encoding="utf-8") + f"{mark} {n}\n", encoding="utf-8")
        git(root, "commit", "-qam", f"edit {n}", when=n)


def dated(root: Path) -> None:
    """Every program with a written date: the load never asks git."""
    for path in (root / "phases").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('"kind":', '"published": "2026-06-01", "kind":'))


def load_seconds(root: Path, cold: bool) -> tuple[float, int]:
    if cold:  # a fresh process: nothing blamed before
        history._BLAMES.clear()
        history._LOGS.clear()
    start = time.perf_counter()
    portal = load_portal(root / "phases", root / "content", root=root)
    return time.perf_counter() - start, sum(1 for d in portal.dates.values() if d.changed)


def main(argv: list[str]) -> None:
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 5
    sizes = [int(a) for a in argv if a.isdigit() and a != str(runs)] or [1000, 5000]
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            undated, written = Path(tmp) / "git", Path(tmp) / "written"
            generate(undated, size)
            with_history(undated)
            generate(written, size)
            dated(written)
            cases = {"git, cold": (undated, True), "git, warm": (undated, False)}
            cases["written"] = (written, True)
            times: dict[str, list[float]] = {name: [] for name in cases}
            counts = {}
            for _ in range(runs):
                for name, (root, cold) in cases.items():
                    seconds, counts[name] = load_seconds(root, cold)
                    times[name].append(seconds)
            for name, found in times.items():
                print(
                    f"{size:>6} programs, {name:>9}: median {statistics.median(found):.2f} s "
                    f"(min {min(found):.2f}, max {max(found):.2f}, {runs} runs), "
                    f"{counts[name]} dated"
                )


if __name__ == "__main__":
    main(sys.argv[1:])
