"""The visitor's own plan: every paid program says which plan includes it (built HTML, no
script); a plan chosen once in chromium makes programs, lists, catalogue rows and search
results say "included in your plan" or "needs … or above" (generator/site/assets/yourplan.js)."""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from generator.site import yourplan
from generator.site.render import Renderer
from tests.helpers import FIXTURES, ROOT, edit, load, serve_folder
from tests.test_accessibility import axe_serious

STANDARD = "programs/acc-implement-design-review/"  # an accelerator of スタンダード
PREMIER = "programs/acc-implement-rollout-plan/"  # of プレミア, the highest plan
STORE = "/:phasebook.tier.v1"  # the site root's scope, as Material's own storage
CONTACT = "https://miraicloud.example/support-plans/premier"


def paid_pages(site: Path) -> Iterator[tuple[Path, str, str | None]]:
    """Each paid program's page in each language: its file, tier id and tier contact."""
    portal = load(ROOT)
    for lang in portal.info.languages:
        tree = site if lang == portal.language else site / lang
        for _, program in portal.programs():
            tier = portal.tier(program.tier)
            if tier.paid and program.kind != "guide":
                yield tree / "programs" / program.id / "index.html", tier.id, tier.contact


def plan_note(page: Path) -> tuple[str, str, list[str]]:
    """A program page's plan note: its tier, its text and the links in it."""
    source = page.read_text(encoding="utf-8")
    found = re.search(
        r'<div class="pb-yourplan" data-pb-tier="([^"]+)"[^>]*>\s*'
        r'<p class="pb-yourplan__where">(.*?)</p>',
        source,
        re.DOTALL,
    )
    assert found, f"{page}: no plan note"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(2))).split())
    links = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', found.group(2))]
    return html.unescape(found.group(1)), text, links


def test_every_paid_program_page_names_its_plan_and_links_to_it(example_site: Path) -> None:
    """In both languages, without a script: the plan that includes it, that plan's column
    on /plans/ (which exists) and its contact."""
    pages = list(paid_pages(example_site))
    assert len(pages) >= 10
    for page, tier, contact in pages:
        marked, _, links = plan_note(page)
        assert marked == tier, page
        assert f"../../plans/#tier-{tier}" in links, page
        assert contact in links, page
        plans = (page.parent / "../../plans/index.html").resolve()
        assert f'id="tier-{tier}"' in plans.read_text(encoding="utf-8"), plans
    _, ja, _ = plan_note(example_site / STANDARD / "index.html")
    assert ja.startswith("「スタンダード」以上のプランに含まれます。"), ja
    _, en, _ = plan_note(example_site / "en" / PREMIER / "index.html")
    assert en.startswith("Included in the Premier plan. See what each plan includes"), en


def test_a_tier_named_in_html_stays_text(tmp_path: Path) -> None:
    """Worst values from YAML: a tier's name holding markup and a script's end, on the
    page and inside the script's data, where no `<` may end the element."""
    project = tmp_path / "portal"
    shutil.copytree(FIXTURES / "minimal", project)
    hostile = "</script><img src=x onerror=alert(1)>&amp;"
    edit(project / "phases" / "lifecycle.yml", "{ja: プレミア, en: Premier}", json.dumps(hostile))
    portal = load(project)
    view, program = next((v, p) for v, p in portal.programs() if p.id == "acc-start")
    page = Renderer(portal, lang="en").program_page(view, program)
    assert "<img" not in page and "</script>" not in page
    assert "onerror" in page  # said, as text
    data = yourplan.script(portal, "en", directory_urls=True).decode()
    head = data.split("\n", 1)[0]
    assert "<" not in head and ">" not in head
    assert (
        json.loads(head.removeprefix("window.phasebookTiers = ").rstrip(";"))["tiers"][1]["name"]
        == hostile
    )


# -- in chromium -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


