"""/new/ (what changed, newest first), /subscribe/ (every feed of the portal and how to
follow it) and the latest changes on the start page: all read from one list of changes
(generator/feeds/whatsnew.py), as the Atom feeds do."""

from __future__ import annotations

from dataclasses import dataclass

from generator.feeds import atom, calendar
from generator.feeds.whatsnew import changes
from generator.i18n import words
from generator.site.render.base import RendererBase
from generator.source.urls import NEW, SUBSCRIBE

HOME_CHANGES = 5  # the latest changes the start page shows


@dataclass(frozen=True)
class Feed:
    """One subscribable feed: what it follows, and its Atom and calendar files."""

    name: str
    atom: str | None  # None: the site has no site_url, so no Atom feed is written
    ics: str


def new_page(r: RendererBase, with_atom: bool) -> str:
    return r.render(
        "new.md.j2",
        src=NEW,
        changes=changes(r.portal, r.lang),
        feed=atom.FEED if with_atom else None,
        page_title=words.gettext(r.lang, "What's new"),
    )


def subscribe_page(r: RendererBase, with_atom: bool) -> str:
    feeds = [Feed(words.gettext(r.lang, "All phases"), atom.FEED, calendar.FEED)]
    for view in r.portal.phases:
        pid = view.phase.id
        feeds.append(Feed(r.t(view.phase.name), atom.phase_atom(pid), calendar.phase_feed(pid)))
    if not with_atom:
        feeds = [Feed(f.name, None, f.ics) for f in feeds]
    return r.render(
        "subscribe.md.j2",
        src=SUBSCRIBE,
        feeds=feeds,
        page_title=words.gettext(r.lang, "Subscribe to updates"),
    )


def home_changes(r: RendererBase) -> list:
    return changes(r.portal, r.lang, limit=HOME_CHANGES)
