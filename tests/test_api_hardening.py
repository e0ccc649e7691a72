"""`phasebook serve` under hostile HTTP and hostile queries, over raw sockets on 127.0.0.1:
each refusal is a short answer with `nosniff` and a closed connection, never a reset, a
smuggled request served, a connection held open by trickled bytes, or a traceback in the log.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from generator.search.guard import HEAD_SECONDS
from generator.search.index import open_index
from generator.search.query import Prefix, parse
from generator.search.scoring import Scores
from tests.helpers import ROOT, free_port, http_get


@dataclass
class Served:
    port: int
    index: Path
    log: Path

    def log_text(self) -> str:
        time.sleep(0.2)  # what the server logs about a request it has just answered
        return self.log.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def served(example_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`phasebook serve` on the example site, its log kept in a file to read after each
    request (the session's shared server keeps its log in a pipe)."""
    folder = tmp_path_factory.mktemp("hardening")
    port = free_port()
    log = folder / "serve.log"
    with log.open("w", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "generator.cli", "serve", "--site", str(example_site)),
                *("--index", str(folder / "index"), "--port", str(port)),
                *("--workers", "2"),  # the guard in each worker
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            env=os.environ | {"PHASEBOOK_LANG": "en"},
        )
    try:
        for _ in range(400):
            try:
                http_get(f"http://127.0.0.1:{port}/")
                break
            except OSError:
                assert process.poll() is None, log.read_text(encoding="utf-8")
                time.sleep(0.05)
        yield Served(port, folder / "index", log)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Exchange:
    answer: bytes
    ending: str  # "closed" by the server, "reset", or "open" (still open when we gave up)

    @property
    def status(self) -> int:
        return int(self.answer.split(b" ", 2)[1]) if self.answer.startswith(b"HTTP/1.") else 0

    @property
    def headers(self) -> dict[str, str]:
        head = self.answer.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")[1:]
        return {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in head)}


def exchange(served: Served, *parts: bytes, pause: float = 0.0, wait: float = 10) -> Exchange:
    """Send the parts as written (with `pause` seconds between them) and read until the
    server closes the connection, for at most `wait` seconds."""
    answer, ending = b"", "open"
    with socket.create_connection(("127.0.0.1", served.port), timeout=wait) as sock:
        try:
            for n, part in enumerate(parts):
                time.sleep(pause if n else 0)
                sock.sendall(part)
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                data = sock.recv(65536)
                if not data:
                    ending = "closed"
                    break
                answer += data
        except ConnectionResetError:
            ending = "reset"
        except TimeoutError:
            pass
    return Exchange(answer, ending)


STATUS_LINE = re.compile(rb"HTTP/1\.1 \d\d\d ")


def assert_refused(found: Exchange, status: int, served: Served) -> None:
    """One answer with `status`, said as text with `nosniff`, then the connection closed."""
    assert found.status == status, found.answer[:300]
    assert len(STATUS_LINE.findall(found.answer)) == 1, found.answer
    assert found.headers["x-content-type-options"] == "nosniff"
    assert found.headers["connection"] == "close"
    assert found.ending == "closed"
    assert "Traceback" not in served.log_text()


# -- what a query may cost -------------------------------------------------------------------


@pytest.mark.parametrize("query", ["導 " * 249 + "導", "導入" * 249, "設定 " * 99])
def test_a_word_repeated_counts_each_time(served: Served, query: str) -> None:
    """A word typed 250 times is 250 look-ups (a query of 499 characters once cost a second
    this way), so it is refused as a query of 250 different words is."""
    target = f"/api/search?q={quote(query)}".encode()
    found = exchange(
        served, b"GET " + target + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    )
    assert found.status == 400
    body = json.loads(found.answer.split(b"\r\n\r\n", 1)[1])
    assert body == {"error": "the query has too many words: keep the few that matter most"}


def test_a_lone_character_matches_what_whoosh_matches_for_its_prefix(served: Served) -> None:
    """A lone kanji or kana matches every term it starts, now scored from kept postings like
    any other word (Whoosh's matchers took 44 s for one typed 250 times at 10,000
    documents): the documents Whoosh's Prefix query matches, the prefix on its own too."""
    index = open_index(served.index)
    totals = {}
    with index.searching() as searcher:
        for text in ("導", "ア", "導 入", "-導 設定", "+ア 導"):
            query = parse(text)
            mine = Scores(searcher, {}).of(query)
            assert mine and mine.keys() == searcher.matches(query).keys(), text
            totals[text] = len(mine)
        for prefix in (Prefix("text", "導"), Prefix("title", "ア")):
            assert Scores(searcher, {}).of(prefix).keys() == searcher.matches(prefix).keys()
    status, data = http_get(f"http://127.0.0.1:{served.port}/api/search?q={quote('導')}")
    assert status == 200 and data["total"] == totals["導"]


