"""Measure the Whoosh search: indexing, queries, related content and the HTTP API under load.

    python benchmarks/search.py [--runs N] [SIZE …]   # N passes over the queries; 1,000, 10,000

For each N, a synthetic portal of N programs (the one benchmarks/build_scale.py builds, in
Japanese and English) is indexed; then it prints documents indexed per second, query p50 and
p95 over a fixed mix of Japanese, English and mixed queries, the time to compute related
content for every program and guide, and, from a second process on loopback, 2,000 requests
to `GET /api/search` at concurrency 20 with their p95 and error count.
Targets (issue 4): query p95 <= 50 ms and related content <= 60 s at 10,000 documents; zero
errors under load.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import urlopen

from build_scale import generate  # beside this file

from generator.search import job as indexjob
from generator.search.documents import documents
from generator.search.index import fingerprint, open_index
from generator.search.related import related as relate
from generator.search.scoring import search
from generator.source.load import load_portal

QUERIES = [
    "アラート",
    "アラートの調整",
    "シングルサインオン",
    "API 連携",
    "導入効果",
    "導入フェーズ",
    "レポート",
    "セキュリティ設定",
    "ライセンス",
    "設定の手順",
    "alert tuning",
    "single sign-on",
    "scheduled reports",
    "API integration",
    "rollout",
    "licence",
    "モバイル alert",
    "運用のコツ",
    "showing value",
    "エージェント展開",
]
REQUESTS, CONCURRENCY = 2000, 20


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(size: int, work: Path, runs: int = 5) -> dict:
    project = work / f"portal-{size}"
    generate(project, size)
    portal = load_portal(project / "phases", project / "content", root=project)
    docs = documents(portal, project / "content")
    index_dir = work / f"index-{size}"
    start = time.perf_counter()
    stamp = fingerprint(project / "phases", project / "content")
    indexjob.build_now(docs, index_dir, stamp)  # as `phasebook search` builds it
    build_s = time.perf_counter() - start

    index = open_index(index_dir, pinned=True)  # as `phasebook serve` keeps it
    timings = []
    for _ in range(runs):
        for text in QUERIES:
            start = time.perf_counter()
            search(index, text, limit=10, marks=("<mark>", "</mark>"))
            timings.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    related = relate(docs)
    related_s = time.perf_counter() - start

    load = api_load(project, index_dir)
    return {
        "documents": len(docs),
        "docs_per_s": round(len(docs) / build_s),
        "index_s": round(build_s, 1),
        "query_p50_ms": round(statistics.median(timings), 1),
        "query_p95_ms": round(percentile(timings, 0.95), 1),
        "related_s": round(related_s, 1),
        "related_pages": len(related),
        **load,
    }


def api_load(project: Path, index_dir: Path) -> dict:
    """`phasebook serve` in a child process; requests from this one, on loopback only."""
    site = project / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text("<!doctype html><title>bench</title>", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "generator.cli",
            "serve",
            "--site",
            str(site),
            "--index",
            str(index_dir),
            "-C",
            str(project),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api/search?"
    try:
        for _ in range(100):  # up within 10 s, or the first request fails
            try:
                urlopen(base + "q=x", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)

        def one(n: int) -> tuple[float, bool]:
            params = {"q": QUERIES[n % len(QUERIES)], "limit": 10}
            if n % 3 == 0:
                params["phase"] = "implement"
            start = time.perf_counter()
            try:
                with urlopen(base + urlencode(params), timeout=10) as response:
                    ok = response.status == 200 and "results" in json.load(response)
            except (OSError, HTTPError, ValueError):
                ok = False
            return (time.perf_counter() - start) * 1000, ok

        start = time.perf_counter()
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            done = list(pool.map(one, range(REQUESTS)))
        wall = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "api_rps": round(REQUESTS / wall),
        "api_p95_ms": round(percentile([t for t, _ in done], 0.95), 1),
        "api_errors": sum(not ok for _, ok in done),
    }


def main(argv: list[str]) -> None:
    runs = 5
    if argv[:1] == ["--runs"]:  # passes over the query mix
        runs, argv = int(argv[1]), argv[2:]
    sizes = [int(a) for a in argv] or [1000, 10000]
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1796083200")
    columns = [
        "documents",
        "docs_per_s",
        "index_s",
        "query_p50_ms",
        "query_p95_ms",
        "related_s",
        "api_rps",
        "api_p95_ms",
        "api_errors",
    ]
    print(" ".join(f"{c:>12}" for c in ["programs", *columns]))
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="phasebook-search-") as tmp:
            row = measure(size, Path(tmp), runs)
        print(" ".join(f"{v:>12}" for v in [size, *(row[c] for c in columns)]), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
