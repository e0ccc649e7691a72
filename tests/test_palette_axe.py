"""axe-core in every sampled Material palette, over every kind of page in both languages at
375 and 1280 px (tests/test_accessibility.py builds the palettes). A module of its own so
that pytest-xdist (`--dist loadfile`) runs it beside the rest of the accessibility tests,
not after them. A palette changes colours only (Material's CSS variables): the first palette
gets every rule of axe-core on every page in both languages, the others its colour rules
on the Japanese pages (the English ones have the same elements in the same colours): all
rules everywhere took 145 s of CI, this half of it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.test_accessibility import (  # noqa: F401 (fixtures, found by name)
    CHOSEN,
    COLOUR_RULES,
    KINDS,
    PAGES,
    PALETTES,
    PROGRAM,
    axe_serious,
    palette_sites,
    palettes,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("primary", "accent"), PALETTES)
def test_axe_finds_nothing_serious_in_any_sampled_palette(
    browser: Browser,
    palettes: dict[str, str],  # noqa: F811 (the fixture imported above)
    primary: str,
    accent: str,
) -> None:
    """Every page kind in both languages, at 375 and 1280 px, a plan chosen; then a
    program's buttons as they look focused and hovered (white on the accent)."""
    first = (primary, accent) == PALETTES[0]
    rules, paths = (None, PAGES) if first else (COLOUR_RULES, KINDS)  # KINDS: in Japanese
    context = browser.new_context(base_url=palettes[primary])
    context.add_init_script(CHOSEN)
    page = context.new_page()
    found = {}
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            assert page.goto(path or "./").ok, path
            assert page.evaluate("document.body.dataset.mdColorPrimary") == primary
            if bad := axe_serious(page, rules=rules):
                found[f"{path} at {width}"] = bad
    page.goto(PROGRAM)
    # Judged as they end up, not halfway through Material's fade from one colour to the next.
    page.add_style_tag(content="* { transition: none !important; }")
    buttons = page.locator("article .md-button").locator("visible=true")
    assert buttons.count() > 0
    for button in buttons.all():
        for state in (button.focus, button.hover):
            state()
            if bad := axe_serious(page, "article", rules):
                found[f"{button.inner_text()} {state.__name__}"] = bad
    context.close()
    assert not found, found
