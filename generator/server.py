"""`phasebook serve`: the built site plus `GET /api/search` over the Whoosh index.

Starlette routes and serves files, uvicorn speaks HTTP: no request parsing of our own. The
static site needs none of this; the API is for CS platforms and e-mail tools that want
search results as data.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from generator import search

MAX_LIMIT = 50
PARAMETERS = {"q", "phase", "tier", "kind", "limit"}


class BadRequest(ValueError):
    """A parameter the caller must correct; the message says how."""


def create_app(site: Path, index_dir: Path) -> Starlette:
    """The site at `/` and the search API, reading an index that does not change meanwhile."""
    index = search.open_index(index_dir)
    known = index.values()

    def api_search(request: Request) -> JSONResponse:
        # A plain function: Starlette runs it in a worker thread, so a slow query does not
        # hold up the event loop and the other requests.
        try:
            args = _arguments(request, known)
            found = search.search(index, marks=("<mark>", "</mark>"), escape=html.escape, **args)
        except (BadRequest, search.QueryError) as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        results = [
            {"title": h.title, "url": "/" + h.url, "snippet": h.snippet, "phase": h.phase,
             "tier": h.tier or None, "kind": h.kind, "score": h.score}
            for h in found.hits
        ]  # fmt: skip
        return JSONResponse(
            {"query": args["text"], "total": found.total, "results": results,
             "facets": found.facets},
        )  # fmt: skip

    routes = [
        Route("/api/search", api_search, methods=["GET"]),
        Mount("/", StaticFiles(directory=site, html=True)),
    ]
    return Starlette(routes=routes)


def _arguments(request: Request, known: dict[str, set[str]]) -> dict:
    params = request.query_params
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        known_names = ", ".join(sorted(PARAMETERS))
        raise BadRequest(f"unknown parameter {unknown[0]!r} (known: {known_names})")
    text = params.get("q", "")
    if len(text) > search.MAX_QUERY:
        raise BadRequest(f"q is longer than {search.MAX_QUERY} characters: shorten it")
    args: dict = {"text": text}
    for name in search.FACETS:
        value = params.get(name) or None
        if value is not None and value not in known[name]:
            choices = ", ".join(sorted(known[name]))
            raise BadRequest(f"unknown {name} {value!r} (known: {choices})")
        args[name] = value
    raw = params.get("limit", "10")
    if not raw.isdigit() or int(raw) < 1:
        raise BadRequest(f"limit must be a whole number from 1 (got {raw!r})")
    args["limit"] = min(int(raw), MAX_LIMIT)
    return args


def serve(site: Path, index_dir: Path, host: str, port: int) -> None:
    import uvicorn  # only here: importing the app (tests) needs no server

    uvicorn.run(create_app(site, index_dir), host=host, port=port, log_level="warning")
