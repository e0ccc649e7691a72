"""generator/text/islands.py: a generated page's tables set aside from Python-Markdown and
put back give the very page Python-Markdown gives (the goldens check the example's pages)."""

from __future__ import annotations

import markdown

from generator.text import islands
from generator.text.links import FastLinks

EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc"]
EXTENSIONS += ["pymdownx.superfences"]  # as mkdocs.yml has it: fences are code
ROW = '<tr data-x="1"><td><a href="../p/">題名 &amp; *not em*</a></td><td>[x](y.md)</td></tr>\n'


def convert(text: str) -> str:
    return markdown.Markdown(extensions=[*EXTENSIONS, FastLinks()]).convert(text)


def aside_and_back(text: str) -> str:
    kept, aside = islands.set_aside(text)
    return islands.put_back(convert(kept), aside)


CASES = [
    f'# 一覧\n\n<table class="pb">\n<tbody>\n{ROW * 50}</tbody>\n</table>\n\n本文 **太字**\n',
    f'<div class="wrap" data-x>\n<table>\n{ROW}</table>\n</div>\n\n<table>{ROW}</table>\n',
    f"<div markdown>\n\n**md**\n\n<table>\n{ROW}</table>\n\n</div>\n",
    f"<table markdown>\n{ROW}</table>\n\n<table>\n<tr><td markdown>**x**</td></tr>\n</table>\n",
    f"<table>\n<tr><td>\n<table>{ROW}</table>\n</td></tr>\n</table>\n",  # nested
    f"- item <table>{ROW}</table> inline\n- [link](u.md)\n",
    f"text before <table>{ROW}</table> and after\n\n    <table>indented code</table>\n",
    f"```\n<table>{ROW}</table>\n```\n\n`<table></table>`\n",
    '<!--c--> and <table data-pb-island="beef-0"></table>\n\n<table><tr><td>t</td></tr></table>',
    '<table><tr><td title="</table>">x</td></tr></table>\n',
    "<table>\n<tr><td>never closed</td></tr>\n",
    # A phase page's program list; a list with a list in it; lists Markdown must still read.
    f'## 一覧\n\n<ul>\n<li><strong><a href="../p/">題名 &amp; *not em*</a></strong>\n  要約</li>\n'
    f"{'<li>[x](y.md) `code` **b**</li>' * 30}\n</ul>\n\n本文\n",
    '<ol class="c">\n<li>one<ul>\n<li>inner</li>\n</ul></li>\n</ol>\n\n- a\n- b\n',
    "<ul>\n<li>a<ul><li>b</li></ul></li>\n</ul>\n",
    "<ul markdown>\n<li>**md**</li>\n</ul>\n\n"
    "<div markdown>\n\n<ul>\n<li>x</li>\n</ul>\n\n</div>\n",
    "- item <ul><li>inline</li></ul> after\n\n<ul>\n<li>never closed\n",
    f"<div markdown>\n\n**a**\n\n</DIV>\n\n<table>\n{ROW}</table>\n",  # closed in capitals
    f"<div markdown>\n\n<table>\n{ROW}</table>\n",  # never closed: all of it is inside
    "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b</li>\n</ul>\n\n<ol>\n<li>c</li>\n</ol>\n",
    # /plan/'s data and its script, one right after the other; a script inline.
    '<p>x</p>\n\n<script type="application/json" id="d">{"a":"&#60;ul&#62; **b**"}</script>\n'
    '<script src="../s.js"></script>\n\n本文 <script>x</script> **後**\n',
    # In fenced code (an FAQ answer may show HTML): text to show, never set aside.
    f"```html\n\n<ul>\n<li>x</li>\n</ul>\n\n<table>{ROW}</table>\n```\n\n<ul>\n<li>y</li>\n</ul>\n",
    "- a\n\n    ~~~~\n\n    <ul><li>in</li></ul>\n    ~~~python\n\n"
    "<table><tr><td>t</td></tr></table>\n",
    "````md\n```\n\n<ul>\n<li>x</li>\n</ul>\n```\n````\n\n<ol>\n<li>after</li>\n</ol>\n",
    "```\n\n<script>never closed</script>\n",
]


def test_a_page_with_its_tables_set_aside_is_the_page_markdown_makes() -> None:
    for text in CASES:
        assert aside_and_back(text) == convert(text), text


def test_only_tables_without_markdown_in_them_are_set_aside() -> None:
    assert len(islands.set_aside(CASES[0])[1][1]) == 1
    assert islands.set_aside(CASES[3])[1][1] == []  # both hold a markdown attribute
    assert islands.set_aside(CASES[4])[1][1] == []  # the outer holds one, the inner is inside
    assert islands.set_aside(CASES[5])[1][1] == []  # inline: Markdown reads its cells
    assert len(islands.set_aside(CASES[1])[1][1]) == 2  # in a wrapper, and on its own line
    assert len(islands.set_aside(CASES[11])[1][1]) == 1  # a phase page's list of programs
    assert len(islands.set_aside(CASES[12])[1][1]) == 1  # an <ol> of <ul>s, whole
    assert islands.set_aside(CASES[13])[1][1] == []  # a <ul> in a <ul>: left to Markdown
    assert islands.set_aside(CASES[14])[1][1] == []  # markdown in it, or around it
    assert islands.set_aside(CASES[15])[1][1] == []  # inline, or never closed
    assert len(islands.set_aside(CASES[16])[1][1]) == 1  # after an element closed in capitals
    assert islands.set_aside(CASES[17])[1][1] == []
    assert len(islands.set_aside(CASES[19])[1][1]) == 1  # the data (no blank line before the next)
    assert len(islands.set_aside(CASES[20])[1][1]) == 1  # the list after the fence only
    assert islands.set_aside(CASES[21])[1][1] == []  # still fenced: "~~~python" opens, not closes
    assert len(islands.set_aside(CASES[22])[1][1]) == 1  # the list after the outer fence
    assert islands.set_aside(CASES[23])[1][1] == []  # a fence never closed runs to the end
