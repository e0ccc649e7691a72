"""The English twin: every portal language in one build, page for page, each with its own
navigation, UI language, search index, feeds and data; guides translated as x.en.md."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from icalendar import Calendar

from generator.authoring.init import init_portal
from generator.source.load import load_portal
from generator.source.urls import alternates
from tests.helpers import ROOT, edit, mkdocs_build, text_of

HREFLANG = re.compile(r'<link rel="alternate" href="([^"]+)" hreflang="([a-z-]+)">')
# The selector's links; another language's name carries its lang (site/languages.py).
SELECTOR = re.compile(r'<a href="([^"]+)" hreflang="([a-z-]+)" class="md-select__link"[^>]*>')


def trees(site: Path) -> dict[str, list[Path]]:
    """Every page of the site by language: English under /en/, Japanese everywhere else."""
    pages = sorted(site.rglob("*.html"))
    english = [p for p in pages if p.relative_to(site).parts[0] == "en"]
    return {"ja": [p for p in pages if p not in english], "en": english}


def url_of(page: Path, root: Path) -> str:
    """The root-absolute URL a page is served at (directory URLs)."""
    rel = page.relative_to(root).as_posix()
    return "/" + rel.removesuffix("index.html") if rel.endswith("index.html") else "/" + rel


def test_each_language_is_a_tree_of_the_same_pages(example_site: Path) -> None:
    pages = trees(example_site)
    ja = {url_of(p, example_site) for p in pages["ja"]}
    en = {url_of(p, example_site / "en") for p in pages["en"]}
    assert ja == en
    assert len(ja) > 40
    # A translation is never a page of its own, in either language.
    assert not [u for u in ja | en if ".en/" in u or u.endswith(".en.html")]


def test_every_page_links_to_itself_in_each_language(example_site: Path) -> None:
    """The language selector of every page goes to the same page, which exists; the head
    has no hreflang link but the 404 page's (to the start pages, whose sitemaps exist):
    Material fetches `<link>/sitemap.xml` for each (generator/site/hreflang.py)."""
    for lang, pages in trees(example_site).items():
        root = example_site / "en" if lang == "en" else example_site
        for page in pages:
            source = page.read_text(encoding="utf-8")
            links = dict((code, href) for href, code in SELECTOR.findall(source))
            assert set(links) == {"ja", "en"}, page
            head = HREFLANG.findall(source.partition("</head>")[0])
            here = "/" if page.name == "404.html" else url_of(page, root)
            start = [("/", "ja"), ("/en/", "en")]
            assert head == (start if page.name == "404.html" else []), page
            assert links["ja"] == here, page
            assert links["en"] == "/en" + here, page
            assert f'<html lang="{lang}"' in source, page


def test_the_english_tree_speaks_english(example_site: Path) -> None:
    program = example_site / "en" / "programs" / "atx-use-reports" / "index.html"
    source = program.read_text(encoding="utf-8")
    assert "<title>Reports and dashboards - MiraiCloud Customer Success Portal</title>" in source
    assert "Type to start searching" in source  # Material's own words, in English
    nav = re.findall(r'class="md-tabs__link">\s*([^<]+?)\s*<', source)
    assert nav[:4] == ["Home", "Onboard", "Use", "Expand"]
    text = text_of(program)
    assert "Reports and dashboards" in text and "レポートとダッシュボード入門" not in text
    japanese = text_of(example_site / "programs" / "atx-use-reports" / "index.html")
    assert "レポートとダッシュボード入門" in japanese and "Reports and dashboards" not in japanese
    # The folded "English" box of the single-language portal is gone.
    assert "pb-alt" not in source


def test_a_translated_guide_is_shown_translated_and_an_untranslated_one_says_so(
    example_site: Path,
) -> None:
    translated = text_of(example_site / "en" / "guides" / "sso-setup" / "index.html")
    assert translated.startswith("Setting up single sign-on (SSO)")
    assert "not translated" not in translated
    assert (
        "Free Guide · Stage: Onboard › Phase 2 of 8: Implement" in translated
    )  # the header, in English
    fallback = text_of(example_site / "en" / "guides" / "api-integration" / "index.html")
    assert "This page is not translated yet" in fallback
    assert "shown in Japanese" in fallback
    assert "API で他システムと連携する" in fallback
    original = text_of(example_site / "guides" / "sso-setup" / "index.html")
    assert original.startswith("シングルサインオン（SSO）を設定する")
    assert "翻訳されていません" not in original
    # The phase page lists the guide by its translated title.
    phase = text_of(example_site / "en" / "phases" / "implement" / "index.html")
    assert "Setting up single sign-on (SSO)" in phase


def titles(feed: Path) -> list[str]:
    calendar = Calendar.from_ical(feed.read_bytes())
    return [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")]


def test_the_english_calendar_feed_has_english_titles(example_site: Path) -> None:
    portal = load_portal(ROOT / "phases", ROOT / "content")
    english, japanese = (
        titles(example_site / "en" / "schedule.ics"),
        titles(example_site / "schedule.ics"),
    )
    assert len(english) == len(japanese) > 5
    wanted = {f"[ATX] {portal.title(p, 'en')}" for _, p in portal.programs() if p.kind == "atx"}
    assert set(english) <= wanted
    assert "[ATX] Reports and dashboards" in english
    assert not any(re.search("[\u3040-\u30ff]", t) for t in english)
    calendar = Calendar.from_ical((example_site / "en" / "schedule.ics").read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "MiraiCloud Customer Success Portal"
    # The same event in both feeds: a calendar subscribed to both keeps one.
    uids = lambda p: {str(e["UID"]) for e in Calendar.from_ical(p.read_bytes()).walk("VEVENT")}  # noqa: E731
    assert uids(example_site / "en" / "schedule.ics") == uids(example_site / "schedule.ics")


def test_each_language_has_its_own_search_index_and_data(example_site: Path) -> None:
    def index(root: Path) -> dict[str, str]:
        """URL → title of each page of the tree's Pagefind bundle."""
        fragments = (root / "pagefind" / "fragment").glob("*.pf_fragment")
        data = [
            json.loads(gzip.decompress(f.read_bytes()).removeprefix(b"pagefind_dcd"))
            for f in fragments
        ]
        return {d["url"]: d["meta"]["title"] for d in data}

    assert index(example_site)["/guides/sso-setup/"] == "シングルサインオン（SSO）を設定する"
    assert index(example_site / "en")["/guides/sso-setup/"] == "Setting up single sign-on (SSO)"
    assert not any(url.startswith("/en/") for url in index(example_site))
    catalog = json.loads((example_site / "en" / "api" / "catalog.json").read_text("utf-8"))
    urls = [p["url"] for p in catalog["programs"]]
    assert urls and all(urlsplit(u).path.startswith("/en/") for u in urls), urls[:3]


