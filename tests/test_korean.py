"""A Korean portal from `phasebook init --lang ko`: its pages in Korean words, found by a
Korean query on the server and in the browser, and named 한국어 by the language selector.

Korean came as files only (its portal catalog and its starter): these tests hold the proof
that a portal language needs no change to the code.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from generator.search.analysis import KOREAN_PARTICLES
from tests.helpers import ROOT, edit, phasebook, serve_folder

# The phase page's headings in the Korean catalog, and what they are in English.
HEADINGS = {
    "이 페이즈에서 할 일": "What to do in this phase",
    "이 페이즈의 프로그램": "Programs in this phase",
    "다음 페이즈로 넘어가는 기준": "Ready for the next phase?",
}

# What stays in Latin letters on a Korean portal: the ATX program family's name, a file type
# (.ics) and a date's format (YYYY-MM-DD).
NAMES = {"ATX", "Ask", "the", "Experts", "ics", "YYYY"}
# /subscribe/ names the apps, and the buttons of those whose screens are in English only
# (Feedly's "Follow websites", Slack's /feed command).
NAMES |= {"Google", "Calendar", "Outlook", "Apple", "Feedly", "Slack", "RSS", "Atom"}
NAMES |= {"Follow", "websites", "feed", "subscribe"}


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean starter as `init` writes it, built by `phasebook build` (which also
    writes the index `phasebook search` reads)."""
    where = tmp_path_factory.mktemp("korean")
    result = phasebook(where, "init", "portal", "--lang", "ko")
    assert result.returncode == 0, result.stderr
    project = where / "portal"
    built = phasebook(project, "build")
    assert built.returncode == 0, built.stderr
    assert "no translation into 'ko'" not in built.stderr
    return project


def text_of(page: Path) -> str:
    """The visible text of a built page, roughly: tags dropped (a span, inline, without a
    space: a run in another language is one), entities read."""
    source = re.sub(r"</?span\b[^>]*>", "", page.read_text(encoding="utf-8"))
    return html.unescape(re.sub(r"<[^>]+>", " ", source))


