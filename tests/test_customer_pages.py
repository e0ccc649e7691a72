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

from tests.helpers import edit, mkdocs_build, serve_folder, text_of

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


def test_notices_wear_the_info_icon_not_an_editors_pencil(example_site: Path) -> None:
    """Material's `note` is an editor's remark (a pencil); a notice to the reader is `info`."""
    untranslated = (example_site / "en" / "guides" / "api-integration" / "index.html").read_text(
        encoding="utf-8"
    )
    assert '<div class="admonition info">' in untranslated
    assert "admonition note" not in untranslated
    program = example_site / "programs" / "atx-implement-rollout" / "index.html"
    past = re.search(r"<details[^>]*>\s*<summary>過去の開催", program.read_text(encoding="utf-8"))
    assert past and 'class="info pb-past"' in past.group(0)


def test_the_start_page_is_named_once(example_site: Path) -> None:
    for home, name in (
        (example_site / "index.html", "ミライクラウド カスタマーサクセス ポータル"),
        (example_site / "en" / "index.html", "MiraiCloud Customer Success Portal"),
    ):
        source = home.read_text(encoding="utf-8")
        assert f"<title>{name}</title>" in source
        assert source.count(name) >= 2  # still the heading and the header


def test_the_last_phase_of_the_loop_leads_on_to_the_next_round(example_site: Path) -> None:
    """推薦 is the end of the list, not of the customer's journey: the renewal comes round."""
    for root, words in ((example_site, "次のサイクルへ"), (example_site / "en", "Next round")):
        text = text_of(root / "phases" / "recommend" / "index.html")
        pager = re.search(rf"{words}: (\S+)", text)
        assert pager, text[-400:]
        assert pager.group(1) in ("更新", "Renew")
        renew = (root / "phases" / "recommend" / "index.html").read_text(encoding="utf-8")
        assert 'href="../renew/"' in renew


def test_plans_say_each_thing_once_under_the_right_heading(example_site: Path) -> None:
    for root, inherit in ((example_site, "の内容すべて"), (example_site / "en", "everything in")):
        source = (root / "plans" / "index.html").read_text(encoding="utf-8")
        header = source.split('class="pb-plans__groups"')[1].split("</tr>")[1]
        # The corner above the tier descriptions is not a heading of those descriptions.
        corner = re.search(r"<tr>\s*(<t[hd][^>]*>[^<]*</t[hd]>)", header)
        assert corner and corner.group(1) == '<td class="pb-plans__corner"></td>', header[:200]
        tiers = source.count('class="pb-plans__tier')
        assert tiers == 3 and source.count(inherit) == tiers - 1


@pytest.mark.browser
def test_on_a_phone_each_plan_is_one_tap_away(browser: Browser, site_url: str) -> None:
    context = browser.new_context(base_url=site_url, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto("plans/")
    links = page.locator(".pb-plans__jump a")
    assert links.count() == 3
    last = links.last
    target = last.get_attribute("href") or ""
    last.click()
    page.wait_for_function("() => window.scrollY > 300")
    box = page.locator(target).bounding_box()
    assert box is not None and -1 <= box["y"] < 700
    context.close()


@pytest.mark.browser
def test_a_printed_plans_page_shows_where_to_ask(browser: Browser, site_url: str) -> None:
    context = browser.new_context(base_url=site_url)
    page = context.new_page()
    page.goto("plans/")
    page.emulate_media(media="print")
    contacts = page.locator(".pb-plans__contact")
    assert contacts.count() > 0
    for i in range(contacts.count()):
        link = contacts.nth(i)
        shown = link.evaluate("a => getComputedStyle(a, '::after').content")
        assert link.get_attribute("href") in shown
    assert page.locator(".pb-plans__jump").is_hidden()
    context.close()


def test_english_pages_name_the_vendor_in_english(example_site: Path) -> None:
    """The footer's copyright in the page's language (phasebook: copyright: {ja, en})."""
    for root, words, other in (
        (example_site, "© ミライクラウド株式会社", "MiraiCloud, Inc."),
        (example_site / "en", "© MiraiCloud, Inc.", "ミライクラウド株式会社"),
    ):
        for page in ("index.html", "plans/index.html", "phases/use/index.html"):
            footer = (root / page).read_text(encoding="utf-8").split('md-copyright__highlight">')[1]
            footer = footer[:400]
            assert words in footer and other not in footer, page


def test_a_copyright_that_is_not_text_is_refused_with_its_place(minimal: Path) -> None:
    edit(minimal / "mkdocs.yml", "  - phasebook", "  - phasebook:\n      copyright: {en: [1]}")
    result = mkdocs_build(minimal, minimal / "site")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "copyright" in result.stderr


# Each unit on one line, as a phone at 375 px lays it out: the line tops of its characters.
ONE_LINE = """(unit) => {
  const walker = document.createTreeWalker(document.querySelector("article"), NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(unit);
    if (at < 0 || !node.parentElement.offsetParent) continue;
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + unit.length);
    const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    found.push(tops.size);
  }
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "unit"),
    [("plans/", "1対1"), ("plans/", "6.\u00a0最適化"), ("atx/", "録画あり")],
)
def test_a_phone_never_breaks_a_short_japanese_unit(
    browser: Browser, site_url: str, path: str, unit: str
) -> None:
    context = browser.new_context(base_url=site_url, viewport={"width": 375, "height": 700})
    page = context.new_page()
    page.goto(path)
    lines = page.evaluate(ONE_LINE, unit)
    context.close()
    assert lines and set(lines) == {1}, lines
