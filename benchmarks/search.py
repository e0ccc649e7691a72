"""Measure the Whoosh search: indexing, queries, related content and the HTTP API under load.

    python benchmarks/search.py [--runs N] [--load-runs M] [SIZE …]   # 1,000, 10,000

For each N, a synthetic portal of N programs (the one benchmarks/build_scale.py builds, in
Japanese and English) is indexed; then it prints documents indexed per second, query p50 and
p95 over a fixed mix of Japanese, English and mixed queries, the time to compute related
content for every program and guide, and, from a second process on loopback, 2,000 requests
to `GET /api/search` from 20 concurrent clients with their p95, requests per second, errors,
the CPU each request cost the server and the client, and the resident memory of each
`phasebook serve` worker after the load.

The clients (`load`): one event loop in the benchmark's process, 20 clients, each sending its
next request as soon as it has read the whole answer to the last and checked it is a 200
with results in JSON, each request on a new connection (`Connection: close`, as the urllib
client this replaced did): a request's time runs from connecting to having read its last
byte. The load generator runs on the same machine: on 2 cores it
takes CPU the workers could have used, about a third of what the server spends on a repeat.

The loads. The mix: the 20 queries in turn, a third of them filtered by phase: 40 distinct
questions, so after each worker's first 40 answers the rest (98 %) are repeats that the
server's cache of recent answers serves (generator/search/answers.py), as a portal's readers
repeat the same few searches. Fresh: 2,000 different questions (the same words, with other
limits, phases and languages), so every request is ranked, its snippets cut and its JSON
made: the worst case, where the CPU per request decides the p95. The mix once more with
each client keeping its connection (`keep_alive`), as browsers and HTTP libraries do. Each
load runs M times (3)
with one worker and with the default (one per core), alternately, and prints the median and
spread of each figure, and the load average, which says how busy the machine was.
Targets (issue 4, issue 24): query p95 <= 50 ms and related content <= 60 s at 10,000
documents; API p95 <= 100 ms at 10,000 documents with 20 concurrent clients, zero errors.

`measure(programs)` gives the API's figures with the default workers (benchmarks/table.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
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
# (name, fresh questions, connections kept alive) of each load compare_workers runs
LOADS = (("mix", False, False), ("mix kept-alive", False, True), ("fresh", True, False))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def prepare(size: int, work: Path) -> tuple[Path, Path, list[dict], float]:
    """The synthetic portal of `size` programs and its index, as `phasebook search` builds
    it: the project, the index, its documents and the seconds indexing took."""
    project = work / f"portal-{size}"
    generate(project, size)
    portal = load_portal(project / "phases", project / "content", root=project)
    docs = documents(portal, project / "content")
    index_dir = work / f"index-{size}"
    start = time.perf_counter()
    stamp = fingerprint(project / "phases", project / "content")
    indexjob.build_now(docs, index_dir, stamp)
    return project, index_dir, docs, time.perf_counter() - start


def measure(programs: int, runs: int = 3, workers: int | None = None) -> dict:
    """The API under load at `programs` programs, `runs` times (default workers unless told):
    median p95 and requests per second, errors summed, the largest worker's RSS."""
    with tempfile.TemporaryDirectory(prefix="phasebook-search-") as tmp:
        project, index_dir, _, _ = prepare(programs, Path(tmp))
        loads = [api_load(project, index_dir, workers) for _ in range(runs)]
    return summary(loads)


def summary(loads: list[dict]) -> dict:
    p95s, rates = [x["api_p95_ms"] for x in loads], [x["api_rps"] for x in loads]
    return {
        "api_p95_ms": round(statistics.median(p95s), 1),
        "api_p95_spread": (min(p95s), max(p95s)),
        "api_rps": round(statistics.median(rates)),
        "api_rps_spread": (min(rates), max(rates)),
        "api_errors": sum(x["api_errors"] for x in loads),
        "worker_rss_mb": max(x["worker_rss_mb"] for x in loads),
        "workers": loads[0]["workers"],
        "worker_cpu_s": [x["worker_cpu_s"] for x in loads],
        "server_cpu_ms": statistics.median(x["server_cpu_ms"] for x in loads),
        "client_cpu_ms": statistics.median(x["client_cpu_ms"] for x in loads),
        "load_average": [x["load_average"] for x in loads],
    }


