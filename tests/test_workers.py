"""`phasebook serve --workers N`: N processes answer, each sees a rebuild, a signal stops them
all and no worker outlives the server.

Which process answered a request is read from /proc, as `ss -p` would show it: the server's
end of the connection is a socket that one process holds open. Nothing in the answers says.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.system import processes
from tests.helpers import ENV, ROOT, edit, free_port, http_get, phasebook


@dataclass
class Serving:
    process: subprocess.Popen
    port: int
    project: Path

    def workers(self) -> set[int]:
        """The server's child processes, living ones only."""
        return {pid for pid in children(self.process.pid) if alive(pid)}


def children(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def start(project: Path, *extra: str) -> Serving:
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "generator.cli", "serve", "-C", str(project)),
            *("--port", str(port), *extra),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV | {"PHASEBOOK_LANG": "en"},
        start_new_session=True,  # its own process group, as a terminal gives it: for Ctrl+C
    )
    for _ in range(400):
        try:
            http_get(f"http://127.0.0.1:{port}/")
            break
        except OSError:
            assert process.poll() is None, process.communicate()
            time.sleep(0.05)
    return Serving(process, port, project)


@pytest.fixture
def two(built_minimal: Path) -> Iterator[Serving]:
    serving = start(built_minimal, "--workers", "2")
    try:
        yield serving
    finally:
        serving.process.terminate()
        _, err = serving.process.communicate(timeout=20)
        assert "Traceback" not in err, err


def owner(serving: Serving, connection: http.client.HTTPConnection) -> int:
    """The worker that holds the server's end of `connection` (which must be open)."""
    client_port = connection.sock.getsockname()[1]
    wanted = f"{serving.port:04X}", f"{client_port:04X}"
    inode = None
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote = fields[1].split(":")[1], fields[2].split(":")[1]
        if (local, remote) == wanted:
            inode = fields[9]
    assert inode is not None, "no server end for this connection"
    for pid in serving.workers() | {serving.process.pid}:
        with os.scandir(f"/proc/{pid}/fd") as fds:
            for fd in fds:
                try:
                    if os.readlink(fd.path) == f"socket:[{inode}]":
                        return pid
                except OSError:
                    continue
    raise AssertionError("no process holds the server's end of the connection")


def titles_by_worker(serving: Serving, query: str, connections: int = 8) -> dict[int, set]:
    """The titles each process answered with, over `connections` concurrent keep-alive
    connections, each asking once."""

    def ask(_: int) -> tuple[int, tuple]:
        connection = http.client.HTTPConnection("127.0.0.1", serving.port, timeout=10)
        try:
            connection.request("GET", "/api/search?q=" + quote(query))
            answer = connection.getresponse()
            assert answer.status == 200
            found = tuple(r["title"] for r in json.loads(answer.read())["results"])
            return owner(serving, connection), found
        finally:
            connection.close()

    answered: dict[int, set] = {}
    with ThreadPoolExecutor(connections) as pool:
        for pid, found in pool.map(ask, range(connections)):
            answered.setdefault(pid, set()).add(found)
    return answered


def every_worker(serving: Serving, query: str, tries: int = 20) -> dict[int, set]:
    """titles_by_worker, asked again until each worker has answered at least once (the
    kernel, not the server, decides which waiting worker takes a connection)."""
    workers, answered = serving.workers(), {}
    for _ in range(tries):
        for pid, found in titles_by_worker(serving, query).items():
            answered.setdefault(pid, set()).update(found)
        if set(answered) >= workers:
            break
    return answered


def test_two_workers_both_answer_and_the_supervisor_answers_none(two: Serving) -> None:
    workers = two.workers()
    assert len(workers) == 2
    answered = every_worker(two, "ツアー")
    assert set(answered) == workers, "every request was answered by a worker, each worker answered"
    assert all(found == {("管理画面ツアー",)} for found in answered.values())


