"""What Phasebook does to pages for accessibility, without a browser: the palette rules
kept in step with the installed Material, and other languages' text marked in hostile HTML.
(tests/test_accessibility.py checks the same in chromium, with axe-core.)"""

from __future__ import annotations

import pytest

from generator.site.authored import focusable_tables, read_only_tasks
from generator.site.languages import mark_languages
from generator.site.palette import palette_css, read_material
from tools.palette import STYLESHEET, material_palette, rewritten


def test_the_palette_rules_match_the_installed_material() -> None:
    """Upgrading mkdocs-material with new colours fails here until the rules are made
    again from them: `python -m tools.palette`."""
    stylesheet = STYLESHEET.read_text(encoding="utf-8")
    block = palette_css(material_palette())
    assert rewritten(stylesheet, block) == stylesheet, "run: python -m tools.palette"


def test_every_material_colour_has_a_rule() -> None:
    """Material's whole palette list, read from its stylesheet, not a copy of it here."""
    named = read_material(material_palette())
    primaries, accents = set(named["primary"]), set(named["accent"])
    assert {"indigo", "blue", "teal", "deep-orange", "black", "white", "yellow"} <= primaries
    assert len(primaries) == 21 and len(accents) == 16, (primaries, accents)
    block = palette_css(material_palette())
    for name in primaries:
        assert f"[data-md-color-primary={name}]{{" in block
    for name in accents:
        assert f"[data-md-color-accent={name}]{{" in block


def test_the_dark_scheme_keeps_materials_colours() -> None:
    """Darker links would be worse on slate's dark background: every rule is for the light
    scheme only."""
    rules = palette_css(material_palette()).splitlines()[1:-1]
    assert rules and all(r.startswith("[data-md-color-scheme=default]") for r in rules)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # a run inside English text is wrapped; the element that is all Japanese takes lang
        (
            "<p>See <a href=x>導入準備</a> now</p>",
            '<p>See <a href=x lang="ja">導入準備</a> now</p>',
        ),
        ("<p>Read 導入準備 first</p>", '<p>Read <span lang="ja">導入準備</span> first</p>'),
        # a run goes on over Latin words and digits between Japanese
        (
            "<li>対象端末の95%以上が「稼働中」</li>",
            '<li lang="ja">対象端末の95%以上が「稼働中」</li>',
        ),
        # script, style, comments and attribute values are never touched
        ("<script>let a = '導入'</script>", "<script>let a = '導入'</script>"),
        ("<style>q::before{content:'「'}</style>", "<style>q::before{content:'「'}</style>"),
        ("<!-- 導入 -->", "<!-- 導入 -->"),
        ('<a title="導入 > 利用" href=x>Go</a>', '<a title="導入 > 利用" href=x>Go</a>'),
        # an element that says its language keeps it
        ('<a lang="ja" hreflang="ja">日本語</a>', '<a lang="ja" hreflang="ja">日本語</a>'),
        # option and title cannot hold a span: the element takes the lang
        (
            "<option value=a>導入 (2 of 3)</option>",
            '<option value=a lang="ja">導入 (2 of 3)</option>',
        ),
        # in SVG, text takes the lang; a run inside other SVG text is a tspan
        ("<svg><text x=1>利用</text></svg>", '<svg><text x=1 lang="ja">利用</text></svg>'),
        (
            "<svg><text>3 利用</text></svg>",
            '<svg><text>3 <tspan lang="ja">利用</tspan></text></svg>',
        ),
        # Korean is Korean, not Japanese
        ("<p>Hi 안녕하세요 there</p>", '<p>Hi <span lang="ko">안녕하세요</span> there</p>'),
        # a void element before the text is not its container
        ("<p>A<br>導入</p>", '<p>A<br><span lang="ja">導入</span></p>'),
    ],
)
def test_other_languages_runs_are_marked(html: str, expected: str) -> None:
    assert mark_languages(html, "en", ["ja", "en", "ko"]) == expected


def test_a_page_in_the_language_of_its_text_is_left_as_it_is() -> None:
    html = "<p>導入準備 and SSO</p>"
    assert mark_languages(html, "ja", ["ja", "en"]) == html
    # Korean text on a Japanese-and-English portal is no language of it: not guessed
    assert mark_languages("<p>안녕</p>", "en", ["ja", "en"]) == "<p>안녕</p>"


def test_task_list_boxes_become_glyphs_with_their_state_in_words() -> None:
    html = (
        '<li class="task-list-item"><label class="task-list-control"><input type="checkbox"'
        ' disabled/><span class="task-list-indicator"></span></label> A</li>'
        '<li class="task-list-item"><label class="task-list-control"><input type="checkbox"'
        ' disabled checked/><span class="task-list-indicator"></span></label> B</li>'
    )
    made = read_only_tasks(html, "ja")
    assert "<input" not in made and "<label" not in made
    assert 'role="img" aria-label="未完了">☐</span> A' in made
    assert 'role="img" aria-label="完了">☑</span> B' in made
    # a working checkbox written by hand in a page is not a task-list box
    own = '<input type="checkbox" id="x"><label for="x">Mine</label>'
    assert read_only_tasks(own, "ja") == own


def test_every_table_of_an_authors_page_is_a_focusable_region() -> None:
    html = "<p>a</p><table><tr><td>1</td></tr></table><table class=x>\n<tr></tr></table>"
    made = focusable_tables(html, "ja")
    region = '<div class="pb-table" role="region" tabindex="0" aria-label="表">'
    assert made.count(region) == 2
    assert made.count("</table></div>") == 2
    assert focusable_tables("<p>no table</p>", "en") == "<p>no table</p>"
