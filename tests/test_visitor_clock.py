"""The visitor's own clock on the example portal, in a real browser: session times in the
visitor's time zone with the portal's beside them, and the start page's "which phase are you
in?" taking up from the ticks saved in this browser, which a visitor can clear.

Sessions are built in the portal's zone (Asia/Tokyo); the browser rewrites each `<time>` for
a visitor elsewhere. Contexts set the zone (`timezone_id`), the browser's language and the
clock (the build date, so that every session of the example is still to come and "this
year" is 2026).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from generator.site.render.helpers import Helpers
from generator.source.load import load_portal
from tests.helpers import ROOT, serve_folder

pytestmark = pytest.mark.browser

BUILT = datetime.fromisoformat("2026-12-01T00:00:00+00:00")  # tests/helpers.py EPOCH
ROLLOUT_EN = "2026-12-15T18:00:00+09:00"  # atx-implement-rollout, in English, 09:00 UTC
ROLLOUT_JA = "2026-12-17T15:00:00+09:00"  # the same, in Japanese, 06:00 UTC
STORE = "/:phasebook.progress.v1"  # phasebook.js storeKey() at the site's root

# Every place a session time is shown: a program, a phase, the schedule, the catalogue and
# the start page (which lists the first five to come).
PLACES = [
    "programs/atx-implement-rollout/",
    "phases/implement/",
    "schedule/",
    "atx/",
    "",
]


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.fixture
def visitor(browser: Browser, base_url: str) -> Iterator:
    """Opens a page as a visitor in a zone with a browser language; script errors fail."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(zone: str, locale: str) -> Page:
        context = browser.new_context(base_url=base_url, timezone_id=zone, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.clock.set_fixed_time(BUILT)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not errors, f"script errors: {errors}"


def times(page: Page) -> list[list[str]]:
    """Every session time on the page: its datetime and the text it reads."""
    return page.evaluate(
        """() => [...document.querySelectorAll("time[data-pb-end]")]
             .map(t => [t.getAttribute("datetime"), t.textContent])"""
    )


def built_times(site: Path, path: str) -> list[list[str]]:
    """The same, as the server wrote them (what a visitor without script reads)."""
    text = (site / path / "index.html").read_text(encoding="utf-8")
    found = re.findall(r'<time datetime="([^"]+)" data-pb-end="[^"]*"[^>]*>([^<]*)</time>', text)
    return [[when, html.unescape(words)] for when, words in found]


@pytest.mark.parametrize(
    ("zone", "locale", "root", "session", "expected"),
    [
        ("Europe/Berlin", "en-GB", "en/", ROLLOUT_EN, "Tue 15 Dec 10:00–11:00 CET (18:00 JST)"),
        ("Europe/Berlin", "ja-JP", "", ROLLOUT_EN, "12月15日(火) 10:00–11:00 GMT+1（18:00 JST）"),
        # Across the date line: the visitor's day is the day before Tokyo's, and says so.
        (
            "America/Los_Angeles",
            "en-US",
            "en/",
            ROLLOUT_JA,
            "Wed, Dec 16 22:00–23:00 PST (Thu, Dec 17 15:00 JST)",
        ),
        (
            "America/Los_Angeles",
            "ja-JP",
            "",
            ROLLOUT_JA,
            "12月16日(水) 22:00–23:00 GMT-8（12月17日(木) 15:00 JST）",
        ),
    ],
)
def test_session_times_read_in_the_visitors_zone_with_the_portals_beside(
    visitor, zone: str, locale: str, root: str, session: str, expected: str
) -> None:
    page = visitor(zone, locale)
    seen = 0
    for path in PLACES:
        page.goto(root + path or "./")
        shown = times(page)
        assert shown, f"{root + path}: no session time"
        # Every time on every page, past sessions too, carries the portal's beside it.
        assert all(text.endswith(("JST)", "JST）")) for _, text in shown), (path, shown)
        seen += sum(1 for when, text in shown if when == session and text == expected)
        assert all(text == expected for when, text in shown if when == session), (path, shown)
    assert seen >= 3, f"{session} read {expected!r} in {seen} places only"


@pytest.mark.parametrize(
    ("zone", "locale", "root", "session", "expected"),
    [
        ("Europe/Berlin", "en-GB", "en/", ROLLOUT_EN, "Tue 15 Dec 10:00–11:00 CET (18:00 JST)"),
        ("Asia/Tokyo", "ja-JP", "", ROLLOUT_JA, "2026-12-17 15:00 JST"),
    ],
)
def test_the_success_plans_sessions_read_in_the_visitors_zone_too(
    visitor, zone: str, locale: str, root: str, session: str, expected: str
) -> None:
    """/plan/ draws its sessions in the browser; they are named in the portal's zone and
    rewritten as the built pages' are (they once read "2026-12-15 18:00", no zone at all)."""
    page = visitor(zone, locale)
    page.goto(f"{root}plan/#plan=1&t=onboarding-90&start=2026-12-01&c=Acme")
    # In Tokyo, as the script wrote it (zone named); elsewhere, rewritten.
    assert dict(times(page)).get(session) == expected, times(page)


@pytest.mark.parametrize("root", ["", "en/"])
def test_a_visitor_in_the_portals_zone_reads_the_times_as_built(
    visitor, example_site: Path, root: str
) -> None:
    page = visitor("Asia/Tokyo", "ja-JP" if root == "" else "en-US")
    for path in PLACES:
        page.goto(root + path or "./")
        assert times(page) == built_times(example_site, root + path), root + path


def crafted(lang: str) -> str:
    """Session times no example session has, rendered by the server's own helper: across
    midnight in Berlin, across the start of Berlin's summer time, and times that are not
    ours to read (no offset, a day that does not exist, words, nothing)."""
    portal = load_portal(ROOT / "phases", ROOT / "content", now=BUILT)
    _, program = portal.program("atx-implement-rollout")  # 60 minutes
    session = next(iter(portal.upcoming(program)))
    helpers = Helpers(portal, lang, directory_urls=True)
    rows = [
        helpers.when(session.model_copy(update={"starts": datetime.fromisoformat(when)}), program)
        for when in ("2027-01-12T07:30:00+09:00", "2027-03-28T09:30:00+09:00")
    ]
    end = 'data-pb-end="2027-01-12T11:00:00+09:00"'
    rows += [
        f'<time datetime="2027-01-12T10:00:00" {end}>no offset</time>',
        f'<time datetime="2027-02-30T10:00:00+09:00" {end}>30 February</time>',
        f'<time datetime="soon" {end}>soon</time>',
        f'<time datetime="" {end}>empty</time>',
        f"<time {end}>no datetime</time>",
        '<time datetime="2027-01-12T10:00:00+09:00" data-pb-end="never">bad end</time>',
    ]
    return "".join(f'<p class="crafted">{row}</p>' for row in rows)


@pytest.mark.parametrize(
    ("root", "locale", "expected"),
    [
        (
            "en/",
            "en-GB",
            [
                "Mon, 11 Jan 2027 23:30 – Tue, 12 Jan 2027 00:30 CET (Tue, 12 Jan 2027 07:30 JST)",
                "Sun, 28 Mar 2027 01:30 CET – 03:30 CEST (09:30 JST)",
            ],
        ),
        (
            "",
            "ja-JP",
            [
                "2027年1月11日(月) 23:30 – 2027年1月12日(火) 00:30 GMT+1"
                "（2027年1月12日(火) 07:30 JST）",
                "2027年3月28日(日) 01:30 GMT+1 – 03:30 GMT+2（09:30 JST）",
            ],
        ),
    ],
)
def test_midnight_summer_time_and_unreadable_times(
    visitor, root: str, locale: str, expected: list[str]
) -> None:
    """The worst values: a session that ends the next day in the visitor's zone, one that
    spans the change to summer time, and `<time>`s the script cannot read, left as built."""
    page = visitor("Europe/Berlin", locale)
    rows = crafted("ja" if root == "" else "en")

    def with_rows(route) -> None:
        built = route.fetch()
        route.fulfill(response=built, body=built.text().replace("<h1", rows + "<h1", 1))

    page.route(f"**/{root}schedule/", with_rows)
    page.goto(f"{root}schedule/")
    texts = page.locator(".crafted").all_text_contents()
    assert texts[:2] == expected
    assert texts[2:] == ["no offset", "30 February", "soon", "empty", "no datetime", "bad end"]


def saved_ticks(page: Page) -> dict:
    return page.evaluate("(key) => JSON.parse(localStorage.getItem(key) || 'null')", STORE)


def tick_every_criterion(page: Page, phase: str) -> None:
    page.goto(f"phases/{phase}/")
    boxes = page.locator('.pb-checklist[data-pb-list="exit"] input')
    for i in range(boxes.count()):
        boxes.nth(i).check()


def test_the_wizard_starts_after_the_phases_already_done_and_goes_back(visitor) -> None:
    page = visitor("Asia/Tokyo", "ja-JP")
    tick_every_criterion(page, "prep")
    page.goto("./")
    steps = page.locator(".pb-route__step")
    resume = page.locator(".pb-route__resume")
    expect(steps.nth(0)).to_be_hidden()
    expect(steps.nth(1)).to_be_visible()
    expect(resume).to_have_text("「導入準備」は完了しています。「導入」から続けます。")
    steps.nth(1).get_by_role("button", name="←「導入準備」に戻る").click()
    expect(steps.nth(0)).to_be_visible()
    expect(steps.nth(1)).to_be_hidden()

    tick_every_criterion(page, "implement")
    page.goto("en/")
    expect(steps.nth(2)).to_be_visible()
    expect(resume).to_have_text("You completed Onboarding prep and Implement — continuing at Use.")
    # Ticks of a later phase alone do not skip the ones before it.
    page.evaluate("(key) => localStorage.setItem(key, JSON.stringify({use: {exit: ['x']}}))", STORE)
    page.reload()
    expect(steps.nth(0)).to_be_visible()
    expect(resume).to_be_hidden()


def test_every_phase_done_opens_on_the_last_answer(visitor) -> None:
    page = visitor("Asia/Tokyo", "ja-JP")
    page.goto("./")
    page.evaluate(
        """(key) => {
          const data = {};
          document.querySelectorAll(".pb-loop__phase").forEach(link => {
            data[link.dataset.pbPhase] = {exit: link.dataset.pbExit.split(" ").filter(Boolean),
                                          tasks: link.dataset.pbTasks.split(" ").filter(Boolean)};
          });
          localStorage.setItem(key, JSON.stringify(data));
        }""",
        STORE,
    )
    page.reload()
    expect(page.locator(".pb-route__step").locator("visible=true")).to_have_count(0)
    expect(page.locator(".pb-route__done")).to_be_visible()
    page.get_by_role("button", name="最初から確かめる").click()
    expect(page.locator(".pb-route__step").first).to_be_visible()


def test_reset_my_progress_asks_then_clears_this_portals_ticks_only(visitor) -> None:
    page = visitor("Asia/Tokyo", "ja-JP")
    page.goto("./")
    reset = page.get_by_role("button", name="進み具合をリセット")
    expect(reset).to_be_hidden()  # nothing saved yet, nothing to reset
    tick_every_criterion(page, "prep")
    page.evaluate(
        """() => { localStorage.setItem("/:phasebook.plan.v1", "chosen");
                   localStorage.setItem("elsewhere", "kept"); }"""
    )
    page.goto("./")
    expect(page.locator(".pb-route__step").nth(1)).to_be_visible()

    reset.click()
    expect(reset).to_be_hidden()
    confirm = page.locator(".pb-reset__confirm")
    expect(confirm).to_contain_text("元には戻せません")
    page.get_by_role("button", name="キャンセル").click()
    expect(confirm).to_be_hidden()
    assert saved_ticks(page)["prep"]["exit"], "cancelling cleared the ticks"

    reset.click()
    page.get_by_role("button", name="はい、消去する").click()
    expect(page.locator(".pb-reset__status")).to_have_text(
        "進み具合を消去しました。チェックはすべて外れています。"
    )
    expect(reset).to_be_hidden()
    expect(page.locator(".pb-route__step").first).to_be_visible()
    expect(page.locator(".pb-route__resume")).to_be_hidden()
    expect(page.locator(".pb-here-note")).to_be_hidden()
    expect(page.locator('.pb-loop__progress[data-pb-phase="prep"]')).to_have_text("")
    assert saved_ticks(page) is None
    assert page.evaluate("localStorage.getItem('/:phasebook.plan.v1')") == "chosen"
    assert page.evaluate("localStorage.getItem('elsewhere')") == "kept"
    page.goto("phases/prep/")
    expect(page.locator(".pb-checklist input:checked")).to_have_count(0)


def test_reset_my_progress_in_english(visitor) -> None:
    page = visitor("Europe/Berlin", "en-GB")
    tick_every_criterion(page, "prep")
    page.goto("en/")
    page.get_by_role("button", name="Reset my progress").click()
    expect(page.locator(".pb-reset__confirm")).to_contain_text("This cannot be undone.")
    page.get_by_role("button", name="Yes, clear my progress").click()
    expect(page.locator(".pb-reset__status")).to_have_text(
        "Your progress was cleared. Nothing is ticked now."
    )
    assert saved_ticks(page) is None
