"""Hostile requests to `phasebook serve`: any query string gets an answer below 500, and a
rebuild under a running server changes its answers, never breaks them."""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import EPOCH, ROOT, edit, free_port, http_get, phasebook


def raw(base: str, target: str) -> tuple[int, dict[str, str], bytes]:
    """A request sent exactly as written: no client library tidies the query string."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("q=導入&limit=²", "limit must be a whole number from 1 to 50 (got '²')"),
        ("q=導入&limit=١٠", "limit must be a whole number from 1 to 50 (got '١٠')"),
        (
            "q=導入&limit=" + "9" * 5000,
            "limit must be a whole number from 1 to 50 (got '" + "9" * 20 + "')",
        ),
        ("q=導入&limit=-1", "limit must be a whole number from 1 to 50 (got '-1')"),
        ("q=導入&limit=1e3", "limit must be a whole number from 1 to 50 (got '1e3')"),
        ("q=導入&limit=", "limit must be a whole number from 1 to 50 (got '')"),
        ("q=a&q=b", "q is given more than once: give it once"),
        ("q=導入&tier=", None),
        ("q=%ff%fe", None),
        ("q=%00", None),
        ("q=" + "%E5%B0%8E" * 166, None),
        ("q=" + "導入 " * 160, None),
        ("q=NOT", None),
        ("q=-", None),
        ("q=%22%22", None),
        ("q=AND+OR", None),
        ("q=" + "a+" * 249, None),
        ("", "the query is empty: type what you are looking for"),
        ("=&&=", None),
        ("q=導入&phase=" + "x" * 10_000, None),
    ],
)
def test_a_bad_query_string_is_a_400_with_json(server: str, query: str, error) -> None:
    status, headers, body = raw(server, "/api/search?" + quote(query, safe="&=%+"))
    assert status in (200, 400), body[:200]
    assert headers["content-type"] == "application/json"
    data = json.loads(body)
    if error is not None:
        assert (status, data) == (400, {"error": error})
    if status == 400:
        assert len(data["error"]) < 300, "an error never echoes a whole huge value"


def test_a_long_query_costs_little(server: str) -> None:
    """499 characters of distinct words: refused or answered, in well under a second."""
    words = "".join(chr(0x4E00 + i * 7) for i in range(499))
    start = time.perf_counter()
    status, _, body = raw(server, "/api/search?q=" + quote(words))
    assert time.perf_counter() - start < 0.5
    assert status == 400
    assert json.loads(body) == {
        "error": "the query has too many words: keep the few that matter most"
    }


def test_answers_say_what_they_are_and_how_long_to_keep_them(server: str) -> None:
    _, headers, _ = raw(server, "/api/search?q=" + quote("導入"))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-cache"
    _, headers, _ = raw(server, "/api/search?q=")
    assert headers["cache-control"] == "no-cache"
    _, headers, _ = raw(server, "/")
    assert headers["x-content-type-options"] == "nosniff"


def test_facets_and_known_lists_hold_no_empty_tier(server: str) -> None:
    _, _, body = raw(server, "/api/search?q=" + quote("導入"))
    assert "" not in json.loads(body)["facets"]["tier"]
    _, _, body = raw(server, "/api/search?q=x&tier=gold")
    assert json.loads(body) == {"error": "unknown tier 'gold' (known: free, premier, standard)"}


def test_static_paths_cannot_leave_the_site(server: str) -> None:
    for target in ("/../mkdocs.yml", "/%2e%2e/mkdocs.yml", "/..%2fmkdocs.yml", "//etc/passwd"):
        status, _, body = raw(server, target)
        assert status == 404, target
        assert b"site_name" not in body and b"root:" not in body


# Any bytes, percent-encoded, as the query string: names, values, separators and all.
QUERY = st.lists(
    st.tuples(
        st.sampled_from(["q", "limit", "phase", "tier", "kind", "x", ""]), st.binary(max_size=40)
    ),
    max_size=5,
)


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(QUERY)
def test_no_query_string_gets_a_5xx(server: str, pairs: list[tuple[str, bytes]]) -> None:
    query = "&".join(f"{name}={quote(value)}" for name, value in pairs)
    status, _, body = raw(server, "/api/search?" + query)
    assert status in (200, 400), (query, body[:300])
    json.loads(body)


# -- a rebuild under a running server -------------------------------------------------------


@pytest.fixture
def serving(built_minimal: Path) -> Iterator[tuple[Path, str]]:
    minimal = built_minimal
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "generator.cli", "serve", "-C", str(minimal)),
            *("--port", str(port), "--workers", "2"),  # each worker sees each rebuild
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": EPOCH, "PHASEBOOK_LANG": "en"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                http_get(base + "/")
                break
            except OSError:
                assert process.poll() is None, process.communicate()
                time.sleep(0.05)
        yield minimal, base
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
        assert "Traceback" not in err, err


def _titles(base: str, query: str) -> list[str]:
    status, _, body = raw(base, "/api/search?q=" + quote(query))
    assert status == 200, body
    return [r["title"] for r in json.loads(body)["results"]]


def test_a_rebuild_changes_the_answers_of_a_running_server(serving) -> None:
    project, base = serving
    assert _titles(base, "ツアー") == ["管理画面ツアー"]
    edit(project / "phases" / "run.yml", "管理画面ツアー", "管理画面ツアー改訂版")
    assert phasebook(project, "build").returncode == 0
    assert _titles(base, "改訂版") == ["管理画面ツアー改訂版"]
    for _ in range(50):  # and keeps answering, request after request
        assert _titles(base, "ツアー") == ["管理画面ツアー改訂版"]


def test_a_failed_rebuild_leaves_the_answers_alone(serving) -> None:
    project, base = serving
    edit(project / "phases" / "run.yml", "tier: free", "tier: gold")
    assert phasebook(project, "build").returncode == 1
    assert _titles(base, "ツアー") == ["管理画面ツアー"]


def test_idle_connections_are_closed(server: str) -> None:
    """One that never sends a request, and one kept alive after its answer: both closed
    after 5 s, so that idle sockets cannot pile up until the server runs out of them."""
    parts = urlsplit(server)
    silent = socket.create_connection((parts.hostname, parts.port), timeout=20)
    kept = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
    kept.request("GET", "/api/search?q=x")
    answer = kept.getresponse()
    assert answer.status == 200 and answer.getheader("connection", "") != "close"
    answer.read()  # the whole answer: what is left on the socket is only its closing
    with silent:
        start = time.monotonic()
        assert silent.recv(1) == b"" and kept.sock.recv(1) == b"", "closed by the server"
        assert 4 < time.monotonic() - start < 10
    kept.close()


def test_no_request_fails_while_the_portal_is_rebuilt_under_load(serving) -> None:
    """Whoosh reads a directory by name, file after file: a swap between two reads once
    gave 500s. 8 clients keep searching while the portal is rebuilt three times."""
    project, base = serving
    codes: list[int] = []
    stop = threading.Event()

    def client() -> None:
        while not stop.is_set():
            status, _, _ = raw(base, "/api/search?q=" + quote("ツアー"))
            codes.append(status)

    threads = [threading.Thread(target=client) for _ in range(8)]
    for thread in threads:
        thread.start()
    try:
        for n in range(3):
            edit(project / "phases" / "run.yml", "管理画面ツアー", f"管理画面ツアー{n}")
            assert phasebook(project, "build").returncode == 0
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert len(codes) > 100 and set(codes) == {200}, sorted(set(codes))
    assert _titles(base, "ツアー") == ["管理画面ツアー210"]
