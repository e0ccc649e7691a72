"""Stages and phases read apart, whatever a vendor names them.

The example's stage 導入 holds the phases 導入準備 and 導入: its tab opens the stage's own
page (its phases, numbered in the lifecycle), and a program says "ステージ: 導入 › フェーズ
2 / 8: 導入". A vendor whose stage is a single phase of the same name sees it once; one
whose names collide in English only keeps the stage page in both languages (the page set is
the same in every language, for the language switch); a stage's name is escaped wherever
it lands.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.helpers import FIXTURES, edit, mkdocs_build, serve_folder, text_of

HOSTILE = "利用 <img src=x onerror=alert(1)> [x](javascript:alert(1))"
_TAB = re.compile(r'<a href="([^"]*)" class="md-tabs__link">\s*(.*?)\s*</a>', re.S)
_META = re.compile(r'<p class="pb-(?:meta|kicker)"[^>]*>(.*?)</p>', re.S)
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def tabs(page: Path) -> dict[str, str]:
    """The nav's tabs of a page: name → where it leads."""
    text = page.read_text(encoding="utf-8")
    return {
        unescape(re.sub(r"<[^>]+>", "", name)).strip(): href for href, name in _TAB.findall(text)
    }


def meta(page: Path) -> str:
    """The first meta line (a program's) or kicker (a phase's or stage's), as read."""
    found = _META.search(page.read_text(encoding="utf-8"))
    assert found, page
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def read(page: Path) -> str:
    """The page's text as read, without the headings' permalink marks."""
    return text_of(page).replace(" ¶", "")


def breadcrumbs(page: Path) -> list[str]:
    """The names in the page's BreadcrumbList, if it has one."""
    for block in _JSON_LD.findall(page.read_text(encoding="utf-8")):
        for entity in json.loads(block).get("@graph", []):
            if entity["@type"] == "BreadcrumbList":
                return [i["name"] for i in entity["itemListElement"]]
    return []


# -- the example: a stage and a phase both named 導入 -----------------------------------


def test_the_onboard_tab_opens_the_stage_page_with_its_phases_numbered(
    example_site: Path,
) -> None:
    assert tabs(example_site / "phases" / "use" / "index.html")["導入"] == "../../stages/onboard/"
    stage = example_site / "stages" / "onboard" / "index.html"
    text = read(stage)
    assert text.startswith("ステージ「導入」 ステージ 1 / 3 ご契約から本番稼働まで。")
    assert "このステージのフェーズ 1. 導入準備 フェーズ 1 / 8" in text
    assert "2. 導入 フェーズ 2 / 8 設計して、全拠点に展開し" in text
    # Each phase with its goal, as its own page words it.
    assert "このフェーズのゴール: 展開対象の端末の95%以上でエージェントが稼働している" in text
    html = stage.read_text(encoding="utf-8")
    assert '<a href="../../phases/prep/">導入準備</a>' in html
    assert '<a href="../../phases/implement/">導入</a>' in html
    # Found by its own name in the browser search; its phases are found on their pages.
    assert re.search(r'class="pb-stage-phases" data-search-exclude', html)


def test_the_stage_page_has_its_english_twin_and_the_switch_lands_on_it(
    example_site: Path,
) -> None:
    html = (example_site / "stages" / "onboard" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'href="/en/stages/onboard/" hreflang="en"', html)
    english = read(example_site / "en" / "stages" / "onboard" / "index.html")
    assert english.startswith("Stage: Onboard Stage 1 of 3")
    assert "1. Onboarding prep Phase 1 of 8" in english and "2. Implement Phase 2 of 8" in english
    sitemap = (example_site / "sitemap.xml").read_text(encoding="utf-8")
    assert (
        '<xhtml:link rel="alternate" hreflang="en" '
        'href="https://success.miraicloud.example/en/stages/onboard/"/>'
    ) in sitemap


def test_a_program_names_its_stage_and_numbers_its_phase(example_site: Path) -> None:
    page = example_site / "programs" / "atx-implement-design" / "index.html"
    assert "ステージ: 導入 › フェーズ 2 / 8: 導入" in meta(page)
    html = page.read_text(encoding="utf-8")
    assert 'ステージ: <a href="../../stages/onboard/">導入</a>' in html
    assert breadcrumbs(page)[:2] == ["ステージ「導入」", "導入"]
    phase = example_site / "phases" / "implement" / "index.html"
    assert meta(phase) == "ステージ: 導入 · フェーズ 2 / 8"


# -- other vendors: one phase named as its stage; names alike in English only --------------


