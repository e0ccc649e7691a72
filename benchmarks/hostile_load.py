"""Hostile load on `phasebook serve`: good and bad queries from many clients at once, while
the portal is rebuilt under the running server. Prints the answers by status and latency.

    python benchmarks/hostile_load.py [REQUESTS] [CLIENTS] [REBUILDS]

Run on a copy of the example portal; nothing outside a temporary folder is written.
"""

from __future__ import annotations

import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
QUERIES = [
    "導入",
    "アラート",
    "SSO",
    "設定 -API",
    '"導入 準備"',
    "レポート AND ダッシュボード",
    "ＳＳＯ",
    "x" * 499,
    "",
    "NOT",
    '"',
    "漢" * 300,
    "a " * 200,
]
# Sent as written (already percent-encoded): ² as a limit, a 5,000-digit limit, garbage bytes.
PARAMS = [
    "",
    "&limit=%C2%B2",
    "&limit=" + "9" * 5000,
    "&limit=0",
    "&phase=nope",
    "&tier=",
    "&q=again",
    "&kind=webinar",
    "&%ff=%fe",
    "&limit=50",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def phasebook(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


def main(total: int = 4000, clients: int = 20, rebuilds: int = 3) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch) / "portal"
        for name in ("phases", "content"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copy(ROOT / "mkdocs.yml", project)
        assert phasebook(project, "build").returncode == 0
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "generator.cli", "serve", "--port", str(port)],
            cwd=project,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        base = f"http://127.0.0.1:{port}/api/search?q="
        for _ in range(100):
            try:
                urlopen(base + "x", timeout=1).close()
                break
            except (URLError, ConnectionError):
                time.sleep(0.1)
        statuses: Counter = Counter()
        latencies: list[float] = []
        lock = threading.Lock()
        rng = random.Random(7)
        plan = [quote(rng.choice(QUERIES)) + rng.choice(PARAMS) for _ in range(total)]

        def client(share: list[str]) -> None:
            for query in share:
                start = time.perf_counter()
                try:
                    with urlopen(base + query, timeout=30) as answer:
                        answer.read()
                        code = answer.status
                except HTTPError as error:
                    code = error.code
                except (URLError, ConnectionError, TimeoutError):
                    code = 0
                with lock:
                    statuses[code] += 1
                    latencies.append(time.perf_counter() - start)

        threads = [
            threading.Thread(target=client, args=(plan[i::clients],)) for i in range(clients)
        ]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        built = 0
        for n in range(rebuilds):  # rebuild under the running server while it is loaded
            phase = project / "phases" / "use.yml"
            phase.write_text(
                phase.read_text(encoding="utf-8").replace(
                    "管理コンソールの基本操作", f"管理コンソールの基本操作 第{n + 2}版", 1
                ),
                encoding="utf-8",
            )
            built += phasebook(project, "build").returncode == 0
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        server.terminate()
        _, errors = server.communicate(timeout=10)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)] * 1000
    print(
        f"requests {sum(statuses.values())} from {clients} clients in {elapsed:.1f} s, "
        f"rebuilds under load {built}/{rebuilds}"
    )
    print("status " + ", ".join(f"{code}: {n}" for code, n in sorted(statuses.items())))
    print(
        f"5xx {sum(n for c, n in statuses.items() if c >= 500)}, "
        f"no answer {statuses[0]}, median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {p95:.1f} ms, server tracebacks {errors.count('Traceback')}"
    )
    if "Traceback" in errors:
        first = errors[errors.index("Traceback") :].split("\nTraceback")[0]
        print(first[-1500:])


if __name__ == "__main__":
    main(*map(int, sys.argv[1:4]))
