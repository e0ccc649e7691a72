"""generator/text/links.py: Python-Markdown's links found sooner, and nothing else changed."""

from __future__ import annotations

import random

import markdown

from generator.text.links import FastLinks

EXTENSIONS = ["abbr", "admonition", "attr_list", "def_list", "md_in_html", "tables", "toc"]


def both(text: str) -> tuple[str, str]:
    plain = markdown.Markdown(extensions=EXTENSIONS).convert(text)
    fast = markdown.Markdown(extensions=[*EXTENSIONS, FastLinks()]).convert(text)
    return plain, fast


def test_links_render_as_python_markdown_renders_them() -> None:
    cases = [
        "- **[導入ガイド](guide.md)** <span>無償</span>\n- **[第2回](x.md)** [注](y.md)",
        "[a [b] c](u) [[d]](v) [never closes [ok](w) ]] [ [ [",
        "[x](<a b>) [y](u 'title') ![img](i.png) [ref][r]\n\n[r]: https://example.com",
        "\\[not a link](u) [a\\]b](u) `[code](u)` <a href='[x](y)'>[z](w)</a>",
    ]
    rng = random.Random(24)
    cases += [
        "".join(rng.choice("[]()ab !\\\n*<>`") for _ in range(rng.randint(1, 300)))
        for _ in range(400)
    ]
    for text in cases:
        plain, fast = both(text)
        assert fast == plain, text


def test_brackets_that_never_close_stay_linear() -> None:
    """The worst line an author can write: thousands of `[`, every one a link start."""
    for text in ("[" * 20_000 + "](x)", "[a]" * 5_000 + "[b](c)", "[" * 64 + "x](y)" * 500):
        plain, fast = both(text)
        assert fast == plain