def measure_all(size: int, work: Path, runs: int = 5) -> dict:
    project, index_dir, docs, build_s = prepare(size, work)
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

    return {
        "documents": len(docs),
        "docs_per_s": round(len(docs) / build_s),
        "index_s": round(build_s, 1),
        "query_p50_ms": round(statistics.median(timings), 1),
        "query_p95_ms": round(percentile(timings, 0.95), 1),
        "related_s": round(related_s, 1),
        "related_pages": len(related),
        "served": (project, index_dir),
    }


def api_load(
    project: Path,
    index_dir: Path,
    workers: int | None = None,
    *,
    fresh: bool = False,
    keep_alive: bool = False,
) -> dict:
    """`phasebook serve` in a child process; requests from this one, on loopback only.
    `fresh`: every request a question not asked before (the cache never answers)."""
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
            *(["--workers", str(workers)] if workers else []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):  # up within 60 s (every worker: a few requests each), or fail
            try:
                for _ in range(10):
                    urlopen(f"http://127.0.0.1:{port}/api/search?q=x", timeout=5).read()
                break
            except OSError:
                time.sleep(0.1)
        serving = children(server.pid) or [server.pid]  # one worker: the server itself
        cpu_before = sum(cpu_s(pid) for pid in serving)
        client_before = time.process_time()
        start = time.perf_counter()
        done = asyncio.run(load(port, [target(n, fresh) for n in range(REQUESTS)], keep_alive))
        wall = time.perf_counter() - start
        client = time.process_time() - client_before
        cpu = [cpu_s(pid) for pid in serving]
        rss = [rss_mb(pid) for pid in serving]
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "api_rps": round(REQUESTS / wall),
        "api_p95_ms": round(percentile([t for t, _ in done], 0.95), 1),
        "api_errors": sum(not ok for _, ok in done),
        "workers": len(serving),
        "worker_rss_mb": round(max(rss)),
        "worker_cpu_s": [round(c, 1) for c in sorted(cpu)],  # how evenly the work spread
        # CPU per request during the load alone (start-up and index opening left out)
        "server_cpu_ms": round((sum(cpu) - cpu_before) * 1000 / REQUESTS, 2),
        "client_cpu_ms": round(client * 1000 / REQUESTS, 2),
        "load_average": round(os.getloadavg()[0], 1),
    }