# -- request framing and size ------------------------------------------------------------------


@pytest.mark.parametrize("method", [b"GET", b"POST"])
def test_content_length_with_transfer_encoding_is_refused_and_closed(
    served: Served, method: bytes
) -> None:
    """RFC 9112 §6.3: the two framings disagree, and a proxy in front may have read the
    other one; the request "hidden" in the body is never served."""
    smuggled = b"GET /api/search?q=smuggled HTTP/1.1\r\nHost: a\r\n\r\n"
    found = exchange(
        served,
        method + b" /api/search?q=x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled,
    )
    assert_refused(found, 400, served)
    assert b"smuggled" not in found.answer
    assert found.answer.endswith(b"Content-Length and Transfer-Encoding together: send only one\n")


def test_a_huge_query_string_is_a_414_not_a_reset(served: Served) -> None:
    found = exchange(served, b"GET /api/search?q=" + b"a" * 1_000_000 + b" HTTP/1.1\r\n\r\n")
    assert_refused(found, 414, served)


def test_a_long_target_arriving_at_once_is_a_414(served: Served) -> None:
    target = b"/api/search?q=x&phase=" + b"a" * 20_000
    found = exchange(served, b"GET " + target + b" HTTP/1.1\r\nHost: a\r\n\r\n")
    assert_refused(found, 414, served)


@pytest.mark.parametrize("sizes", [[200_000], [4_000] * 10])
def test_a_huge_head_is_a_431_not_a_reset(served: Served, sizes: list[int]) -> None:
    headers = b"".join(b"X-Big-%d: " % n + b"a" * size + b"\r\n" for n, size in enumerate(sizes))
    found = exchange(served, b"GET / HTTP/1.1\r\nHost: a\r\n" + headers + b"\r\n")
    assert_refused(found, 431, served)


PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
SETTINGS = bytes.fromhex("000012040000000000000300000064000440000000000200000000")


def test_an_http2_preface_is_a_505(served: Served) -> None:
    found = exchange(served, PREFACE, SETTINGS, pause=0.2)
    assert_refused(found, 505, served)


def test_a_malformed_body_after_the_answer_is_no_traceback(served: Served) -> None:
    """The answer has gone out when the body turns out malformed: uvicorn tried to send a
    400 in the middle of it and logged a traceback. The connection is closed, quietly."""
    found = exchange(
        served,
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n",
        b"not a chunk size\r\n",
        pause=0.5,
    )
    assert found.status == 405 and found.ending == "closed"
    assert len(STATUS_LINE.findall(found.answer)) == 1, found.answer
    assert "Traceback" not in served.log_text()


MALFORMED = [
    b"GET\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(50),  # a TLS hello
    b"GET / HTTP/1.1\r\nHost: a\r\nno colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    b"GET / HTTP/1.1\r\nHost: a\r\nBad Name: value\r\n\r\n",
    b"GET /\x00 HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET / HTTP/1.1\r\n\r\n",  # no Host
    b"GET / HTTP/9.9\r\nHost: a\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", MALFORMED, ids=range(len(MALFORMED)))
def test_malformed_requests_get_an_answer_with_nosniff(
    served: Served, request_bytes: bytes
) -> None:
    """uvicorn's own 400s carried no `nosniff`; every refusal now does, and says why."""
    found = exchange(served, request_bytes)
    assert found.status in (400, 501, 505), found.answer[:300]
    assert_refused(found, found.status, served)


# -- time --------------------------------------------------------------------------------------


def test_a_head_trickled_in_is_cut_off_at_the_deadline(served: Served) -> None:
    """20 connections each send a header line a second: every byte used to restart the
    idle timer, so they stayed open for as long as they kept trickling. Each gets 408 and
    a closed connection HEAD_SECONDS after it opened."""
    endings: list[tuple[float, Exchange]] = []
    lock = threading.Lock()

    def trickle() -> None:
        start, answer, ending = time.monotonic(), b"", "open"
        with socket.create_connection(("127.0.0.1", served.port), timeout=1) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            for n in range(HEAD_SECONDS * 3):  # a line a second, reading in between
                try:
                    data = sock.recv(65536)
                except TimeoutError:
                    sock.sendall(b"X-Slow-%d: 1\r\n" % n)
                    continue
                answer += data
                if not data:
                    ending = "closed"
                    break
        with lock:
            endings.append((time.monotonic() - start, Exchange(answer, ending)))

    threads = [threading.Thread(target=trickle) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=HEAD_SECONDS * 4)
    assert len(endings) == 20
    for took, found in endings:
        assert found.status == 408 and found.ending == "closed", found
        assert found.headers["x-content-type-options"] == "nosniff"
        assert HEAD_SECONDS - 1 < took < HEAD_SECONDS + 5
    assert "Traceback" not in served.log_text()