def test_clients_connecting_at_once_are_shared_between_the_workers(two: Serving) -> None:
    """20 kept-alive clients whose connections arrive together: asyncio accepted every
    waiting connection at once, so the worker that woke first took them all and served
    every later request of theirs alone. Each worker now takes a few per turn of its loop.
    Which worker is free first is the kernel's scheduling: tried a few times."""
    for _ in range(5):
        burst = [http.client.HTTPConnection("127.0.0.1", two.port, timeout=10) for _ in range(20)]
        for connection in burst:
            connection.connect()
        try:
            for connection in burst:
                connection.request("GET", "/api/search?q=" + quote("ツアー"))
                assert connection.getresponse().read()
            holders = [owner(two, connection) for connection in burst]
        finally:
            for connection in burst:
                connection.close()
        if set(holders) == two.workers() and max(map(holders.count, set(holders))) < 18:
            return
    raise AssertionError(f"20 connections at once, held by: {sorted(holders)}")


def test_a_rebuild_is_seen_by_every_worker_at_once(two: Serving) -> None:
    assert set(every_worker(two, "ツアー")) == two.workers()  # each has the old index open
    edit(two.project / "phases" / "run.yml", "管理画面ツアー", "管理画面ツアー改訂版")
    assert phasebook(two.project, "build").returncode == 0
    # The first answer of each worker after the build: no stale one anywhere.
    answered = every_worker(two, "ツアー")
    assert set(answered) == two.workers()
    assert all(found == {("管理画面ツアー改訂版",)} for found in answered.values()), answered


def stopped(serving: Serving, send) -> tuple[int, str, set[int]]:
    """Send a signal with `send`; the exit code, stderr, and the workers still running."""
    workers = serving.workers()
    assert len(workers) == 2
    send()
    _, err = serving.process.communicate(timeout=20)
    deadline = time.monotonic() + 5
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return serving.process.returncode, err, {p for p in workers if alive(p)}


@pytest.mark.parametrize("how", ["SIGTERM to the server", "Ctrl+C to its process group"])
def test_a_stop_signal_ends_every_worker(built_minimal: Path, how: str) -> None:
    serving = start(built_minimal, "--workers", "2")
    pid = serving.process.pid
    if how.startswith("SIGTERM"):
        code, err, left = stopped(serving, lambda: os.kill(pid, signal.SIGTERM))
    else:
        code, err, left = stopped(serving, lambda: os.killpg(pid, signal.SIGINT))
    assert not left, f"workers left running: {left}"
    assert code == 0 and "Traceback" not in err, err


def test_a_killed_server_takes_its_workers_with_it(built_minimal: Path) -> None:
    serving = start(built_minimal, "--workers", "2")
    _, _, left = stopped(serving, lambda: serving.process.kill())
    assert not left, f"workers left running after SIGKILL of the server: {left}"


def test_a_worker_that_dies_is_replaced(two: Serving) -> None:
    first, second = sorted(two.workers())
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while two.workers() == {first, second} or len(two.workers()) != 2:
        assert time.monotonic() < deadline, "no worker took the dead one's place"
        time.sleep(0.05)
    assert second in two.workers() and first not in two.workers()
    assert set(every_worker(two, "ツアー")) == two.workers()


def test_one_worker_per_core_by_default(built_minimal: Path) -> None:
    serving = start(built_minimal)
    try:
        cores = processes.cores()
        # One core: the server is its own worker; more: one child per core.
        assert len(serving.workers()) == (cores if cores > 1 else 0)
    finally:
        serving.process.terminate()
        out, _ = serving.process.communicate(timeout=20)
    assert f"; workers: {cores} (Ctrl+C stops)" in out


@pytest.mark.parametrize(
    "value", ["0", "-1", "", "two", "1.5", "٣", "99999999999999999999", "MOST+1"]
)
def test_a_bad_workers_value_is_one_line_and_exit_2(built_minimal: Path, value: str) -> None:
    cores = processes.cores()
    most = 4 * cores
    value = str(most + 1) if value == "MOST+1" else value
    result = phasebook(built_minimal, "serve", "--port", str(free_port()), "--workers", value)
    assert result.returncode == 2
    assert result.stderr == (
        f"--workers must be a whole number from 1 to {most} (4 per core on this machine; "
        f"got {value[:20]!r}): leave it out for one per core ({cores})\n"
    )
