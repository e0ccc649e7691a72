"""`phasebook serve`: the built site plus `GET /api/search` over the Whoosh index.

Starlette routes and serves files, uvicorn speaks HTTP: no request parsing of our own, only
checks on what h11 parsed (guard.py). A repeat of a query string already answered is sent
from the cache of answers before Starlette sees it: at 0.3 ms of CPU a request, routing and
parsing were a third of it. The static site needs none of this; the API is for CS
platforms and e-mail tools that want search results as data.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.search.answers import AnswerCache, Stamp
from generator.search.index import FACETS, Index, StaleIndex, open_index
from generator.search.query import MAX_QUERY, QueryError
from generator.search.scoring import Results, search
from generator.system import prefork

MAX_LIMIT = 50
PARAMETERS = {"q", "phase", "tier", "kind", "limit", "lang"}
# Results change with every build: a cache may keep them, but must ask again each time.
API_HEADERS = {"Cache-Control": "no-cache"}
SEARCH = "/api/search"
# A cached answer's headers, as Starlette and SecurityHeaders give those of a new one.
ANSWER_HEADERS = (
    (b"cache-control", b"no-cache"),
    (b"content-type", b"application/json"),
    (b"x-content-type-options", b"nosniff"),
)
IDLE_SECONDS = 5  # an idle keep-alive connection is closed after this long
SEARCH_THREADS = 4  # searches under way at once in one process; the others wait their turn


class LiveIndex:
    """The index as the latest build left it. A rebuild swaps in a new directory; the
    next request sees its new FINGERPRINT file and reopens, and until a new index opens
    cleanly the previous one goes on answering."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.lock = threading.Lock()
        # (stamp, index) replaced together: an answer is cached under the stamp of the
        # very index that gave it, never under a newer one.
        self.state = (self._stamp(), open_index(directory, pinned=True))

    def _stamp(self) -> tuple[int, int] | None:
        try:
            found = os.stat(self.directory / "FINGERPRINT")
        except OSError:
            return None  # between the two renames of a swap
        return found.st_ino, found.st_mtime_ns

    def current(self, *, reopen: bool = False) -> tuple[tuple[int, int] | None, Index]:
        """The stamp and index to answer from now."""
        stamp = self._stamp()
        if stamp is not None and (reopen or stamp != self.state[0]):
            # Still being swapped in when this fails: the next request tries again.
            with self.lock, contextlib.suppress(Exception):
                self.state = (stamp, open_index(self.directory, pinned=True))
        return self.state

    def search(self, args: dict) -> tuple[tuple[int, int] | None, Results]:
        """Search the latest index; if it was swapped between opening and searching, open
        the new one and search again (a build takes seconds, a swap microseconds)."""
        for attempt in range(20):
            stamp, index = self.current(reopen=attempt > 0)
            try:
                return stamp, _search(index, args)
            except StaleIndex:
                time.sleep(min(0.01 * attempt, 0.05))
        stamp, index = self.current(reopen=True)
        return stamp, _search(index, args)


