"""Recall@5 and MRR of the relevance set (tests/search_relevance.yml) on both searches:
the Whoosh index behind `phasebook search` and the API, and the browser search in chromium
(Material's search box answered from each tree's Pagefind bundle) on the built example
portal (Japanese queries at /, English ones at /en/).

    python benchmarks/relevance.py          # needs Debian's chromium for the browser half

Prints one line per engine and every query that missed, with what came instead, then
whether the browser said so for each query no page answers, and what it offered instead.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import tempfile
import threading
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EPOCH = 1796083200


def all_cases() -> list[dict]:
    return yaml.safe_load((ROOT / "tests" / "search_relevance.yml").read_text(encoding="utf-8"))


def cases() -> list[dict]:
    """The queries with a page to find (the others: no page answers them)."""
    return [case for case in all_cases() if "page" in case]


def zero(site: Path) -> list[tuple[str, bool, str | None, str | None]]:
    """Each query no page answers: (query, whether the browser said so and listed nothing,
    the suggestion wanted, the suggestion shown)."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_FLAGS
    from tests.test_browser import browser_search

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = chromium.new_page(base_url=f"http://127.0.0.1:{server.server_port}/")
        for case in (c for c in all_cases() if c.get("none")):
            lang = "en" if case["type"] == "english" else "ja"
            page.goto("./en/" if lang == "en" else "./")
            listed = browser_search(page, case["query"], lang)
            page.wait_for_timeout(300)  # the guidance is fetched once nothing is listed
            said = not listed and page.locator(".pb-search-guidance").count() == 1
            offer = page.locator("[data-pb-suggest]")
            shown = offer.first.get_attribute("data-pb-suggest") if offer.count() else None
            out.append((case["query"], said, case.get("suggest"), shown))
        chromium.close()
    server.shutdown()
    return out


def score(results: list[tuple[dict, list[str]]]) -> tuple[float, float, list]:
    """Recall@5, mean reciprocal rank (first 5), and the misses."""
    ranks = [found.index(c["page"]) + 1 if c["page"] in found else None for c, found in results]
    recall = sum(r is not None for r in ranks) / len(ranks)
    mrr = sum(1 / r for r in ranks if r) / len(ranks)
    pairs = zip(results, ranks, strict=True)
    misses = [(c["query"], c["page"], found) for (c, found), rank in pairs if not rank]
    return recall, mrr, misses


def whoosh(directory: Path) -> list[tuple[dict, list[str]]]:
    from generator.search import job as indexjob
    from generator.search.documents import documents
    from generator.search.index import open_index
    from generator.search.scoring import search
    from generator.source.load import load_portal

    now = datetime.fromtimestamp(EPOCH, UTC)
    portal = load_portal(ROOT / "phases", ROOT / "content", root=ROOT, now=now)
    index = open_index(indexjob.build_now(documents(portal, ROOT / "content"), directory, ""))
    out = []
    for case in (c for c in cases() if not c.get("browser_only")):
        hits = search(index, case["query"], limit=5).hits
        out.append((case, list(dict.fromkeys(h.url.split("#")[0] for h in hits))))
    return out


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(OSError):
            super().handle()


def browser(site: Path) -> list[tuple[dict, list[str]]]:
    """The search box as a visitor types in it (tests/test_browser.py does the same)."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import CHROMIUM, CHROMIUM_FLAGS
    from tests.test_browser import browser_search

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    out = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = chromium.new_page(base_url=base)
        for lang, root in (("ja", ""), ("en", "en/")):
            page.goto(f"./{root}")
            for case in cases():
                if (case["type"] == "english") != (lang == "en"):
                    continue
                found = [
                    urlsplit(u).path.lstrip("/") for u in browser_search(page, case["query"], lang)
                ]
                out.append((case | {"page": root + case["page"]}, found[:5]))
        chromium.close()
    server.shutdown()
    return out


def main() -> None:
    import subprocess

    with tempfile.TemporaryDirectory(prefix="phasebook-relevance-") as tmp:
        site = Path(tmp) / "site"
        env = {"SOURCE_DATE_EPOCH": str(EPOCH), "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [sys.executable, "-m", "generator.build.engine", "build", "-q", "-d", str(site)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        for name, results in (("whoosh", whoosh(Path(tmp) / "index")), ("browser", browser(site))):
            recall, mrr, misses = score(results)
            print(f"{name:8} queries {len(results):3}  recall@5 {recall:.1%}  MRR {mrr:.2f}")
            for miss in misses:
                print(f"   missed {miss[0]!r}: wanted {miss[1]}, got {miss[2]}")
        answered = zero(site)
        said = sum(s for _, s, _, _ in answered)
        right = sum(w == g for _, _, w, g in answered)
        print(f"no page  queries {len(answered):3}  said so {said}  suggestion as wanted {right}")
        for query, so, wanted, got in answered:
            print(f"   {query!r}: said so {so}, suggestion wanted {wanted!r}, shown {got!r}")


if __name__ == "__main__":
    main()
