"""/plan/ in chromium: a customer builds, ticks, shares, prints and exports its success plan,
and the browser's plan equals the one `phasebook plan` prints for the same inputs."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest
import vobject
from playwright.sync_api import Browser, Page

from tests.helpers import ROOT, phasebook, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


@pytest.fixture
def visitor(browser: Browser, base_url: str) -> Iterator[Page]:
    """A fresh visitor whose console must stay free of errors."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Material's language selector asks every page for a sitemap.xml beside it: its 404s
    # are not this page's errors. Anything else in the console is.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield page
    context.close()
    assert not errors, f"script errors: {errors}"


def current(page: Page) -> dict | None:
    return page.evaluate("() => window.phasebookPlan && window.phasebookPlan.current()")


def choose(page: Page, template: str, day: str, anchor: str = "start") -> None:
    page.select_option("#pb-plan-template", template)
    page.check(f'input[name=anchor][value="{anchor}"]')
    page.fill("#pb-plan-date", day)


def test_pick_date_tick_then_reload_keeps_the_plan(visitor: Page) -> None:
    visitor.goto("plan/")
    choose(visitor, "onboarding-90", "2027-01-15")
    visitor.fill("#pb-plan-customer", "アクメ株式会社")
    first = visitor.locator(".pb-plan__ms").first
    assert "2027-01-20" in first.inner_text()
    first.locator("input[data-pb-ms]").check()
    assert current(visitor)["milestones"][0]["done"] is True
    visitor.reload()
    plan = current(visitor)
    assert plan["customer"] == "アクメ株式会社" and plan["milestones"][0]["done"] is True
    assert visitor.locator(".pb-plan__title").inner_text().startswith("アクメ株式会社")
    # The tick is the phase checklist's too: the prep page shows that criterion ticked.
    visitor.goto("phases/prep/")
    assert visitor.locator('.pb-checklist[data-pb-list="exit"] input').first.is_checked()


def test_the_shared_link_opens_the_same_plan_in_a_fresh_browser(
    visitor: Page, browser: Browser, base_url: str
) -> None:
    visitor.goto("en/plan/")
    choose(visitor, "premier-rollout", "2027-06-30", anchor="go")
    visitor.fill("#pb-plan-goal", "Halve the order time")
    visitor.locator("input[data-pb-ms]").nth(1).check()
    link = visitor.locator("#pb-plan-link").input_value()
    mine = current(visitor)
    other = browser.new_context()
    page = other.new_page()
    page.goto(link)
    theirs = page.evaluate("() => window.phasebookPlan.current()")
    other.close()
    assert theirs == mine
    assert theirs["milestones"][1]["done"] is True
    assert theirs["go_live"] == "2027-06-30"
    mail = visitor.locator('[data-pb-action="mail"]').get_attribute("href")
    assert mail.startswith("mailto:?subject=") and "Halve%20the%20order%20time" in mail


def test_the_ics_parses_in_two_parsers_with_stable_uids(visitor: Page) -> None:
    visitor.goto("en/plan/")
    choose(visitor, "onboarding-90", "2026-12-01")
    sessions = visitor.locator("input[data-pb-session]")
    assert sessions.count() > 0, "the example's December sessions come before a milestone"
    sessions.first.check()
    with visitor.expect_download() as download:
        visitor.click('[data-pb-action="ics"]')
    text = Path(download.value.path()).read_text(encoding="utf-8")
    events = icalendar.Calendar.from_ical(text).walk("VEVENT")
    plan = current(visitor)
    assert len(events) == len(plan["milestones"]) + 1
    all_day = [e for e in events if not isinstance(e.decoded("dtstart"), datetime)]
    assert [e.decoded("dtstart").isoformat() for e in all_day] == [
        m["date"] for m in plan["milestones"]
    ]
    timed = [e for e in events if isinstance(e.decoded("dtstart"), datetime)]
    assert timed[0].decoded("dtstart").tzinfo is not None
    parsed = vobject.readOne(text)
    assert len(parsed.vevent_list) == len(events)
    uids = [str(e["uid"]) for e in all_day]
    assert uids[0] == "plan-onboarding-90-prep-1@phasebook"
    # Moved to another date, the same plan keeps its UIDs.
    visitor.fill("#pb-plan-date", "2027-03-01")
    moved = icalendar.Calendar.from_ical(visitor.evaluate("() => window.phasebookPlan.ics()"))
    assert [str(e["uid"]) for e in moved.walk("VEVENT")][: len(uids)] == uids


def test_a_clock_past_a_milestone_shows_it_overdue_with_what_helps(
    browser: Browser, base_url: str
) -> None:
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.clock.set_fixed_time(datetime(2027, 2, 1, 9, tzinfo=UTC))
    page.goto("en/plan/#plan=1&t=onboarding-90&start=2027-01-15&c=Acme")
    overdue = page.locator(".pb-plan__ms--overdue")
    assert overdue.count() == 3  # prep's three milestones, due by 2027-01-29
    first = overdue.first.inner_text()
    assert "Overdue" in first and "What helps now" in first
    assert current(page)["today"] == "2027-02-01"
    context.close()