class SecurityHeaders:
    """`nosniff` on every answer: a page or file is only ever what its type says."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"].append((b"x-content-type-options", b"nosniff"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BadRequest(ValueError):
    """A parameter the caller must correct; the message says how."""


def create_app(site: Path, index_dir: Path) -> ASGIApp:
    """The site at `/` and the search API over the index the latest build installed."""
    live = LiveIndex(index_dir)
    # A slow query must not hold up the event loop and the other requests, so searches run
    # in threads; but few: each thread keeps a searcher of its own (some 20 MB at 10,000
    # documents; Starlette's pool of 40 made a worker 850 MB), and under the GIL more
    # threads search no faster. Made here, in the worker: no thread exists before a fork.
    threads = ThreadPoolExecutor(SEARCH_THREADS, thread_name_prefix="search")

    answers = AnswerCache()

    async def api_search(request: Request) -> Response:
        """A question asked before in other words (the same parameters in another order) is
        answered from the cache too; a new one waits for a thread's turn."""
        stamp, index = live.current()
        try:
            args = _arguments(request, index.values())
        except BadRequest as exc:
            return JSONResponse({"error": str(exc)}, status_code=400, headers=API_HEADERS)
        body = answers.get(stamp, args)
        if body is None:
            stamp, body = await asyncio.get_running_loop().run_in_executor(threads, answer, args)
        if isinstance(body, JSONResponse):
            return body
        answers.put(stamp, request.scope["query_string"], body)
        return Response(body, media_type="application/json", headers=API_HEADERS)

    def answer(args: dict) -> tuple[Stamp, bytes | JSONResponse]:
        try:
            stamp, found = live.search(args)
        except QueryError as exc:
            error = JSONResponse({"error": str(exc)}, status_code=400, headers=API_HEADERS)
            return None, error
        body = JSONResponse(_answer(args["text"], found)).body
        answers.put(stamp, args, body)
        return stamp, body

    routes = [
        Route(SEARCH, api_search, methods=["GET"]),
        Mount("/", StaticFiles(directory=site, html=True)),
    ]
    # Outside Starlette's own error handling, so that its 500s carry the header too.
    site_app = SecurityHeaders(Starlette(routes=routes))

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        """A repeated question, as the very query string asked before, is answered here with
        the bytes kept: no routing, parsing or checking, which cost more than the sending
        (the answer only comes from the cache of the index that is current now)."""
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == SEARCH:
            body = answers.get(live.current()[0], scope["query_string"])
            if body is not None:
                await send(
                    {
                        "type": "http.response.start",
                        "status": 200,
                        "headers": [*ANSWER_HEADERS, (b"content-length", b"%d" % len(body))],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await site_app(scope, receive, send)

    return app


def _answer(text: str, found: Results) -> dict:
    results = [
        {
            "title": h.title,
            "url": "/" + h.url,
            "snippet": h.snippet,
            "phase": h.phase,
            "tier": h.tier or None,
            "kind": h.kind,
            "score": h.score,
        }
        for h in found.hits
    ]
    return {"query": text, "total": found.total, "results": results, "facets": found.facets}


def _search(index: Index, args: dict) -> Results:
    return search(index, marks=("<mark>", "</mark>"), escape=html.escape, **args)


def _arguments(request: Request, known: dict[str, set[str]]) -> dict:
    params = request.query_params
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        known_names = ", ".join(sorted(PARAMETERS))
        raise BadRequest(f"unknown parameter {unknown[0][:40]!r} (known: {known_names})")
    twice = sorted(name for name in params if len(params.getlist(name)) > 1)
    if twice:
        raise BadRequest(f"{twice[0]} is given more than once: give it once")
    text = params.get("q", "")
    if len(text) > MAX_QUERY:
        raise BadRequest(f"q is longer than {MAX_QUERY} characters: shorten it")
    args: dict = {"text": text}
    for name in FACETS:
        value = params.get(name) or None
        if value is not None and value not in known[name]:
            choices = ", ".join(sorted(known[name]))
            raise BadRequest(f"unknown {name} {value[:40]!r} (known: {choices})")
        args[name] = value
    lang = params.get("lang") or None
    if lang is not None and lang not in known["lang"]:
        choices = ", ".join(sorted(known["lang"]))
        raise BadRequest(f"unknown lang {lang[:40]!r} (known: {choices})")
    args["lang"] = lang
    raw = params.get("limit", "10")
    # ASCII digits only: "²" is a digit to str.isdigit, and int() refuses it.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6) or int(raw) < 1:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT} (got {raw[:20]!r})")
    args["limit"] = min(int(raw), MAX_LIMIT)
    return args


def listening_socket(host: str, port: int) -> socket.socket | None:
    """The server's socket, bound before any worker starts so that every worker accepts on
    it; None when another server has the port (uvicorn would print a traceback-like error)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        return None
    return sock


def serve(site: Path, index_dir: Path, sock: socket.socket, workers: int = 1) -> None:
    """Serve until Ctrl+C or SIGTERM, in `workers` processes (system/prefork.py). Searching
    the pinned index is CPU work under the GIL: one process uses one core, whatever its
    threads. Each worker opens the index itself and notices a rebuild on its own."""
    import uvicorn  # only here: importing the app (tests) needs no server

    from generator.search.guard import GuardedProtocol

    def serve_one(sock: socket.socket) -> None:
        config = uvicorn.Config(
            create_app(site, index_dir),
            http=GuardedProtocol,
            log_level="warning",
            timeout_keep_alive=IDLE_SECONDS,
            timeout_graceful_shutdown=IDLE_SECONDS,
        )
        uvicorn.Server(config).run(sockets=[prefork.a_few_at_a_time(sock)])

    if workers == 1:
        serve_one(sock)
    else:
        prefork.Supervisor(serve_one, sock).run(workers, IDLE_SECONDS + 1)
