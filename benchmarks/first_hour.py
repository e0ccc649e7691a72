"""The README's first-hour timings, measured as a newcomer meets them.

    python benchmarks/first_hour.py [--runs 2] [--init-runs 5]

1. `./dev serve` on a fresh clone of this repository (a new `.venv`, pip's cache as the
   machine has it) until the first page answers at http://127.0.0.1:PORT/;
2. `phasebook init` then `phasebook build` of the starter, with the clone's environment.

Clones go to a temporary folder, never into the sources. Prints each run, then the median
and the range, with the load average: on a shared machine, say so beside the figures.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.helpers import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve_first_page(clone: Path) -> float:
    """Seconds from `./dev serve` to the first page, the set-up included."""
    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen(
        ["./dev", "serve", "--port", str(port)],
        cwd=clone,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while process.poll() is None:
            try:
                with urlopen(f"http://127.0.0.1:{port}/", timeout=2) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - start
            except (URLError, OSError):
                time.sleep(0.2)
        raise SystemExit(f"./dev serve stopped with {process.returncode}")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(30)


def init_to_site(clone: Path, folder: Path) -> float:
    """Seconds from `phasebook init` to the starter's built site."""
    phasebook = clone / ".venv" / "bin" / "phasebook"
    start = time.perf_counter()
    subprocess.run(
        [phasebook, "init", str(folder), "--lang", "ja"], check=True, capture_output=True
    )
    subprocess.run([phasebook, "build", "-C", str(folder)], check=True, capture_output=True)
    return time.perf_counter() - start


def summary(label: str, runs: list[float]) -> None:
    print(
        f"{label}: median {statistics.median(runs):.1f} s, "
        f"{min(runs):.1f}–{max(runs):.1f} s over {len(runs)} runs "
        f"(load average {os.getloadavg()[0]:.1f})"
    )


def _count(text: str) -> int:
    """A number of runs: a median needs one at least (0 used to end in a traceback)."""
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 100):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 1 to 100")
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=_count, default=2, help="fresh clones to serve, from 1")
    parser.add_argument("--init-runs", type=_count, default=5, help="from 1")
    args = parser.parse_args()
    serves, inits = [], []
    with tempfile.TemporaryDirectory(prefix="first-hour-") as tmp:
        for n in range(args.runs):
            clone = Path(tmp) / f"clone{n}"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            serves.append(serve_first_page(clone))
            print(f"serve, fresh clone {n + 1}: {serves[-1]:.1f} s", flush=True)
        for n in range(args.init_runs):
            inits.append(init_to_site(clone, Path(tmp) / f"portal{n}"))
            print(f"init to a built site {n + 1}: {inits[-1]:.1f} s", flush=True)
    summary("./dev serve to the first page", serves)
    summary("init to a built site", inits)


if __name__ == "__main__":
    main()
