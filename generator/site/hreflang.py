"""Where a page says it exists in other languages: in the sitemap, not in the page's head.

Material's language code reads every `<link rel="alternate">` of a page as the root of
another site and fetches `<that link>/sitemap.xml` (integrations/alternate in its source):
with a link to the same page in each language, every page but the home asked for two
sitemaps that do not exist and got two 404s. Search engines read hreflang from the
sitemap as well as from the head (`xhtml:link` under each `<url>`), so the head keeps
none and each language's sitemap lists every page's twins. The language selector's own
links are untouched: it still lands on the same page in the other language.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from generator.source.urls import alternates, language_prefix

# Material prints these from `extra.alternate` (base.html); feeds' alternate links carry a
# `type` and no `hreflang`, and stay.
_HEAD_LINK = re.compile(r'[ \t]*<link rel="alternate" href="[^"]*" hreflang="[^"]*">\n?')
_LOC = re.compile(r"(<loc>([^<]*)</loc>)")
_XHTML = 'xmlns:xhtml="http://www.w3.org/1999/xhtml"'


def without_head_alternates(page_html: str) -> str:
    """The page without the `hreflang` links Material fetches sitemaps for."""
    head, sep, body = page_html.partition("</head>")
    return _HEAD_LINK.sub("", head) + sep + body if sep else page_html


def sitemap_with_alternates(
    sitemap: str, lang: str, languages: list[str], site_url: str | None
) -> str:
    """One language's sitemap, each page with an `xhtml:link` to itself in every language.
    Without a site_url MkDocs writes no usable URLs, and the sitemap is left as it is."""
    if not site_url or len(languages) < 2:
        return sitemap
    root = f"{site_url.rstrip('/')}/{language_prefix(lang, languages)}"
    parts = urlsplit(site_url)
    host = f"{parts.scheme}://{parts.netloc}"  # alternates() are root-absolute

    def add(found: re.Match[str]) -> str:
        loc = html.unescape(found.group(2))
        if not loc.startswith(root):
            return found.group(1)
        links = alternates(loc[len(root) :], languages, site_url)
        return found.group(1) + "".join(
            f'\n         <xhtml:link rel="alternate" hreflang="{a["lang"]}"'
            f' href="{html.escape(host + a["link"])}"/>'
            for a in links
        )

    sitemap = sitemap.replace(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" {_XHTML}>',
        1,
    )
    return _LOC.sub(add, sitemap)
