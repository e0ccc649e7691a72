"""Every kind of page of a built portal as a phone shows it, to be looked at by a person.

    .venv/bin/python -m tools.screenshots SITE OUT [--width 375] [--plan standard]

SITE is a built portal (`./dev build` writes site/); OUT a folder outside the sources,
made if missing. Each page is shot whole, in both languages, once with no plan chosen and
once with `--plan` (a tier id) chosen as a visitor would on /plans/; the names say which
(`en-plans--standard.png`). A tool, not a test: what a screenshot shows is judged by eye.
"""

from __future__ import annotations

import argparse
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]
# One page of every kind the example portal has (tests/test_browser.py PAGE_KINDS, and the
# pages the script draws).
PAGES = [
    "",
    "stages/onboard/",
    "phases/engage/",
    "programs/atx-use-reports/",
    "programs/acc-engage-alert-tuning/",
    "programs/video-mobile-app/",
    "guides/sso-setup/",
    "guides/agent-rollout/",
    "atx/",
    "accelerators/",
    "schedule/",
    "plans/",
    "plan/#plan=1&t=premier-rollout&start=2026-12-01&c=Acme",
    "new/",
    "subscribe/",
    "404.html",
]
STORE = "/:phasebook.tier.v1"  # yourplan.js storeKey() at the site's root


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        """A shot per page: the request lines would bury what the tool prints."""


def shoot(page: Page, url: str, out: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out), full_page=True)
    print(out.name, page.evaluate("document.documentElement.scrollHeight"), "px tall")


def _width(text: str) -> int:
    if not (text.isascii() and text.isdigit() and 200 <= int(text) <= 4000):
        raise argparse.ArgumentTypeError(f"{text!r} is not a width from 200 to 4000")
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--width", type=_width, default=375, help="CSS pixels, 200 to 4000")
    parser.add_argument("--plan", default="standard", help="the tier id chosen in the second pass")
    args = parser.parse_args()
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} holds no built portal (no index.html): ./dev build writes site/")
    args.out.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(args.site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for plan in ("", args.plan):
            context = browser.new_context(
                base_url=base,
                viewport={"width": args.width, "height": 800},
                timezone_id="Asia/Tokyo",
            )
            if plan:
                context.add_init_script(
                    f"localStorage.setItem({json.dumps(STORE)}, {json.dumps(plan)})"
                )
            page = context.new_page()
            for root in ("", "en/"):
                for path in PAGES:
                    name = (root or "ja/") + (path.split("#")[0] or "home")
                    slug = name.strip("/").replace("/", "-").replace(".html", "")
                    shoot(page, root + path, args.out / f"{slug}{'--' + plan if plan else ''}.png")
            context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
