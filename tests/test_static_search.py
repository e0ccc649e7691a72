"""The browser search: Material's search box answered from a Pagefind bundle per language
tree (site_plugins/search.py, generator/search/static.py, generator/site/assets/search.js),
on the built example portal in chromium, and `phasebook build` when Pagefind fails.

The relevance set's recall@5 in the browser is checked in tests/test_browser.py, Korean in
tests/test_korean.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from generator.search.facts import vocabulary
from generator.search.static import GUIDANCE, record
from tests.helpers import ROOT, phasebook, serve_folder
from tests.test_accessibility import axe_serious
from tests.test_browser import browser_search

# The relevance set's queries no page answers (tests/search_relevance.yml, `none: true`).
NONE = [
    c
    for c in yaml.safe_load((ROOT / "tests" / "search_relevance.yml").read_text("utf-8"))
    if c.get("none")
]
SAYS_SO = {"ja": "「{}」に答えるページはありません。", "en": "No page answers “{}”."}


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, errors


# Each group: spellings a keyboard or a writer produces for one word, and the page each
# must bring into the first five.
VARIANTS = [
    (("SSO", "ＳＳＯ", "ｓｓｏ", "sso"), "guides/sso-setup/"),
    (("アクセラレーター", "アクセラレータ", "ｱｸｾﾗﾚｰﾀｰ", "ｱｸｾﾗﾚｰﾀ"), "accelerators/"),
    (("ダッシュボード", "ダッシュボド", "ﾀﾞｯｼｭﾎﾞｰﾄﾞ"), "programs/atx-use-reports/"),
    (("セキュリティ", "セキュリティー", "ｾｷｭﾘﾃｨ"), "programs/atx-optimize-security/"),
]


@pytest.mark.browser
@pytest.mark.parametrize(("spellings", "expected"), VARIANTS, ids=[v[1] for v in VARIANTS])
def test_width_and_long_vowel_variants_find_the_same_page(
    page: Page, spellings: tuple[str, ...], expected: str
) -> None:
    page.goto("./")
    found = {spelling: browser_search(page, spelling)[:5] for spelling in spellings}
    assert all(expected in pages for pages in found.values()), found


@pytest.mark.browser
def test_the_search_works_by_keyboard_alone(page: Page) -> None:
    """`/` opens the search, the query is typed, ↓ picks the first result and Enter opens it."""
    page.goto("en/")
    page.keyboard.press("/")
    expect(page.locator("input.md-search__input")).to_be_focused()
    page.keyboard.type("single sign-on")
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    expect(first).to_be_visible()
    href = first.get_attribute("href") or ""
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/guides/sso-setup/"))
    assert urlsplit(page.url).path == urlsplit(href).path == "/en/guides/sso-setup/"


@pytest.mark.browser
@pytest.mark.parametrize("key", ["s", "/"])
def test_either_shortcut_opens_the_search(page: Page, key: str) -> None:
    page.goto("en/")
    page.keyboard.press(key)
    expect(page.locator("input.md-search__input")).to_be_focused()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("root", "lang", "queries"),
    [
        # Words both trees share (product names, Latin) and words of the other language.
        ("", "ja", ["SSO", "API", "MiraiCloud", "single sign-on", "renewal"]),
        ("en/", "en", ["SSO", "API", "MiraiCloud", "シングルサインオン", "更新"]),
    ],
)
def test_results_are_in_the_language_of_the_page(
    page: Page, root: str, lang: str, queries: list[str]
) -> None:
    page.goto(f"./{root}")
    listed = {query: browser_search(page, query, lang) for query in queries}
    assert any(listed.values()), "the shared words find something"
    for query, pages in listed.items():
        wrong = [p for p in pages if p.startswith("en/") != (lang == "en")]
        assert not wrong, (query, wrong)


# Words only the page furniture holds (a catalogue's filter message, the start page's
# question, What's new listing the programs), with the page that holds them.
FURNITURE = [
    ("ja", "", "パフォーマンス", "new/"),
    ("ja", "", "条件に合うプログラムはありません", "atx/"),
    ("en", "en/", "No program matches", "en/atx/"),
    ("ja", "", "次の状態になっていますか", ""),
]


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "root", "query", "holder"), FURNITURE)
def test_page_furniture_is_not_searched(
    page: Page, lang: str, root: str, query: str, holder: str
) -> None:
    """Filter lists, hidden messages, session rows and page facts are left out of the index
    (data-search-exclude): they would rank list pages above the page that has the words."""
    page.goto(f"./{root}")
    page.keyboard.press("/")
    assert holder not in browser_search(page, query, lang)


@pytest.mark.browser
def test_the_index_is_fetched_on_typing_from_the_site_only(browser: Browser, base_url: str) -> None:
    """Opening a page fetches none of the index; typing fetches a few of its chunks, all
    from the site itself, far less than the whole index."""
    context = browser.new_context(base_url=base_url)
    requested: list[tuple[str, str]] = []
    stage = ["load"]
    context.on("request", lambda r: requested.append((stage[0], r.url)))
    tab = context.new_page()
    tab.goto("./", wait_until="networkidle")
    stage[0] = "typing"
    assert "guides/alert-tuning/" in browser_search(tab, "アラート調整")[:5]
    context.close()
    at_load = [url for when, url in requested if when == "load" and "/pagefind/" in url]
    typed = [url for when, url in requested if when == "typing"]
    assert not at_load, at_load
    assert any(url.endswith("/pagefind/pagefind.js") for url in typed), typed
    assert not [url for url in typed if url.endswith(GUIDANCE)], "fetched only for no answer"
    assert {urlsplit(url).hostname for when, url in requested} == {"127.0.0.1"}


def test_each_tree_has_its_own_bundle_and_material_index_is_empty(example_site: Path) -> None:
    for root, lang in ((example_site, "ja"), (example_site / "en", "en")):
        entry = json.loads((root / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
        assert set(entry["languages"]) == {lang}
        assert entry["languages"][lang]["page_count"] > 40
        index = json.loads((root / "search" / "search_index.json").read_text("utf-8"))
        assert index["docs"] == []
        workers = list((root / "assets" / "javascripts" / "workers").glob("search.*.min.js"))
        assert workers and all("pagefind" in w.read_text("utf-8") for w in workers)
        # Pagefind's own interfaces are not shipped: the worker is the only reader.
        assert not list((root / "pagefind").glob("pagefind-ui*"))


def test_a_failing_pagefind_fails_the_build_and_keeps_the_site_and_a_build_is_reproducible(
    built_minimal: Path,
) -> None:
    """The bundle is part of the atomic build: no bundle, no new site."""
    project = built_minimal
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text("utf-8").replace("  - phasebook\n", "  - search\n  - phasebook\n"),
        "utf-8",
    )
    before = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    failing = project.parent / "pagefind_extended"
    failing.write_text("#!/bin/sh\necho 'segmenter exploded' >&2\nexit 3\n")
    failing.chmod(0o755)
    result = phasebook(project, "build", env_extra={"PAGEFIND_BINARY_PATH": str(failing)})
    assert result.returncode != 0
    assert "Pagefind" in result.stderr and "segmenter exploded" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in (project / "site").rglob("*") if p.is_file()}
    assert after == before
    bundles = []
    for _ in range(2):  # and the same bundle from the same sources, byte for byte
        built = phasebook(project, "build")
        assert built.returncode == 0, built.stderr
        bundle = project / "site" / "pagefind"
        bundles.append({p: p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()})
    assert any(p.name == "pagefind.js" for p in bundles[0])
    assert bundles[0] == bundles[1]


def _open_search(page: Page, root: str = "") -> None:
    page.goto(f"./{root}")
    page.keyboard.press("/")
    expect(page.locator("input.md-search__input")).to_be_focused()


@pytest.mark.browser
def test_a_pasted_or_dictated_query_is_searched(page: Page) -> None:
    """A paste from the context menu, a phone's long-press, autofill or dictation sets the
    box and fires `input` with no key event, which Material alone never searched."""
    _open_search(page)
    first = page.locator(".md-search-result__item a.md-search-result__link").first
    # The value set, then `input` only: what autofill and dictation do.
    page.eval_on_selector(
        "input.md-search__input",
        "box => { box.value = 'シングルサインオン';"
        " box.dispatchEvent(new Event('input', { bubbles: true })); }",
    )
    expect(first).to_have_attribute("href", re.compile(r"/guides/sso-setup/"))
    # Text inserted as a paste or an input method inserts it: `input`, no keydown/keyup.
    page.locator("input.md-search__input").fill("")
    page.keyboard.insert_text("アラート調整")
    expect(first).to_have_attribute("href", re.compile(r"alert-tuning/"))


@pytest.mark.browser
@pytest.mark.parametrize("case", NONE, ids=[c["query"] for c in NONE])
def test_a_query_no_page_answers_says_so_and_shows_the_way_on(page: Page, case: dict) -> None:
    """Nothing listed (no page holds more than half its words), the message names the
    query, the phases and the paid tiers' contacts are links, and the portal's nearest word
    is offered when there is one: clicking it searches for it."""
    lang = "en" if case["type"] == "english" else "ja"
    root = "en/" if lang == "en" else ""
    _open_search(page, root)
    assert browser_search(page, case["query"], lang) == []
    guidance = page.locator(".pb-search-guidance")
    expect(guidance.locator(".pb-search-none")).to_have_text(SAYS_SO[lang].format(case["query"]))
    phases = guidance.locator("a[href*='/phases/']")
    expect(phases).to_have_count(8)
    expect(phases.first).to_have_attribute("href", re.compile(rf"/{root}phases/prep/$"))
    expect(guidance.locator("a[href^='https://miraicloud.example/support-plans/']")).to_have_count(
        2
    )
    offered = guidance.locator("a[data-pb-suggest]")
    if "suggest" not in case:
        expect(offered).to_have_count(0)
        return
    expect(offered).to_have_text(case["suggest"])
    assert not axe_serious(page, ".pb-search-guidance")
    # Material's keys: ↓ from the box reaches the word offered first, Enter takes it.
    page.locator("input.md-search__input").focus()
    page.keyboard.press("ArrowDown")
    expect(offered).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("input.md-search__input")).to_have_value(case["suggest"])
    expect(page.locator(".md-search-result__item").first).to_be_visible()
    expect(guidance).to_have_count(0)


@pytest.mark.browser
def test_markup_typed_into_the_box_is_shown_as_text(page: Page) -> None:
    query = '<img src=x onerror="window.hit=1">"&'
    _open_search(page)
    assert browser_search(page, query) == []
    expect(page.locator(".pb-search-none")).to_have_text(SAYS_SO["ja"].format(query))
    assert page.locator(".md-search-result img").count() == 0
    assert page.evaluate("window.hit") is None


@pytest.mark.browser
def test_results_show_kind_phase_and_the_tier_to_compare_with_a_plan(page: Page) -> None:
    """A program shows its kind, phase and tier (the tier's id for the plan marks); a guide
    shows guide and phase: it is for everyone."""
    _open_search(page)
    found = browser_search(page, "ヘルスチェック")
    item = page.locator(".md-search-result__item").nth(
        found.index("programs/acc-optimize-health-check/")
    )
    expect(item.locator(".pb-search-facts")).to_have_text(
        "アクセラレーター · 最適化 · スタンダード"
    )
    expect(item.locator("[data-pb-tier]")).to_have_attribute("data-pb-tier", "standard")
    found = browser_search(page, "SAML")
    item = page.locator(".md-search-result__item").nth(found.index("guides/sso-setup/"))
    expect(item.locator(".pb-search-facts")).to_have_text("ガイド · 導入")
    expect(item.locator("[data-pb-tier]")).to_have_count(0)


@pytest.mark.browser
def test_a_result_s_tier_is_said_against_the_visitor_s_plan(page: Page) -> None:
    """The tier element is what yourplan.js marks: with 無償 chosen, a Standard program's
    result says that it needs Standard, as plain words inside the result's link."""
    page.goto("plans/")
    page.get_by_label("ご利用のプラン").select_option(label="無償")
    page.keyboard.press("/")
    found = browser_search(page, "ヘルスチェック")
    item = page.locator(".md-search-result__item").nth(
        found.index("programs/acc-optimize-health-check/")
    )
    mark = item.locator("[data-pb-tier='standard'] .pb-yourplan__mark")
    expect(mark).to_contain_text("スタンダード")
    expect(mark.locator("a")).to_have_count(0)


@pytest.mark.browser
def test_a_compound_as_typed_ranks_above_its_parts_apart(page: Page) -> None:
    """監査ログ: the pages that say 監査ログ come before the ログイン pages (Pagefind's
    dictionary makes ログイン ログ|イン, so they hold the word ログ as much)."""
    _open_search(page)
    found = browser_search(page, "監査ログ")
    holders = [p for p in found if p != "programs/video-first-login/" and "sso" not in p]
    logins = [found.index(p) for p in ("programs/video-first-login/", "guides/sso-setup/")]
    assert found[0] == "programs/atx-optimize-security/", found
    assert all(found.index(p) < min(logins) for p in holders[:4]), found


def test_a_result_s_facts_are_escaped_and_not_searched() -> None:
    """A tier named in YAML lands in the index as text, outside what is searched."""
    shown = {"kind": "ATX", "tier": "free", "tier_name": '<script>alert("x")</script>'}
    page = record("ja", "T", "<p>本文</p>", shown)
    assert "<script>" not in page
    assert '<div data-pagefind-ignore><span data-pagefind-meta="kind">ATX</span>' in page


@pytest.mark.parametrize(
    ("texts", "words"),
    [
        ([], []),
        (["", " ", "、。"], []),
        (["ＳＳＯ と ｼﾝｸﾞﾙｻｲﾝｵﾝ", "SSO Setup"], ["sso", "setup", "シングルサインオン"]),
        (["a ab 一 二三"], ["二三"]),  # too short to be offered: one letter, one kanji
        (["x" * 10_000, "y" * 40], []),  # longer than any word worth offering
    ],
)
def test_the_vocabulary_is_the_titles_words_folded_most_frequent_first(
    texts: list[str], words: list[str]
) -> None:
    assert vocabulary(texts) == words


def test_the_vocabulary_is_capped() -> None:
    texts = [f"word{n:05d}" for n in range(10_000)]
    assert len(vocabulary(texts, limit=100)) == 100


def test_the_guidance_is_written_beside_each_bundle(example_site: Path) -> None:
    for root, phase, word in (
        (example_site, "導入準備", "シングルサインオン"),
        (example_site / "en", "Onboarding prep", "dashboard"),
    ):
        guidance = json.loads((root / "pagefind" / GUIDANCE).read_text("utf-8"))
        assert guidance["phases"][0]["name"] == phase
        assert [c["url"] for c in guidance["contacts"]] == [
            "https://miraicloud.example/support-plans/standard",
            "https://miraicloud.example/support-plans/premier",
        ]
        assert word in guidance["vocabulary"]