def visitor_in(browser: Browser, base_url: str, width: int = 1280, script: bool = True):
    """A fresh visitor (a context of its own) and the script errors it meets."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


@pytest.fixture
def visitor(browser: Browser, base_url: str) -> Iterator[Page]:
    context, page, errors = visitor_in(browser, base_url)
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def choose_on_plans(page: Page, name: str) -> None:
    page.goto("plans/")
    page.get_by_label("ご利用のプラン").select_option(label=name)


@pytest.mark.browser
def test_a_plan_chosen_on_plans_follows_the_visitor(visitor: Page) -> None:
    """Chosen once on /plans/: a program above it needs the higher plan (its column and
    contact, both working), one within is included, the phase's list says the same; then
    forgotten, nothing of it stays, after a reload too."""
    choose_on_plans(visitor, "スタンダード")
    expect(visitor.locator(".pb-yourplan__here")).to_have_count(1)
    expect(visitor.locator("#tier-standard .pb-yourplan__here")).to_have_text("ご利用のプラン")
    visitor.goto(PREMIER)
    expect(visitor.locator(".pb-yourplan > .pb-yourplan__mark")).to_have_text(
        "「プレミア」プランが必要です（ご利用のプラン: スタンダード）"
    )
    contact = visitor.get_by_role("link", name="「プレミア」について問い合わせる")
    expect(contact).to_have_attribute("href", CONTACT)
    visitor.get_by_role("link", name="各プランの内容を見る").click()
    expect(visitor).to_have_url(re.compile(r"/plans/#tier-premier$"))
    expect(visitor.locator("#tier-premier")).to_be_in_viewport()

    visitor.goto(STANDARD)
    expect(visitor.locator(".pb-yourplan > .pb-yourplan__mark")).to_have_text(
        "ご利用のプラン（スタンダード）に含まれます"
    )
    visitor.goto("phases/implement/")
    marks = visitor.locator(".pb-yourplan-slot > .pb-yourplan__mark")
    expect(marks).to_have_count(2)  # the phase's two accelerators; free programs need no word
    expect(marks.first).to_have_text("ご利用のプラン（スタンダード）に含まれます")
    expect(marks.last).to_have_text(
        "「プレミア」プランが必要です（ご利用のプラン: スタンダード） · お問い合わせ"
    )
    needs = marks.last.get_by_role("link")
    expect(needs.last).to_have_attribute("href", CONTACT)
    needs.first.click()  # from a list too: that plan's column
    expect(visitor).to_have_url(re.compile(r"/plans/#tier-premier$"))

    visitor.goto(STANDARD)
    visitor.get_by_role("button", name="選択を消す").click()
    expect(visitor.locator(".pb-yourplan__mark")).to_have_count(0)
    expect(visitor.get_by_label("ご利用のプラン")).to_have_value("")
    expect(visitor.get_by_label("ご利用のプラン")).to_be_focused()
    visitor.reload()
    expect(visitor.locator(".pb-yourplan__choose")).to_be_visible()
    expect(visitor.locator(".pb-yourplan__mark")).to_have_count(0)
    assert visitor.evaluate(f"localStorage.getItem({json.dumps(STORE)})") is None


@pytest.mark.browser
def test_the_english_twin_says_it_in_english(visitor: Page) -> None:
    """One choice for both languages (the first tree's storage), each saying it in its own."""
    choose_on_plans(visitor, "無償")
    visitor.goto("en/" + STANDARD)
    expect(visitor.locator(".pb-yourplan > .pb-yourplan__mark")).to_have_text(
        "Needs Standard or above (your plan: Free)"
    )
    expect(visitor.get_by_label("Your plan")).to_have_value("free")
    visitor.goto("en/accelerators/")
    row = visitor.locator("#pb-catalogue tr", has_text="Design review")
    link = row.get_by_role("link", name="Needs Standard or above (your plan: Free)")
    assert link.get_attribute("href").endswith("/en/plans/#tier-standard")


@pytest.mark.browser
def test_marks_come_to_what_is_added_later(visitor: Page) -> None:
    """Search results (the search's contract: an element with `data-pb-tier`), inside the
    result's link: plain words, no link within a link; an unknown tier gets nothing."""
    choose_on_plans(visitor, "無償")
    visitor.evaluate(
        """() => {
          const result = document.createElement("a");
          result.href = "#";
          result.className = "test-result";
          result.innerHTML =
            '<span data-pb-tier="premier"></span><span data-pb-tier="nope"></span>';
          document.body.append(result);
        }"""
    )
    mark = visitor.locator(".test-result .pb-yourplan__mark")
    expect(mark).to_have_text("「プレミア」プランが必要です（ご利用のプラン: 無償）")
    expect(mark.locator("a")).to_have_count(0)


@pytest.mark.browser
def test_tier_names_of_any_text_are_said_as_text(visitor: Page) -> None:
    """Worst names in the script's data (a portal's YAML): markup, and `$&` or `$'`, which a
    string replacement would read as the match or what follows it."""
    hostile = "$&$'<img src=x onerror=window.hacked=1>"

    def named(route: Route) -> None:
        body = route.fetch().text()
        named = body.replace('"スタンダード"', json.dumps(hostile).replace("<", "\\u003c"), 1)
        route.fulfill(body=named, content_type="text/javascript")

    visitor.route("**/assets/yourplan.js", named)
    choose_on_plans(visitor, "無償")
    visitor.goto(STANDARD)
    expect(visitor.locator(".pb-yourplan > .pb-yourplan__mark")).to_have_text(
        f"「{hostile}」以上のプランが必要です（ご利用のプラン: 無償）"
    )
    assert visitor.evaluate("window.hacked") is None
    assert visitor.locator("img[src=x]").count() == 0


@pytest.mark.browser
def test_a_catalogue_filtered_from_its_rows_data_keeps_the_marks(
    browser: Browser, paged_site: Path
) -> None:
    """Accelerators in pages of 5: a filter loads every row from JSON and writes them in;
    each paid row still says what the visitor's plan means for it."""
    serving = serve_folder(paged_site)
    base = next(serving)
    context, page, errors = visitor_in(browser, base)
    try:
        context.add_init_script(f"localStorage.setItem({json.dumps(STORE)}, 'standard')")
        page.goto("accelerators/?phase=implement")
        expect(page.locator(".pb-filters__count")).to_contain_text("2")
        rows = page.locator("#pb-catalogue tbody tr:not([hidden])")
        expect(rows).to_have_count(2)
        marks = rows.locator("[data-pb-tier] > .pb-yourplan__mark")
        expect(marks).to_have_count(2)
        expect(marks.filter(has_text="含まれます")).to_have_count(1)
        expect(marks.filter(has_text="プレミア")).to_have_count(1)
    finally:
        context.close()
        next(serving, None)
    assert not errors, errors


@pytest.mark.browser
def test_without_a_script_the_page_still_names_the_plan(browser: Browser, base_url: str) -> None:
    context, page, _ = visitor_in(browser, base_url, script=False)
    try:
        page.goto(STANDARD)
        where = page.locator(".pb-yourplan__where")
        expect(where).to_contain_text("「スタンダード」以上のプランに含まれます")
        expect(where.get_by_role("link", name="各プランの内容を見る")).to_have_attribute(
            "href", "../../plans/#tier-standard"
        )
        expect(page.locator(".pb-yourplan__choose")).to_be_hidden()  # it needs the script
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    "stored",
    ["garbage", "premiere", "<img src=x onerror=window.hacked=1>", "__proto__", "", "null"],
)
def test_a_stored_choice_that_is_no_tier_is_ignored(
    browser: Browser, base_url: str, stored: str
) -> None:
    context, page, errors = visitor_in(browser, base_url)
    try:
        context.add_init_script(f"localStorage.setItem({json.dumps(STORE)}, {json.dumps(stored)})")
        page.goto(STANDARD)
        expect(page.locator(".pb-yourplan__choose")).to_be_visible()
        expect(page.locator(".pb-yourplan__mark")).to_have_count(0)
        expect(page.get_by_label("ご利用のプラン")).to_have_value("")
        assert page.evaluate("window.hacked") is None
        assert page.locator("img[src=x]").count() == 0
    finally:
        context.close()
    assert not errors, errors


