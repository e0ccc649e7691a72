"""How long the weekly link check takes, and what a host that never answers costs.

    python benchmarks/check_links.py [--runs N] [--links N]

A copy of the test suite's minimal portal whose guide links N distinct addresses (default
1,000) on a local HTTPS server (tests/local_web.py, its certificate trusted through
SSL_CERT_FILE), checked by the real command three ways, alternating within each run:
`cold` (--fresh: every address asked), `cached` (every answer from .phasebook/links.json)
and `silent` (100 of the links on a host that accepts and never answers, --timeout 2: it
should cost about one timeout, not 50). Prints every run's seconds, the median and the
spread (max - min) of each, and the command's last line. No request leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trustme

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.local_web import Silent, TlsServer  # noqa: E402

MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def portal(folder: Path, name: str, links: list[str], base: str) -> Path:
    project = folder / name
    shutil.copytree(MINIMAL, project)
    for path in (project / "phases").glob("*.yml"):
        text = path.read_text(encoding="utf-8").replace("https://example.com/", f"{base}/ok?")
        path.write_text(text, encoding="utf-8")
    guide = "# Links\n\n" + "\n".join(f"- [{i}]({url})" for i, url in enumerate(links)) + "\n"
    (project / "content" / "guides" / "hello.md").write_text(guide, encoding="utf-8")
    return project


def run(project: Path, cafile: Path, *args: str) -> tuple[float, str]:
    env = {"PATH": os.environ["PATH"], "PHASEBOOK_LANG": "en", "SSL_CERT_FILE": str(cafile)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "generator.cli", "check-links", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    return seconds, (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--links", type=int, default=1000)
    given = parser.parse_args()
    authority, silent = trustme.CA(), Silent()
    server = TlsServer(authority.issue_cert("127.0.0.1"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cafile = folder / "ca.pem"
        authority.cert_pem.write_to_path(str(cafile))
        links = [f"{server.base}/ok?n={i}" for i in range(given.links)]
        quiet = links[: given.links - 100] + [f"{silent.base}/p{i}" for i in range(100)]
        cases = {
            "cold": (portal(folder, "cold", links, server.base), ("--fresh",)),
            "cached": (portal(folder, "cached", links, server.base), ()),
            "silent": (portal(folder, "silent", quiet, server.base), ("--fresh", "--timeout", "2")),
        }
        run(cases["cached"][0], cafile)  # fills the cache the `cached` case reads
        times: dict[str, list[float]] = {name: [] for name in cases}
        for number in range(given.runs):
            for name, (project, args) in cases.items():
                seconds, last = run(project, cafile, *args)
                times[name].append(seconds)
                print(f"run {number + 1} {name:6} {seconds:6.2f} s  {last}")
        for name, found in times.items():
            spread = max(found) - min(found)
            print(f"{name:6} median {statistics.median(found):.2f} s, spread {spread:.2f} s")
    server.stop()
    silent.stop()


if __name__ == "__main__":
    main()