def test_a_portal_in_one_language_has_no_language_switch(tmp_path: Path) -> None:
    """The English starter speaks English only: one tree, no selector, no hreflang."""
    project = tmp_path / "portal"
    init_portal(project, "en")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert not (site / "ja").exists() and not (site / "en").exists()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'hreflang="' not in home and "md-select" not in home


def test_english_first_puts_english_at_the_root(minimal: Path, tmp_path: Path) -> None:
    edit(minimal / "phases" / "lifecycle.yml", "languages: [ja, en]", "languages: [en, ja]")
    edit(minimal / "mkdocs.yml", "language: ja", "language: en")
    shutil.copy(
        minimal / "content" / "guides" / "hello.md", minimal / "content" / "guides" / "hello.ja.md"
    )
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    assert '<html lang="en"' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja"' in (site / "ja" / "index.html").read_text(encoding="utf-8")
    assert not (site / "guides" / "hello.ja").exists()


def test_language_links_keep_the_path_the_site_is_published_under(
    minimal: Path, tmp_path: Path
) -> None:
    edit(
        minimal / "mkdocs.yml",
        "site_name: Minimal portal",
        "site_name: Minimal portal\nsite_url: https://example.com/portal/",
    )
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    source = (site / "en" / "phases" / "start" / "index.html").read_text(encoding="utf-8")
    links = {code: href for href, code in SELECTOR.findall(source)}
    assert links == {"ja": "/portal/phases/start/", "en": "/portal/en/phases/start/"}
    sitemap = (site / "en" / "sitemap.xml").read_text(encoding="utf-8")
    assert 'hreflang="ja" href="https://example.com/portal/phases/start/"' in sitemap
    assert 'hreflang="en" href="https://example.com/portal/en/phases/start/"' in sitemap
    assert '<link rel="canonical" href="https://example.com/portal/en/phases/start/">' in source


def test_a_translation_without_a_heading_keeps_the_original_title(
    minimal: Path, tmp_path: Path
) -> None:
    (minimal / "content" / "guides" / "hello.en.md").write_text("Sign in.\n", encoding="utf-8")
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    phase = text_of(site / "en" / "phases" / "start" / "index.html")
    assert "はじめてのログイン" in phase and "hello.en" not in phase
    guide = text_of(site / "en" / "guides" / "hello" / "index.html")
    assert "Sign in." in guide and "not translated" not in guide


def test_the_language_selector_names_each_language_in_its_own_words() -> None:
    """Babel's CLDR names: a language needs no entry in code to be offered."""
    names = [a["name"] for a in alternates("phases/run/", ["ja", "en", "ko"], None)]
    assert names == ["日本語", "English", "한국어"]
