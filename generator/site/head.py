"""What a page's head tells link previews and search engines: Open Graph and Twitter card
tags, and the page's JSON-LD (structured.py), in one delimited block put before `</head>`.

Every value comes from YAML or mkdocs.yml, so every value is escaped: attributes with
`html.escape`, the JSON-LD with `<`, `>` and `&` written as JSON escapes, so that a title
holding `</script>` or `<!--` stays text inside the script element. A page has one
script element, its entities in an `@graph` (which Google and extruct read): one place
where text is escaped, and one element a test can count.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import dataclass

from babel.core import get_global

from generator.i18n import words
from generator.site import structured
from generator.site.og_image import HEIGHT, WIDTH
from generator.site.structured import Where, og_image_url
from generator.source import model as m
from generator.source.urls import HOME

BEGIN = "<!-- phasebook: link previews and structured data -->"
END = "<!-- /phasebook -->"
# JSON escapes for what would end a script element or open a comment in it: JSON readers
# give back the very characters, the HTML parser never sees a tag. (Three `replace` calls:
# `str.translate` took a third of the time of a page's head.)
_SCRIPT_SAFE = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"))


@dataclass(frozen=True)
class Page:
    """A page as the engine knows it; the model says more about the pages it makes."""

    src: str  # its source path
    title: str  # plain text (not HTML), for a page the model does not know
    url: str | None  # its absolute URL, when site_url is set
    description: str | None  # mkdocs.yml's site_description or the page's own
    site_name: str


class Heads:
    """The head blocks of one language's pages."""

    def __init__(self, portal: m.Portal, where: Where) -> None:
        self.portal, self.where = portal, where
        self.shown = structured.shown(portal)

    def block(self, page: Page) -> str:
        """Open Graph and Twitter tags, then the page's JSON-LD, if it has any."""
        portal, lang = self.portal, self.where.lang
        shown = self.shown.get(page.src)
        summary = structured.description(portal, shown, page.src, lang)
        title = structured.title(portal, shown, lang) if shown else page.title
        tags = _open_graph(portal, self.where, page, title, summary or page.description)
        lines = [BEGIN, *(_meta(key, value) for key, value in tags)]
        graph = structured.page_graph(portal, self.where, shown)
        if graph:
            data = {"@context": "https://schema.org", "@graph": graph}
            lines.append(f'<script type="application/ld+json">{script_json(data)}</script>')
        lines.append(END)
        return "\n".join(lines) + "\n"


def with_head(output: str, block: str) -> str:
    """The page `output` with `block` at the end of its head: the first `</head>` is the
    head's, since the theme writes nothing before it that a page's text could hold."""
    before, found, after = output.partition("</head>")
    return f"{before}{block}{found}{after}" if found else output


def script_json(data: object) -> str:
    """`data` as JSON that stays inside `<script type="application/ld+json">`."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for character, escaped in _SCRIPT_SAFE:
        text = text.replace(character, escaped)
    return text


@functools.cache
def og_locale(lang: str) -> str:
    """Open Graph's locale of a language: language_TERRITORY, as CLDR's likely subtags
    complete it (ja → ja_JP, en → en_US, ko → ko_KR)."""
    likely = get_global("likely_subtags").get(lang, lang)
    parts = likely.split("_")
    territory = next((p for p in parts[1:] if len(p) == 2 or p.isdigit()), None)
    return f"{lang}_{territory}" if territory else lang


def _open_graph(
    portal: m.Portal, where: Where, page: Page, title: str, description: str | None
) -> list[tuple[str, str]]:
    """Open Graph (og:…) and Twitter card tags, in the order previews read them."""
    lang = where.lang
    tags = [
        ("og:type", "website" if page.src == HOME else "article"),
        ("og:title", title),
        ("og:site_name", page.site_name),
        ("og:locale", og_locale(lang)),
    ]
    tags += [("og:locale:alternate", og_locale(o)) for o in portal.info.languages if o != lang]
    if description:
        tags.append(("og:description", description))
    if page.url:
        tags.append(("og:url", page.url))
    if where.tree_url:  # Open Graph takes an absolute URL only
        alt = words.gettext(lang, "The customer lifecycle of %(product)s, phase by phase")
        tags += [
            ("og:image", og_image_url(where)),
            ("og:image:type", "image/png"),
            ("og:image:width", str(WIDTH)),
            ("og:image:height", str(HEIGHT)),
            ("og:image:alt", alt % {"product": portal.info.product}),
        ]
    tags.append(("twitter:card", "summary_large_image" if where.tree_url else "summary"))
    return tags


def _meta(key: str, value: str) -> str:
    """Open Graph names its tags with `property`, Twitter with `name`."""
    attribute = "name" if key.startswith("twitter:") else "property"
    return f'<meta {attribute}="{key}" content="{html.escape(value, quote=True)}">'