@pytest.mark.browser
def test_storage_that_throws_leaves_the_page_working(browser: Browser, base_url: str) -> None:
    """Storage refused (a blocked or sandboxed page): the choice holds for this page."""
    context, page, errors = visitor_in(browser, base_url)
    try:
        context.add_init_script(
            "Object.defineProperty(window, 'localStorage', "
            "{get() { throw new DOMException('denied', 'SecurityError'); }});"
        )
        page.goto(STANDARD)
        page.get_by_label("ご利用のプラン").select_option("free")
        expect(page.locator(".pb-yourplan > .pb-yourplan__mark")).to_contain_text(
            "「スタンダード」以上のプランが必要です"
        )
    finally:
        context.close()
    assert not errors, errors


@pytest.mark.browser
def test_a_program_page_with_a_plan_set_is_accessible_on_a_phone(
    browser: Browser, base_url: str
) -> None:
    context, page, errors = visitor_in(browser, base_url, width=375)
    try:
        context.add_init_script(f"localStorage.setItem({json.dumps(STORE)}, 'free')")
        page.goto(STANDARD)
        expect(page.locator(".pb-yourplan__mark")).to_have_count(1)
        page.get_by_label("ご利用のプラン").focus()  # reached by keyboard
        box = page.get_by_label("ご利用のプラン").bounding_box()
        assert box is not None and box["height"] >= 24
        assert axe_serious(page) == []
        page.goto("accelerators/")  # rows as cards: each mark within the screen's width
        marks = page.locator("#pb-catalogue .pb-yourplan__mark")
        expect(marks).to_have_count(6)
        for box in (mark.bounding_box() for mark in marks.all()):
            assert box is not None and box["x"] + box["width"] <= 375, box
    finally:
        context.close()
    assert not errors, errors
