"""/subscribe/ in a real browser: the copy button puts the feed's full address on the
clipboard, and where the clipboard refuses, selects it for the visitor to copy."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers import serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(example_site: Path) -> Iterator[str]:
    yield from serve_folder(example_site)


def _page(browser: Browser, base_url: str, refuse: bool) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url)
    if refuse:
        # What a browser does when the visitor or a policy denies clipboard access.
        context.add_init_script(
            "navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied'));"
        )
    else:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    yield from _page(browser, base_url, refuse=False)


@pytest.fixture
def refusing(browser: Browser, base_url: str) -> Iterator[Page]:
    yield from _page(browser, base_url, refuse=True)


def test_copy_puts_the_full_feed_address_on_the_clipboard(page: Page, base_url: str) -> None:
    page.goto("subscribe/")
    first = page.locator(".pb-copy").first
    expect(first.locator("a")).to_have_text(f"{base_url.rstrip('/')}/new/atom.xml")
    first.locator("button").click()
    expect(first.locator(".pb-copy__done")).to_have_text("コピーしました")
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url.rstrip('/')}/new/atom.xml"


def test_a_refused_clipboard_selects_the_address_instead(refusing: Page, base_url: str) -> None:
    refusing.goto("en/subscribe/")
    row = refusing.locator(".pb-copy").nth(1)  # the portal's calendar feed
    row.locator("button").click()
    expect(row.locator(".pb-copy__done")).to_have_text("Selected: press Ctrl+C (⌘C) to copy")
    selected = refusing.evaluate("window.getSelection().toString()")
    assert selected == f"{base_url.rstrip('/')}/en/schedule.ics"
