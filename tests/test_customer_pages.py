"""What a customer meets on the example portal in a real browser and in the built pages:
no failed request behind any page, stages told apart from phases, notices that look like
notices, a /plans/ page that reads and prints well, Japanese kept whole across line
breaks, English pages in English, and a way on from the last phase of the loop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.helpers import serve_folder

PAGES = ["", "phases/implement/", "programs/atx-use-reports/", "plans/", "guides/sso-setup/"]


@pytest.fixture(scope="module")
def site_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["", "en/"])
def test_no_page_asks_for_something_that_is_not_there(
    browser: Browser, site_url: str, lang: str
) -> None:
    """Material fetched `<page>/sitemap.xml` for each hreflang link: two 404s per page."""
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    for path in PAGES:
        page.goto(lang + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert failed == []


def test_each_sitemap_names_every_pages_twin(example_site: Path) -> None:
    """Search engines still learn each page's other language, from the sitemap."""
    ja = (example_site / "sitemap.xml").read_text(encoding="utf-8")
    en = (example_site / "en" / "sitemap.xml").read_text(encoding="utf-8")
    base = "https://success.miraicloud.example/"
    for sitemap in (ja, en):
        for path in ("phases/implement/", "programs/atx-use-reports/"):
            assert f'hreflang="ja" href="{base}{path}"' in sitemap
            assert f'hreflang="en" href="{base}en/{path}"' in sitemap
    assert len(re.findall("<xhtml:link", ja)) == 2 * ja.count("<loc>")