@pytest.fixture(scope="module")
def vendor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal portal, renamed: stage 導入/Onboard is its one phase 導入/Onboard; stage
    利用/Use holds 運用/Use (alike in English only) and has a hostile Japanese name; a
    third stage has no phase yet. Built with Material's tabs and indexes."""
    project = tmp_path_factory.mktemp("stages") / "vendor"
    shutil.copytree(FIXTURES / "minimal", project)
    edit(project / "phases/start.yml", "{ja: はじめに, en: Start}", "{ja: 導入, en: onboard }")
    edit(project / "phases/run.yml", "{ja: 運用, en: Run}", "{ja: 運用, en: Use}")
    lifecycle = project / "phases/lifecycle.yml"
    edit(lifecycle, "{ja: 利用, en: Use}", json.dumps({"ja": HOSTILE, "en": "Use"}))
    later = "  - id: later\n    name: Later\n    phases: []\n"
    edit(lifecycle, "    phases: [run]\n", "    phases: [run]\n" + later)
    edit(
        project / "mkdocs.yml",
        "  font: false\n",
        "  font: false\n  features: [navigation.tabs, navigation.sections, navigation.indexes]\n",
    )
    edit(
        project / "mkdocs.yml",
        "docs_dir: content\n",
        "docs_dir: content\nsite_url: https://x.example/\n",
    )
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def test_a_stage_of_one_phase_of_the_same_name_is_shown_once(vendor: Path) -> None:
    """Names alike but for case and spacing count as the same."""
    for root in (vendor, vendor / "en"):
        assert not (root / "stages" / "onboard").exists()
    page = vendor / "phases" / "start" / "index.html"
    assert tabs(page)["導入"] == "./"
    assert meta(page) == "フェーズ 1 / 2"
    program = vendor / "programs" / "acc-start" / "index.html"
    assert "アクセラレーター（1対1） · フェーズ 1 / 2: 導入 · 所要時間" in meta(program)
    assert "ステージ" not in meta(program)
    assert breadcrumbs(program) == ["導入", "設計レビュー"]
    assert breadcrumbs(page) == []  # one item is no trail
    assert tabs(vendor / "en" / "phases" / "start" / "index.html")["onboard"] == "./"


def test_a_stage_and_phase_alike_in_english_only_keep_the_stage_page(vendor: Path) -> None:
    for root in (vendor, vendor / "en"):
        assert (root / "stages" / "use" / "index.html").is_file()
    english = vendor / "en" / "programs" / "video-tour" / "index.html"
    assert "Stage: Use › Phase 2 of 2: Use" in meta(english)
    assert breadcrumbs(english) == ["Stage: Use", "Use", "Console tour"]
    stage = read(vendor / "en" / "stages" / "use" / "index.html")
    assert stage.startswith("Stage: Use Stage 2 of 3") and "1. Use Phase 2 of 2" in stage


def test_a_stage_with_no_phase_yet_says_so(vendor: Path) -> None:
    page = vendor / "stages" / "later" / "index.html"
    assert tabs(page)["Later"] == "./"
    assert "このステージのフェーズは準備中です。" in read(page)


def test_a_hostile_stage_name_is_text_everywhere(vendor: Path) -> None:
    """In the stage page's title and heading, the tabs and sidebar of every page, the
    meta lines and the breadcrumbs: shown as written, never markup or a link."""
    for page in vendor.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r"<img[^>]*onerror", html), page
        assert 'href="javascript:' not in html, page
    stage = vendor / "stages" / "use" / "index.html"
    assert read(stage).startswith(f"ステージ「{HOSTILE}」")
    assert HOSTILE in tabs(vendor / "phases" / "run" / "index.html")
    program = vendor / "programs" / "video-tour" / "index.html"
    assert f"ステージ: {HOSTILE} › フェーズ 2 / 2: 運用" in meta(program)
    assert breadcrumbs(program)[0] == f"ステージ「{HOSTILE}」"


# -- in a browser: the tab at 1280 px, the drawer at 375 px ---------------------------------


@pytest.fixture(scope="module")
def site_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.mark.browser
def test_the_tab_and_the_drawer_lead_to_the_stage_then_its_phase(
    browser: Browser, site_url: str
) -> None:
    context = browser.new_context(base_url=site_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto("phases/use/")
    page.locator(".md-tabs").get_by_role("link", name="導入", exact=True).click()
    page.wait_for_url("**/stages/onboard/")
    expect(page.locator("h1")).to_have_text(re.compile(r"^ステージ「導入」"))
    page.locator("article").get_by_role("link", name="導入", exact=True).click()
    page.wait_for_url("**/phases/implement/")
    context.close()

    # On a phone: the drawer's 導入 opens the stage; opened there, it lists the stage's phases.
    context = browser.new_context(base_url=site_url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("./")
    menu = page.locator('label.md-header__button[for="__drawer"]')
    menu.click()
    drawer = page.locator("nav.md-nav--primary")
    drawer.locator(".md-nav__container").get_by_role("link", name="導入", exact=True).click()
    page.wait_for_url("**/stages/onboard/")
    menu.click()
    phases = drawer.locator('nav[data-md-level="1"]').filter(has_text="導入準備")
    expect(phases.get_by_role("link", name="導入準備", exact=True)).to_be_visible()
    phases.get_by_role("link", name="導入", exact=True).click()
    page.wait_for_url("**/phases/implement/")
    context.close()
