"""What a phone downloads to find one program by the browser search, at 100, 1,000 and
10,000 programs.

    python benchmarks/phone_search.py [--reuse] [SIZE …]   # 100, 1,000, 10,000

For each size: a synthetic portal (benchmarks/build_scale.py's generator) built with
`phasebook build`, served from 127.0.0.1; chromium opens its start page 375 px wide, waits
for the network to be quiet, presses `/`, enters the title of one program as a Japanese
input method commits it, and waits for the first results (the program, or ten others).
Every response is counted: its decoded body, and that body gzipped (level 6, as a host
compressing on the fly would send it; Pagefind's own files are compressed already). The
figure of the issue is `phone_kb`: the search's own files fetched with the page (its
worker, Material's emptied index) plus everything fetched from the query until the first
results show. `found` says the named program is among the first five.

`--reuse` keeps each built portal in the temporary folder (phasebook-phone-SIZE) and uses
it again if it is there: 10,000 programs take a while to build.
"""

from __future__ import annotations

import functools
import gzip
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import build_scale  # noqa: E402  (beside this file)

EPOCH = "1796083200"
# The first results of the query are in: the program it names, or a full list without it.
FOUND = """wanted => {
  const links = [...document.querySelectorAll(".md-search-result__item a.md-search-result__link")];
  return links.some(a => new URL(a.href).pathname.endsWith(wanted)) || links.length >= 10;
}"""
SEARCH_FILES = (
    "/assets/javascripts/workers/",
    "/assets/search-box.js",
    "/search/search_index.json",
    "/pagefind/",
)


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def built(programs: int, reuse: bool = False) -> Path:
    """The site of a synthetic portal of `programs` programs, built by `phasebook build`."""
    project = Path(tempfile.gettempdir()) / f"phasebook-phone-{programs}"
    site = project / "site"
    if reuse and (site / "pagefind" / "pagefind.js").is_file():
        return site
    shutil.rmtree(project, ignore_errors=True)
    build_scale.generate(project, programs)
    env = {"SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
    subprocess.run(
        [sys.executable, "-m", "generator.cli", "build"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return site


def query_for(programs: int) -> tuple[str, str]:
    """The Japanese title of one program near the end (generator: "<topic>の実践 第<i>回"),
    and the end of its page's URL."""
    i = programs * 2 // 3 + 1
    topic = build_scale.TOPICS[i % len(build_scale.TOPICS)][0]
    return f"{topic}の実践 第{i}回", f"-{i}/"


def measure(programs: int, reuse: bool = False) -> dict:
    """Bytes fetched by a 375 px phone to find one program among `programs`."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_FLAGS

    site = built(programs, reuse)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    query, wanted = query_for(programs)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
            )
            context = chromium.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
            fetched: list[tuple[str, str, bytes]] = []  # (when, url, body)
            stage = ["load"]
            context.on("requestfinished", lambda r: fetched.append((stage[0], r.url, _body(r))))
            page = context.new_page()
            page.goto(f"http://127.0.0.1:{server.server_port}/", wait_until="networkidle")
            stage[0] = "typing"
            page.keyboard.press("/")  # the search opens; a tap on its box focuses it
            page.focus("input.md-search__input")
            # As a Japanese input method commits it: the whole title at once, then a key.
            page.keyboard.insert_text(query)
            page.keyboard.press("End")
            page.wait_for_function(FOUND, arg=wanted, timeout=120_000)
            links = page.eval_on_selector_all(
                ".md-search-result__item a.md-search-result__link", "a => a.map(l => l.href)"
            )
            chromium.close()
    finally:
        server.shutdown()
    return _figures(programs, fetched, links, wanted)


def _body(request) -> bytes:
    response = request.response()
    try:
        return response.body() if response is not None else b""
    except Exception:  # a redirect or an aborted request has no body
        return b""


def _figures(programs: int, fetched: list, links: list[str], wanted: str) -> dict:
    def kb(items: list[bytes], packed: bool = False) -> float:
        size = sum(len(gzip.compress(b, 6)) if packed else len(b) for b in items)
        return round(size / 1024, 1)

    own = [b for when, url, b in fetched if when == "load" and _search_file(url)]
    typing = [b for when, _, b in fetched if when == "typing"]
    page = [b for when, _, b in fetched if when == "load"]
    return {
        "programs": programs,
        "phone_kb_decoded": kb(own + typing),
        "phone_kb_gzip": kb(own + typing, packed=True),
        "typing_requests": len(typing),
        "page_load_kb_decoded": kb(page),
        "page_load_kb_gzip": kb(page, packed=True),
        "found": any(urlsplit(link).path.endswith(wanted) for link in links[:5]),
    }


def _search_file(url: str) -> bool:
    return any(part in urlsplit(url).path for part in SEARCH_FILES)


COLUMNS = [
    ("programs", 8),
    ("phone_kb_decoded", 16),
    ("phone_kb_gzip", 13),
    ("typing_requests", 15),
    ("page_load_kb_decoded", 20),
    ("page_load_kb_gzip", 17),
    ("found", 5),
]


def main(argv: list[str]) -> None:
    reuse = "--reuse" in argv
    sizes = [int(a) for a in argv if a != "--reuse"] or [100, 1000, 10000]
    print(" ".join(f"{name:>{width}}" for name, width in COLUMNS), flush=True)
    for size in sizes:
        row = measure(size, reuse)
        print(" ".join(f"{row[name]!s:>{width}}" for name, width in COLUMNS), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