def headings(page: Path) -> list[str]:
    found = re.findall(r"<h2[^>]*>(.*?)</h2>", page.read_text(encoding="utf-8"), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", h)).strip(" ¶\n") for h in found]


def english_words(page: Path) -> set[str]:
    """The English words a visitor reads in a page's article (its scripts left out)."""
    article = page.read_text(encoding="utf-8").partition("<article")[2].partition(">")[2]
    article = article.partition("</article>")[0]
    article = re.sub(r"<(script|style)\b.*?</\1>", " ", article, flags=re.S)
    article = re.sub(r"<a [^>]*data-pb-feed[^>]*>.*?</a>", " ", article)  # an address
    return set(re.findall(r"\b[A-Za-z]{3,}\b", html.unescape(re.sub(r"<[^>]+>", " ", article))))


def test_init_ko_builds_a_portal_in_korean(korean: Path) -> None:
    site = korean / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in home
    phase = site / "phases" / "prep" / "index.html"
    assert set(HEADINGS) <= set(headings(phase)), headings(phase)
    words = text_of(phase)
    assert not [english for english in HEADINGS.values() if english in words]
    assert "2명 이상" in words  # the target ">= 2명", in Korean word order
    assert "다단계 인증" in words  # the starter's own text
    for page in site.rglob("index.html"):  # every page reads in Korean, not English
        assert english_words(page) <= NAMES, page.relative_to(site).as_posix()


def test_a_korean_query_finds_the_page_on_the_server(korean: Path) -> None:
    """With the particle the page does not have (조직을: the guide says 조직에서)."""
    result = phasebook(korean, "search", "조직을", "--json")
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["results"]
    assert found and found[0]["url"] == "guides/getting-started/", found
    assert found[0]["title"] == "시작하기"


def test_the_language_selector_names_korean_in_korean(korean: Path, tmp_path: Path) -> None:
    """A Korean portal with an English tree: both trees offer 한국어, in its own words."""
    project = tmp_path / "portal"
    shutil.copytree(korean, project, ignore=shutil.ignore_patterns("site", ".phasebook"))
    edit(project / "phases" / "lifecycle.yml", "languages: [ko]", "languages: [ko, en]")
    built = phasebook(project, "build")
    assert built.returncode == 0, built.stderr
    for page in ("phases/prep/index.html", "en/phases/prep/index.html"):
        source = (project / "site" / page).read_text(encoding="utf-8")
        links = re.findall(r'class="md-select__link"[^>]*>\s*([^<]+?)\s*<', source)
        assert links == ["한국어", "English"], (page, links)


def test_a_space_before_a_korean_unit_is_the_catalogs_choice(korean: Path, tmp_path: Path):
    """2 명 reads 2명 in Korean (the catalog's "%(number)s%(unit)s"), and keeps its space
    on the English pages, whose words have no such rule."""
    project = tmp_path / "portal"
    shutil.copytree(korean, project, ignore=shutil.ignore_patterns("site", ".phasebook"))
    edit(project / "phases" / "lifecycle.yml", "languages: [ko]", "languages: [ko, en]")
    edit(project / "phases" / "prep.yml", '">= 2명"', '">= 2 명"')
    built = phasebook(project, "build")
    assert built.returncode == 0, built.stderr
    assert "2명 이상" in text_of(project / "site" / "phases" / "prep" / "index.html")
    assert "at least 2 명" in text_of(project / "site" / "en" / "phases" / "prep" / "index.html")


def test_the_browser_drops_the_particles_the_server_drops() -> None:
    """One list of Korean particles, in Python and in the browser's script."""
    script = (ROOT / "generator" / "site" / "assets" / "search.js").read_text("utf-8")
    listed = re.search(r"var KOREAN_PARTICLES = \[(.*?)\];", script, re.S)
    assert listed is not None
    assert tuple(re.findall(r'"([^"]+)"', listed.group(1))) == KOREAN_PARTICLES


# -- Material's search in a real browser ----------------------------------------------------


@pytest.fixture(scope="module")
def korean_site(korean: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Korean portal with a section that mixes scripts (SSO 설정, API연동)."""
    project = tmp_path_factory.mktemp("korean-sso") / "portal"
    shutil.copytree(korean, project, ignore=shutil.ignore_patterns("site", ".phasebook"))
    guide = project / "content" / "guides" / "getting-started.md"
    with guide.open("a", encoding="utf-8") as out:
        out.write("\n## SSO 설정\n\nSAML로 싱글 사인온을 켭니다. API연동은 콘솔에서 합니다.\n")
    built = phasebook(project, "build")
    assert built.returncode == 0, built.stderr
    return project / "site"


# The queries, each with the page it must bring first.
QUERIES = {
    "조직을": "guides/getting-started/",  # with a particle the page lacks (조직에서, 조직 이름)
    "SSO설정": "guides/getting-started/",  # Latin and Hangul typed as one word: SSO|설정
    "연동": "guides/getting-started/",  # one word with Latin on the page: API|연동
    "싱글": "guides/getting-started/",
}


@pytest.fixture(scope="module")
def found_in_browser(korean_site: Path, browser: Browser) -> Iterator[dict[str, list[str]]]:
    """What Material's search lists for each query in chromium, the site served from
    127.0.0.1 as a static host serves it."""
    errors: list[str] = []
    for url in serve_folder(korean_site):
        page = browser.new_page(base_url=url)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("./")
        found = {query: browser_search(page, query) for query in QUERIES}
        page.close()
        assert not errors, f"script errors: {errors}"
        yield found


def browser_search(page: Page, query: str) -> list[str]:
    """The pages Material's search lists for `query`, best first."""
    box = page.locator("input.md-search__input")
    meta = page.locator(".md-search-result__meta")
    box.fill("")
    box.press("End")  # Material reads the query on keyup
    expect(meta).to_have_text("검색어를 입력하세요")
    box.fill(query)
    box.press("End")
    expect(meta).not_to_have_text("검색어를 입력하세요")
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item a.md-search-result__link", "links => links.map(a => a.href)"
    )
    return list(dict.fromkeys(re.sub(r"^https?://[^/]+/|[?#].*$", "", h) for h in hrefs))


@pytest.mark.browser
@pytest.mark.parametrize("query", list(QUERIES))
def test_the_browser_search_finds_a_korean_query(
    found_in_browser: dict[str, list[str]], query: str
) -> None:
    assert found_in_browser[query][:1] == [QUERIES[query]], found_in_browser[query]
