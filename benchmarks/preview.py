"""How long a CS author waits: save one program's title, see it in the preview.

    python benchmarks/preview.py [--runs N] [SIZE …]   # 5 edits at 100, 1,000, 10,000

For each size: a synthetic portal (build_scale.generate), `mkdocs serve` started on it, then
`--runs` times: one program's Japanese title changed in its phase file, and its page polled
every 20 ms until the server serves the new title. Prints each wait, the p50 and the max,
the server's CPU time from save to visible (p50; wall-clock on a shared machine says more
of the others' load, printed too), what the server said it rebuilt, and its peak RSS.
Targets (issue 24): p50 <= 1 s at 1,000 programs, <= 2 s at 10,000. `measure(programs,
runs)` gives the same figures to `./dev bench`.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import build_scale  # beside this file

ROOT = Path(__file__).resolve().parent.parent
REBUILT = re.compile(r"Rebuilt (\d+) of (\d+) pages in ([0-9.]+) s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def wait_until(check, seconds: float, poll: float = 0.02) -> float:
    """Seconds until `check()` is true."""
    start = time.perf_counter()
    while not check():
        if time.perf_counter() - start > seconds:
            raise TimeoutError(f"not after {seconds} s")
        time.sleep(poll)
    return time.perf_counter() - start


def cpu_s(pid: int) -> float:
    """CPU seconds the process has used (user and system, its threads included): the
    machine is shared, and a save's wall-clock wait says more of the others than of it."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# A program other than a guide, and its Japanese title: in block YAML (as authors and
# build_scale write) or in JSON (as build_scale wrote until December 2026).
PROGRAM = re.compile(r'^\s*(?:- )?"?id"?: "?([a-z]+-\d+)"?,?\n\s*"?kind"?: "?(?!guide)', re.M)
JA = re.compile(r'"?ja"?: ["\']?([^"\'\n]+)')


def titles(project: Path, count: int) -> list[tuple[Path, str, str]]:
    """`count` programs spread over the phases: (phase file, program id, Japanese title)."""
    found = []
    for path in sorted((project / "phases").glob("*.yml")):
        if path.name == "lifecycle.yml":
            continue
        text = path.read_text(encoding="utf-8")
        for match in PROGRAM.finditer(text):
            ja = JA.search(text, match.end())
            assert ja is not None
            found.append((path, match.group(1), ja.group(1)))
    step = max(1, len(found) // count)
    return found[::step][:count]


def retitled(text: str, program: str, title: str, new: str) -> str:
    """The phase file's text with `program`'s Japanese title `title` changed to `new`."""
    match = next(m for m in PROGRAM.finditer(text) if m.group(1) == program)
    at = text.index(title, match.end())
    return text[:at] + new + text[at + len(title) :]


def measure(programs: int, runs: int = 5) -> dict:
    """Save-to-visible at `programs` programs over `runs` edits, for `./dev bench`'s table:
    {"preview_p50_s", "preview_max_s", "first_build_s", "rebuilt", "rss_mb", "waits_s"}."""
    with tempfile.TemporaryDirectory(prefix="phasebook-preview-") as scratch:
        result = run(programs, runs, Path(scratch))
    return {"preview_p50_s": result["p50_s"], "preview_max_s": result["max_s"], **result}


def run(size: int, runs: int, work: Path) -> dict:
    """Serve a portal of `size` programs in `work` and time `runs` saved title edits."""
    project = work / f"portal-{size}"
    build_scale.generate(project, size)
    port = free_port()
    log_path = work / f"serve-{size}.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "TMPDIR": str(work), "PHASEBOOK_LANG": "en"}
    command = [sys.executable, "-m", "generator.build.engine", "serve", "-a", f"127.0.0.1:{port}"]
    with log_path.open("w") as log:
        server = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}/"
    try:
        first = wait_until(lambda: "Serving on" in log_path.read_text(), 3600, 0.2)
        waits: list[float] = []
        cpu: list[float] = []  # the server's, from the save until the page showed it
        for n, (path, program, title) in enumerate(titles(project, runs)):
            new = f"{title}（改訂{n}）"
            text = path.read_text(encoding="utf-8")
            start, used = time.perf_counter(), cpu_s(server.pid)
            path.write_text(retitled(text, program, title, new), "utf-8")
            url = f"{base}programs/{program}/"
            wait_until(lambda u=url, t=new: t in page(u), 120)
            waits.append(time.perf_counter() - start)
            cpu.append(cpu_s(server.pid) - used)
            print(
                f"  {size:>6} programs  edit {n + 1}: {waits[-1]:.2f} s, server CPU "
                f"{cpu[-1]:.2f} s, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            time.sleep(1)  # an author reads before saving again
        rss = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rebuilt = REBUILT.findall(log_path.read_text())
    return {
        "size": size,
        "first_build_s": first,
        "p50_s": statistics.median(waits),
        "max_s": max(waits),
        "waits_s": waits,
        "cpu_p50_s": statistics.median(cpu),
        "load": os.getloadavg()[0],
        "rebuilt": [f"{a}/{b} in {float(s):.2f} s" for a, b, s in rebuilt],
        "rss_mb": rss,
    }


def main(argv: list[str]) -> None:
    runs = 5
    if argv[:1] == ["--runs"]:
        runs, argv = int(argv[1]), argv[2:]
    sizes = [int(a) for a in argv] or [100, 1000, 10000]
    with tempfile.TemporaryDirectory(prefix="phasebook-preview-") as scratch:
        results = [run(size, runs, Path(scratch)) for size in sizes]
    print()
    print(
        f"{'programs':>8} {'first build s':>13} {'p50 s':>6} {'max s':>6} {'CPU p50 s':>9} "
        f"{'RSS MB':>7} {'load':>5}"
    )
    for r in results:
        print(
            f"{r['size']:>8} {r['first_build_s']:>13.1f} {r['p50_s']:>6.2f} {r['max_s']:>6.2f} "
            f"{r['cpu_p50_s']:>9.2f} {r['rss_mb']:>7.0f} {r['load']:>5.1f}"
        )
        print(f"{'':>8} server: rebuilt {', '.join(r['rebuilt'])}")


if __name__ == "__main__":
    main(sys.argv[1:])
