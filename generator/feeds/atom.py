"""What's new as Atom feeds, per language: one for the portal, one per phase.

feedgen writes RFC 4287 (escaping, dates with offsets, the required elements) rather than
code of ours. Ids are the entries' absolute page URLs, so a reader that has seen an item
shows an update of it as the same item. Without `site_url` the portal does not know its
address: no Atom feed is written (the build says so), because a reader can neither follow
a relative link nor keep an id that depends on where the feed was fetched from.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import quote

from feedgen.feed import FeedGenerator

from generator.feeds.whatsnew import changes
from generator.i18n.words import gettext
from generator.source import model as m
from generator.source.memo import Keep, make
from generator.source.urls import NEW, page_url, phase_src, program_src

FEED = "new/atom.xml"
# Characters XML 1.0 cannot hold at all: refused text would fail the whole feed.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def phase_atom(phase_id: str) -> str:
    return f"new/phases/{phase_id}.xml"


def atom_files(
    portal: m.Portal,
    site_url: str | None,
    lang: str,
    keep: Keep = make,
    directory_urls: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """Every Atom feed of `lang`'s tree as (path, content): none without `site_url`."""
    if not site_url:
        return
    base = _base(site_url)
    ids = [p.id for _, p in portal.programs()]
    title = portal.t(portal.info.title, lang)
    feeds = [(FEED, None, title)]
    for view in portal.phases:
        phase = portal.t(view.phase.name, lang)
        feeds.append((phase_atom(view.phase.id), view, f"{title} – {phase}"))
    for path, view, name in feeds:
        phase = view.phase.id if view else None
        content = keep(
            lambda path=path, phase=phase, name=name: _feed(
                portal, lang, base, path, phase, name, directory_urls
            ),
            f"atom {portal.now.isoformat()} {path}",
            ids,
        )
        yield path, content


def _feed(
    portal: m.Portal,
    lang: str,
    base: str,
    path: str,
    phase_id: str | None,
    name: str,
    directory_urls: bool,
) -> bytes:
    url = lambda src: _absolute(base, quote(page_url(src, directory_urls)))  # noqa: E731
    found = changes(portal, lang, phase_id)
    feed = FeedGenerator()
    feed.id(_absolute(base, path))
    feed.title(_xml(name))
    feed.subtitle(_xml(gettext(lang, "New and updated programs and guides")))
    feed.author(name=_xml(portal.info.vendor))
    feed.link(href=_absolute(base, path), rel="self", type="application/atom+xml")
    feed.link(href=url(NEW), rel="alternate", type="text/html")
    feed.language(lang)
    # The latest change, not the build time: a feed rebuilt without news stays the same.
    feed.updated(found[0].moment if found else portal.now)
    for change in found:
        program = change.program
        entry = feed.add_entry(order="append")
        entry.id(url(program_src(program)))
        word = "New" if change.is_new else "Updated"
        entry.title(_xml(f"{gettext(lang, word)}: {portal.title(program, lang)}"))
        entry.link(href=url(program_src(program)), rel="alternate", type="text/html")
        entry.updated(change.moment)
        if change.dated.published:
            entry.published(change.dated.published)
        kind = gettext(lang, program.short or program.kind)  # type: ignore[attr-defined]
        about = f"{kind} · {portal.t(change.view.phase.name, lang)}"
        summary = portal.t(program.summary, lang)
        entry.summary(_xml(f"{about}: {summary}" if summary else about))
    return feed.atom_str(pretty=True)


def head_links(portal: m.Portal, lang: str, src: str, site_url: str | None) -> str:
    """The `<link rel="alternate">` that announce the Atom feeds in a page's head, so that
    a browser or feed reader given any page finds them: the portal's on every page, a
    phase's own on its page too. `site_url` is the language tree's (MkDocs' config).

    `rel="alternate feed"`: the same link to a feed reader (rel is a set of tokens, both of
    them name a feed), but not to Material, which fetches `<href>/sitemap.xml` for every
    `link[rel=alternate]` (an exact match), thinking it another language of the site."""
    if not site_url:
        return ""
    # Words the page itself shows, no more: a page the preview does not rebuild keeps its
    # head, so a title made of the portal's name would go stale when the name changes.
    new = gettext(lang, "What's new")
    feeds = [(FEED, new)]
    for view in portal.phases:
        if src == phase_src(view.phase.id):
            phase = portal.t(view.phase.name, lang)
            feeds.append((phase_atom(view.phase.id), f"{new} – {phase}"))
    return "".join(
        f'<link rel="alternate feed" type="application/atom+xml" title="{html.escape(name)}" '
        f'href="{html.escape(_absolute(_base(site_url), path))}">\n'
        for path, name in feeds
    )


def _base(site_url: str | None) -> str:
    return f"{site_url.rstrip('/')}/" if site_url else ""


def _absolute(base: str, path: str) -> str:
    """`path` (already quoted) under `base`, with what a URL may not hold (a quote, a space
    in site_url) percent-encoded: every reader then reads the same address."""
    return quote(base + path, safe=":/?#[]@!$&'()*+,;=%~")


def _xml(text: str) -> str:
    """Text as XML can hold it: a character it cannot (from a guide's heading) shown as �."""
    return _NOT_XML.sub("\ufffd", text)
