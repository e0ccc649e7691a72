"""The API's cache of recent answers: a repeat gets the same bytes, a rebuild is seen at once
(tests/test_workers.py asks every worker again after one), and hostile queries, each one new,
cannot grow it past its bounds or make it answer one query with another's results."""

from __future__ import annotations

import http.client
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

from generator.search.answers import BYTES, ENTRIES, LARGEST, AnswerCache
from tests.helpers import http_get

OLD, NEW = (7, 100), (8, 200)


def args(text: str, **more) -> dict:
    return {
        "text": text,
        "phase": None,
        "tier": None,
        "kind": None,
        "lang": None,
        "limit": 10,
    } | more


def test_it_holds_no_more_than_its_entries_and_bytes() -> None:
    cache = AnswerCache()
    for n in range(ENTRIES * 3):
        cache.put(OLD, args("x" * 500 + str(n)), b"y" * (LARGEST // 2))
    assert len(cache.kept) <= ENTRIES and cache.used <= BYTES
    assert cache.get(OLD, args("x" * 500 + str(ENTRIES * 3 - 1))) is not None  # newest kept
    assert cache.get(OLD, args("x" * 500 + "0")) is None  # oldest gone


def test_an_answer_too_large_is_never_kept() -> None:
    cache = AnswerCache()
    cache.put(OLD, args("big"), b"y" * (LARGEST + 1))
    assert cache.get(OLD, args("big")) is None and cache.used == 0


def test_a_new_index_empties_it_and_an_old_answer_arriving_late_is_dropped() -> None:
    cache = AnswerCache()
    cache.put(OLD, args("q"), b"old")
    assert cache.get(OLD, args("q")) == b"old"
    assert cache.get(NEW, args("q")) is None  # the rebuild's first request
    cache.put(OLD, args("q"), b"old")  # a search on the old index, finished after the swap
    assert cache.get(NEW, args("q")) is None
    cache.put(NEW, args("q"), b"new")
    assert cache.get(NEW, args("q")) == b"new"


def test_filters_and_limit_are_part_of_the_question() -> None:
    cache = AnswerCache()
    cache.put(OLD, args("q", phase="use"), b"use")
    assert cache.get(OLD, args("q")) is None
    assert cache.get(OLD, args("q", phase="use", limit=11)) is None


def ask(server: str, **params) -> tuple[int, dict | str]:
    return http_get(f"{server}/api/search?{urlencode(params)}")


def test_a_repeat_is_the_same_answer_and_hostile_queries_do_not_change_it(server: str) -> None:
    status, first = ask(server, q="ツアー", limit=3)
    assert status == 200 and first["results"]
    phase = first["results"][0]["phase"]
    other = ask(server, q="ツアー", limit=3, phase=phase)
    assert other[0] == 200 and all(r["phase"] == phase for r in other[1]["results"])
    hostile = [{"q": f"ツアー {n} " + "ア" * 400} for n in range(ENTRIES + 100)]
    hostile += [{"q": "ツアー", "limit": n % 50 + 1} for n in range(100)]
    with ThreadPoolExecutor(8) as pool:
        statuses = {s for s, _ in pool.map(lambda p: ask(server, **p), hostile)}
    assert statuses <= {200, 400}, statuses
    assert ask(server, q="ツアー", limit=3) == (200, first)
    assert ask(server, q="ツアー", limit=3, phase=phase) == other


def test_a_repeat_on_a_kept_connection_is_the_first_answer_byte_for_byte(server: str) -> None:
    """A repeat is sent from the cache before any routing: the same status, headers (but
    the date) and bytes as the first answer, however its parameters are ordered, and a
    request sent behind it on the same connection is answered after it."""
    host = server.removeprefix("http://")
    connection = http.client.HTTPConnection(host, timeout=10)

    def get(target: str) -> tuple[int, dict[str, str], bytes]:
        connection.request("GET", target)
        response = connection.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders() if k.lower() != "date"}
        return response.status, headers, response.read()

    first = get("/api/search?" + urlencode({"q": "アラート", "limit": 4}))
    assert first[0] == 200 and first[1]["x-content-type-options"] == "nosniff"
    assert get("/api/search?" + urlencode({"q": "アラート", "limit": 4})) == first
    assert get("/api/search?" + urlencode({"limit": 4, "q": "アラート"})) == first
    with socket.create_connection(connection.sock.getpeername()[:2], timeout=10) as sock:
        target = "/api/search?" + urlencode({"q": "アラート", "limit": 4})
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * 2)
        answers = b""
        while answers.count(first[2]) < 2:
            answers += sock.recv(65536) or b"!"
            assert not answers.endswith(b"!"), "closed before the second answer"
    connection.close()
