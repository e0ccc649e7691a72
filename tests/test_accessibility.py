"""Accessibility where the example alone does not look: other Material palettes, guides'
task lists, text in another language than the page's, the tab order and the size of what
is tapped. In chromium, with axe-core where a rule of it applies."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import FIXTURES, edit, mkdocs_build, serve_folder

pytestmark = pytest.mark.browser

# Sampled primaries (indigo is the example's), each with an accent; teal is the example's
# accent, the others the accents that fail most on white in Material's own colours.
PALETTES = [
    ("indigo", "teal"),
    ("blue", "pink"),
    ("teal", "amber"),
    ("deep-orange", "teal"),
    ("black", "lime"),
    ("yellow", "light-blue"),
]
# Every kind of page of the minimal portal, in both languages: start, stage, phase, each
# kind of program (a paid one with its plan note), the guide (a task list; not translated
# into English), the catalogues, schedule, plans, the success plan, what's new, subscribe
# and the 404 page.
PROGRAM = "programs/atx-start/"  # a register and a recording button
KINDS = [
    "",
    "stages/onboard/",
    "phases/start/",
    PROGRAM,
    "programs/acc-start/",
    "programs/video-tour/",
    "guides/hello/",
    "atx/",
    "accelerators/",
    "schedule/",
    "plans/",
    "plan/#plan=1&t=&start=2026-12-01&c=Acme",
    "new/",
    "subscribe/",
    "404.html",
]
PAGES = [root + path for root in ("", "en/") for path in KINDS]
# The visitor's plan chosen (yourplan.js): the marks and links it adds are judged too.
CHOSEN = "localStorage.setItem('/:phasebook.tier.v1', 'free')"


# axe-core's rules that read colours: all that a palette changes (its CSS variables).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe_serious(page: Page, context: str | None = None, rules: list[str] | None = None) -> list:
    """axe-core's serious and critical violations on the page as it is now (of `rules` only,
    if given)."""
    from axe_playwright_python.sync_playwright import Axe

    options: dict = {"resultTypes": ["violations"]}
    if rules is not None:
        options["runOnly"] = {"type": "rule", "values": rules}
    found = Axe().run(page, context=context, options=options).response["violations"]
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def palette_portal(root: Path, primary: str, accent: str) -> Path:
    """The minimal portal in `primary` and `accent`, with the example's header features and
    a guide with a task list; built, its site returned."""
    project = root / f"{primary}-{accent}"
    shutil.copytree(FIXTURES / "minimal", project)
    edit(
        project / "mkdocs.yml",
        "  font: false\n",
        "  font: false\n  features: [navigation.tabs, navigation.sections]\n"
        f"  palette:\n    primary: {primary}\n    accent: {accent}\n",
    )
    edit(
        project / "mkdocs.yml",
        "  - tables\n",
        "  - tables\n  - pymdownx.tasklist:\n      custom_checkbox: true\n",
    )
    guide = project / "content" / "guides" / "hello.md"
    guide.write_text(
        guide.read_text(encoding="utf-8")
        + "\n- [ ] パスワードを変更した\n- [x] [ダッシュボード](../index.md)を開いた\n",
        encoding="utf-8",
    )
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site


def swapped(site: Path, into: Path, primary: str, accent: str) -> Path:
    """`site` as Material renders it in another palette: the palette is the only thing
    in the pages that says which (the body's two attributes); tests/test_accessibility
    checks this against a real build in one palette."""
    shutil.copytree(site, into)
    old = f'data-md-color-primary="{PALETTES[0][0]}" data-md-color-accent="{PALETTES[0][1]}"'
    new = f'data-md-color-primary="{primary}" data-md-color-accent="{accent}"'
    for page in into.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(old, new), encoding="utf-8")
    return into


@pytest.fixture(scope="module")
def palette_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A site per sampled palette: the first built, the others that site in their colours."""
    root = tmp_path_factory.mktemp("palettes")
    built = palette_portal(root, *PALETTES[0])
    sites = {PALETTES[0][0]: built}
    for primary, accent in PALETTES[1:]:
        sites[primary] = swapped(built, root / f"site-{primary}", primary, accent)
    return sites


@pytest.fixture(scope="module")
def palettes(palette_sites: dict[str, Path]) -> Iterator[dict[str, str]]:
    """Each sampled palette's site served: its base URL by primary."""
    servers = {name: serve_folder(site) for name, site in palette_sites.items()}
    yield {name: next(serving) for name, serving in servers.items()}
    for serving in servers.values():
        next(serving, None)


def test_a_palette_swapped_is_the_palette_built(
    palette_sites: dict[str, Path], tmp_path: Path
) -> None:
    """The cheap way to a portal in each colour is faithful: built in blue and pink, the
    minimal portal's pages are the indigo build's with the two attributes changed."""
    built = palette_portal(tmp_path, *PALETTES[1])
    derived = palette_sites[PALETTES[1][0]]
    pages = sorted(p.relative_to(built) for p in built.rglob("*.html"))
    assert len(pages) > 10
    assert 'data-md-color-primary="blue"' in (built / "index.html").read_text(encoding="utf-8")
    different = [p for p in pages if (built / p).read_bytes() != (derived / p).read_bytes()]
    assert not different, different


# The colours Material puts text in where axe does not look (a link hovered, a search
# result's highlighted word, a button hovered): read from the page's own cascade.
CONTRASTS = r"""() => {
  const probe = document.createElement("span");
  document.body.append(probe);
  const rgb = (css) => {
    probe.style.color = "";
    probe.style.color = css;
    const [r, g, b, a = 1] = getComputedStyle(probe).color.match(/[\d.]+/g).map(Number);
    return [r / 255, g / 255, b / 255, a];
  };
  const over = (top, below, opacity = 1) => {
    const a = top[3] * opacity;
    return [0, 1, 2].map(i => a * top[i] + (1 - a) * below[i]).concat(1);
  };
  const lum = (c) => c.slice(0, 3).map(v => v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (x, y) => { const [h, l] = [lum(x), lum(y)].sort((p, q) => q - p);
    return (h + 0.05) / (l + 0.05); };
  const v = (name) => rgb(getComputedStyle(document.body).getPropertyValue(name).trim());
  const white = [1, 1, 1, 1];
  const primary = v("--md-primary-fg-color"), accent = v("--md-accent-fg-color");
  return {
    "link on white": ratio(v("--md-typeset-a-color"), white),
    "header text": ratio(over(v("--md-primary-bg-color"), primary), primary),
    "dimmed tab": ratio(over(v("--md-primary-bg-color"), primary, 0.7), primary),
    "accent text on white": ratio(over(accent, white), white),
    "text on the accent": ratio(over(v("--md-accent-bg-color"), accent), accent),
    "button on white": ratio(rgb(getComputedStyle(
      document.querySelector(".md-typeset .md-button:not(.md-button--primary)")).color), white),
  };
}"""


@pytest.mark.parametrize(("primary", "accent"), PALETTES)
def test_text_in_the_primary_and_accent_reads_at_4_5_to_1(
    browser: Browser, palettes: dict[str, str], primary: str, accent: str
) -> None:
    context = browser.new_context(base_url=palettes[primary])
    page = context.new_page()
    page.goto(PROGRAM)
    ratios = page.evaluate(CONTRASTS)
    context.close()
    low = {what: round(r, 2) for what, r in ratios.items() if r < 4.5}
    assert not low, low


# Text nodes with kana or kanji that no element with lang="ja" holds, below <html> (whose
# lang is the page's): in <body>, and <title> when it is Japanese through and through.
UNMARKED_JAPANESE = r"""() => {
  const japanese = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uffef]/;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!japanese.test(node.data) || node.parentElement.closest("script, style")) continue;
    const marked = node.parentElement.closest("[lang]");
    if (marked === document.documentElement || !marked.lang.startsWith("ja")) {
      found.push(node.data.trim().slice(0, 40));
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def example_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


def english_pages(site: Path) -> list[str]:
    pages = [*sorted(site.glob("en/**/index.html")), site / "en" / "404.html"]
    return [p.relative_to(site).as_posix().removesuffix("index.html") for p in pages]


def test_every_japanese_run_on_the_english_twin_carries_lang_ja(
    browser: Browser, example_url: str, example_site: Path
) -> None:
    """Untranslated guides, phase names, the vendor's name: a screen reader reads them in a
    Japanese voice, and the portal's :lang(ja) line breaking applies (WCAG 3.1.2)."""
    context = browser.new_context(base_url=example_url)
    page = context.new_page()
    pages = english_pages(example_site)
    assert "en/guides/agent-rollout/" in pages  # not translated: shown in Japanese
    unmarked = {}
    for path in pages:
        page.goto(path)
        if found := page.evaluate(UNMARKED_JAPANESE):
            unmarked[path] = found[:5]
    # The test sees the Japanese it looks for: the untranslated guide is full of it.
    page.goto("en/guides/agent-rollout/")
    marked = page.locator("article [lang=ja]")
    assert marked.count() > 10
    expect(marked.first).to_have_attribute("lang", "ja")
    context.close()
    assert not unmarked, unmarked


def test_japanese_pages_mark_nothing_and_english_text_is_left_alone(example_site: Path) -> None:
    """The Japanese tree is Japanese already; an English page's own words get no span."""
    for page in ("index.html", "guides/agent-rollout/index.html"):
        html = (example_site / page).read_text(encoding="utf-8")
        assert '<html lang="ja"' in html and "<span lang=" not in html
    english = (example_site / "en" / "index.html").read_text(encoding="utf-8")
    assert 'lang="ja"' in english  # the language selector's 日本語, at least
    assert not re.search(r'<span lang="ja">[A-Za-z]', english)


def test_every_material_colour_reads_at_4_5_to_1(
    browser: Browser, palettes: dict[str, str]
) -> None:
    """Material's whole palette list, read from its installed stylesheet: each primary and
    each accent put on the page as Material puts it (the body's attributes), and the
    colours the cascade then gives measured."""
    from generator.site.palette import read_material
    from tools.palette import material_palette

    named = read_material(material_palette())
    context = browser.new_context(base_url=palettes[PALETTES[0][0]])
    page = context.new_page()
    page.goto(PROGRAM)
    # Measured at once, not while Material's buttons fade from one colour to the next.
    page.add_style_tag(content="* { transition: none !important; }")
    low = {}
    for primary in named["primary"]:
        for accent in named["accent"]:
            page.evaluate(
                "([p, a]) => Object.assign(document.body.dataset, "
                "{mdColorPrimary: p, mdColorAccent: a})",
                [primary, accent],
            )
            ratios = page.evaluate(CONTRASTS)
            if bad := {what: round(r, 2) for what, r in ratios.items() if r < 4.5}:
                low[f"{primary}/{accent}"] = bad
    context.close()
    assert not low, low


def test_a_guides_task_list_is_read_only_text_with_its_state(
    browser: Browser, example_url: str
) -> None:
    """No disabled, unlabelled checkbox that looks like the phase checklists: a glyph whose
    state a screen reader reads in words, and text that wraps beside it."""
    context = browser.new_context(base_url=example_url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("guides/agent-rollout/")
    items = page.locator("article li.task-list-item")
    expect(items).to_have_count(3)
    expect(page.locator("article input")).to_have_count(0)
    marks = page.get_by_role("img", name="未完了")
    expect(marks).to_have_count(3)
    expect(marks.first).to_have_text("☐")
    # the glyph sits left of the text, as the box did
    mark, item = marks.first.bounding_box(), items.first.bounding_box()
    assert mark["x"] + mark["width"] <= item["x"] + 1
    page.goto("en/guides/agent-rollout/")
    expect(page.get_by_role("img", name="Not done yet")).to_have_count(3)
    # Its table, wider than the phone, scrolls by keyboard: Tab to it, then arrows.
    table = page.get_by_role("region", name="Table")
    expect(table).to_have_count(1)
    assert table.evaluate("t => t.scrollWidth > t.clientWidth"), "the table fits: nothing to test"
    table.focus()
    assert focus_ring(page) != "none"
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    context.close()


def focus_ring(page: Page) -> str:
    return page.evaluate("getComputedStyle(document.activeElement).outlineStyle")


FOCUSABLE_HIDDEN = """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  return {tag: e.tagName, cls: e.className, visible: box.width > 0 && box.height > 0
          && getComputedStyle(e).visibility !== "hidden"};
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_no_tab_stop_is_invisible(browser: Browser, example_url: str, width: int) -> None:
    """The first 15 tab stops of a page (the closed search results were the 7th) are all
    things a sighted keyboard user can see."""
    context = browser.new_context(base_url=example_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ("./", "phases/implement/", "en/guides/agent-rollout/"):
        page.goto(path)
        for stop in range(15):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSABLE_HIDDEN)
            assert focused["visible"], (path, stop + 1, focused)
            assert "md-search__scrollwrap" not in str(focused["cls"]), (path, stop + 1)
    context.close()


def test_search_results_are_reachable_by_tab_once_open(page_at: Page) -> None:
    """Hiding the closed results must not hide the open ones."""
    page_at.goto("./")
    box = page_at.locator("input.md-search__input")
    box.focus()
    expect(page_at.locator(".md-search-result__meta")).to_have_text(
        "検索キーワードを入力してください"
    )
    box.fill("ダッシュボード")
    box.press("End")  # Material reads the query on keyup
    expect(page_at.locator(".md-search__scrollwrap")).to_be_visible()
    expect(page_at.locator(".md-search-result__item").first).to_be_visible()


@pytest.fixture
def page_at(browser: Browser, example_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=example_url, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


CHECKLIST_LINES = """() => [...document.querySelectorAll(".pb-checklist label > span")]
  .map(span => ({
    lefts: (() => {  // one rectangle a line: the text's own, not its (block) box's
      const range = document.createRange();
      range.selectNodeContents(span);
      return [...new Set([...range.getClientRects()].map(r => Math.round(r.top)))]
        .map(top => Math.min(...[...range.getClientRects()]
          .filter(r => Math.round(r.top) === top).map(r => Math.round(r.left))));
    })(),
    box: Math.round(span.closest("label").querySelector("input").getBoundingClientRect().right),
  }))"""


@pytest.mark.parametrize("width", [375, 1280])
def test_checklist_rows_are_24_px_targets_with_a_hanging_indent(
    browser: Browser, example_url: str, example_site: Path, width: int
) -> None:
    """Each tick row is at least 24 px high (WCAG 2.5.8) and toggles wherever it is
    tapped; text that wraps starts under the text, not under the number and box."""
    context = browser.new_context(base_url=example_url, viewport={"width": width, "height": 900})
    page = context.new_page()
    wrapped = 0
    for phase in sorted((example_site / "phases").iterdir()):
        page.goto(f"phases/{phase.name}/")
        labels = page.locator(".pb-checklist label")
        for i in range(labels.count()):
            assert labels.nth(i).bounding_box()["height"] >= 24, labels.nth(i).inner_text()
        for line in page.evaluate(CHECKLIST_LINES):
            assert min(line["lefts"]) >= line["box"], (phase.name, line)
            wrapped += len(line["lefts"]) > 1
    if width == 375:
        assert wrapped, "no item wraps at 375 px: the test would prove nothing"
    # the row's far right toggles the box
    page.goto("phases/implement/")
    first = page.locator(".pb-checklist label").first.bounding_box()
    page.mouse.click(first["x"] + first["width"] - 2, first["y"] + first["height"] / 2)
    expect(page.locator(".pb-checklist input").first).to_be_checked()
    context.close()