def target(n: int, fresh: bool) -> bytes:
    """The `n`th request's path. The mix: the 20 queries in turn, a third of them filtered
    by phase (40 questions). Fresh: each of the 2,000 (query, limit 6 to 15, phase or none,
    Japanese or English) once, so every one is ranked, its snippets cut and its JSON made;
    the words are the mix's, their postings read and kept after the first few requests."""
    params: dict[str, str | int] = {"q": QUERIES[n % len(QUERIES)], "limit": 10}
    if fresh:
        variant = n // 200
        params["limit"] = 6 + n // len(QUERIES) % 10
        phase = (None, "implement", "adopt", "engage", "use")[variant % 5]
        params |= {"phase": phase} if phase else {}
        params["lang"] = ("ja", "en")[variant // 5]
    elif n % 3 == 0:
        params["phase"] = "implement"
    return f"/api/search?{urlencode(params)}".encode()


async def load(
    port: int, targets: list[bytes], keep_alive: bool = False
) -> list[tuple[float, bool]]:
    """The requests from CONCURRENCY clients, each sending its next request as soon as it
    has read the whole answer to the last. Each request on a new connection, closed after
    its answer (as urllib does); `keep_alive`: on one connection per client, as a browser
    or a pooling HTTP library does (the kernel then hands a client to one worker for all
    its requests). One thread and event loop for all: a
    Python thread per client spent as much CPU as the server and, under the GIL, held
    answers that had arrived unread for milliseconds, counted as the server's latency."""
    pending = iter(enumerate(targets))
    done: list[tuple[float, bool]] = [(0.0, False)] * len(targets)
    close = b"" if keep_alive else b"Connection: close\r\n"

    async def client() -> None:
        streams = None
        for n, path in pending:
            start = time.perf_counter()
            try:
                async with asyncio.timeout(10):
                    reader, writer = streams or await asyncio.open_connection("127.0.0.1", port)
                    writer.write(b"GET %s HTTP/1.1\r\nHost: bench\r\n%s\r\n" % (path, close))
                    ok = await answer(reader)
            except (OSError, TimeoutError, ValueError, asyncio.IncompleteReadError):
                ok = False
            done[n] = ((time.perf_counter() - start) * 1000, ok)
            streams = (reader, writer) if ok and keep_alive else None
            if streams is None:  # closed, or its framing can no longer be trusted
                writer.close()
        if streams:
            streams[1].close()

    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return done


async def answer(reader: asyncio.StreamReader) -> bool:
    """Read one whole answer; whether it is a 200 with search results in JSON."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    fields = dict(line.lower().split(": ", 1) for line in lines[1:] if line)
    body = await reader.readexactly(int(fields["content-length"]))
    return lines[0].split(" ")[1] == "200" and "results" in json.loads(body)


def children(parent: int) -> list[int]:
    """The processes `parent` started: `phasebook serve`'s workers."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def cpu_s(pid: int) -> float:
    """CPU seconds `pid` has used (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory now (shared pages included: forked workers share some of theirs)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main(argv: list[str]) -> None:
    runs, load_runs = 5, 3
    while argv[:1] in (["--runs"], ["--load-runs"]):
        if argv[0] == "--runs":  # passes over the query mix
            runs = int(argv[1])
        else:  # load tests of each worker count
            load_runs = max(1, int(argv[1]))
        argv = argv[2:]
    sizes = [int(a) for a in argv] or [1000, 10000]
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1796083200")
    columns = [
        "documents",
        "docs_per_s",
        "index_s",
        "query_p50_ms",
        "query_p95_ms",
        "related_s",
    ]
    print(" ".join(f"{c:>12}" for c in ["programs", *columns]))
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="phasebook-search-") as tmp:
            row = measure_all(size, Path(tmp), runs)
            print(" ".join(f"{v:>12}" for v in [size, *(row[c] for c in columns)]), flush=True)
            compare_workers(size, *row["served"], load_runs)


def compare_workers(size: int, project: Path, index_dir: Path, runs: int) -> None:
    """The API with one worker and with the default, alternately (the machine's load
    drifts), `runs` times each, for each load: median (spread) of each figure."""
    loads: dict[tuple[str, str], list[dict]] = {}
    for _ in range(runs):
        for mix, fresh, keep in LOADS:
            for label, workers in (("1 worker", 1), ("default", None)):
                got = api_load(project, index_dir, workers, fresh=fresh, keep_alive=keep)
                loads.setdefault((mix, label), []).append(got)
    for (mix, label), done in loads.items():
        got = summary(done)
        p95, rps = got["api_p95_spread"], got["api_rps_spread"]
        print(
            f"{size:>12} API {mix}, {label} ({got['workers']}): p95 {got['api_p95_ms']} ms "
            f"({p95[0]}–{p95[1]}), {got['api_rps']} requests/s ({rps[0]}–{rps[1]}), "
            f"{got['api_errors']} errors, CPU ms per request: server {got['server_cpu_ms']}, "
            f"client {got['client_cpu_ms']}; {got['worker_rss_mb']} MB RSS per worker, "
            f"CPU s per worker {got['worker_cpu_s']}, load average {got['load_average']} "
            f"({runs} runs, {REQUESTS} requests from {CONCURRENCY} clients)",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