@pytest.mark.parametrize(
    ("fragment", "said"),
    [
        ("#plan=1&t=onboarding-90&start=2027-02-30", "cannot be read"),
        ("#plan=1&t=onboarding-90&sta", "cannot be read"),
        ("#%E0%A4%A", "cannot be read"),
        ("#plan=0&t=onboarding-90&start=2027-01-15", "another version of the portal"),
        ("#plan=1&t=retired-template&start=2027-01-15", "no longer exists"),
        ("#plan=1&t=&start=2027-01-15&c=" + "x" * 9000, "too long"),
        ("#plan=1&t=&start=1999-01-15", "cannot be read"),
    ],
)
def test_bad_links_say_so_and_fall_back_to_choosing(
    visitor: Page, fragment: str, said: str
) -> None:
    visitor.goto("en/plan/" + fragment)
    message = visitor.locator(".pb-plan__message")
    assert said in message.inner_text()
    assert current(visitor) is None
    assert visitor.locator("#pb-plan-template").is_visible()
    choose(visitor, "", "2027-01-15")
    assert current(visitor)["template"] is None


def test_dates_that_do_not_exist_are_refused(visitor: Page) -> None:
    visitor.goto("en/plan/")
    visitor.select_option("#pb-plan-template", "onboarding-90")
    visitor.evaluate(
        "() => { const d = document.querySelector('#pb-plan-date'); d.type = 'text';"
        " d.value = '2027-02-30'; d.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    error = visitor.locator("#pb-plan-date-error")
    assert error.is_visible() and "Enter a date that exists" in error.inner_text()
    assert current(visitor) is None


HOSTILE = [
    "<img src=x onerror=window.__pwned=1>",
    '"><script>window.__pwned=1</script>',
    "javascript:window.__pwned=1",
    "</script><svg onload=window.__pwned=1>",
]


def test_a_hostile_company_or_outcome_in_the_link_is_shown_as_text(
    visitor: Page, base_url: str
) -> None:
    from urllib.parse import quote

    base = base_url

    for text in HOSTILE:
        visitor.goto("about:blank")
        fields = f"c={quote(text)}&o={quote(text)}"
        visitor.goto(f"{base}en/plan/#plan=1&t=onboarding-90&start=2027-01-15&{fields}")
        assert visitor.evaluate("() => window.__pwned") is None
        assert visitor.locator(".pb-plan__title").inner_text().startswith(text)
        assert visitor.locator(".pb-plan img, .pb-plan svg, .pb-plan script").count() == 0


def test_axe_and_375_px_without_sideways_scroll(browser: Browser, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(base_url=base_url, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto("plan/#plan=1&t=premier-rollout&start=2026-12-01&c=アクメ&o=受注処理を半分に")
    bad = [
        v["id"]
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert not bad, bad
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 375, width
    context.close()


def test_the_printed_plan_fits_nine_phases_on_two_a4_sheets(visitor: Page, tmp_path: Path) -> None:
    visitor.goto("plan/#plan=1&t=&start=2027-01-15&c=アクメ株式会社&o=受注処理を半分の時間で")
    visitor.emulate_media(media="print")
    pdf = visitor.pdf(format="A4")
    pages = pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages")
    assert 1 <= pages <= 2, pages
    text = visitor.locator(".pb-plan__head").inner_text()
    assert "アクメ株式会社" in text and "受注処理を半分の時間で" in text


TEMPLATES = ["onboarding-90", "premier-rollout", ""]
STARTS = ["2026-12-01", "2027-01-15", "2027-02-28"]
LANGS = ["ja", "en"]
CLOCKS = ["2026-12-01T00:00:00+00:00", "2027-03-20T23:30:00+00:00"]


def test_the_browser_computes_the_same_plan_as_the_cli(browser: Browser, base_url: str) -> None:
    """Every template × start × language × clock (36 plans): equal, field for field."""
    context = browser.new_context(base_url=base_url)
    pages = {lang: context.new_page() for lang in LANGS}
    for lang, page in pages.items():
        page.goto("plan/" if lang == "ja" else "en/plan/")
    checked = 0
    for template, start, lang, clock in itertools.product(TEMPLATES, STARTS, LANGS, CLOCKS):
        args = ["plan", *([template] if template else []), "--start", start, "--lang", lang]
        result = phasebook(ROOT, *args, "--format", "json", "--now", clock)
        assert result.returncode == 0, result.stderr
        cli = json.loads(result.stdout)
        seen = pages[lang].evaluate(
            "([t, s, now]) => window.phasebookPlan.compute(t, {start: s, now: now})",
            [template, start, clock],
        )
        assert seen == cli, (template, start, lang, clock)
        checked += 1
    context.close()
    assert checked >= 20
