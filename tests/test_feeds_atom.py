"""The Atom feeds as feed readers read them (feedparser): well formed, the Atom rules on ids,
dates, self links and language, hostile titles and addresses kept as text, and the start
page and /subscribe/ made from the same data."""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from generator.feeds.atom import atom_files, head_links
from generator.site.pages import site_files
from generator.site.render import Renderer
from tests.helpers import edit, load

SITE_URL = "https://success.miraicloud.example/"


def _feeds(site: Path) -> list[Path]:
    return sorted(site.glob("new/**/*.xml")) + sorted(site.glob("en/new/**/*.xml"))


def test_every_feed_of_the_example_parses_and_keeps_the_atom_rules(example_site: Path) -> None:
    feeds = _feeds(example_site)
    assert len(feeds) == 2 * (1 + 8)  # per language: the portal and its 8 phases
    for path in feeds:
        url = SITE_URL + path.relative_to(example_site).as_posix()
        parsed = feedparser.parse(
            path.read_bytes(),
            response_headers={"content-location": url, "content-type": "application/atom+xml"},
        )
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        feed = parsed.feed
        assert feed.id == url
        assert [link.href for link in feed.links if link.rel == "self"] == [url]
        assert feed.language == ("en" if "/en/" in url else "ja")
        assert feed.updated_parsed is not None and feed.title
        ids = [entry.id for entry in parsed.entries]
        assert len(ids) == len(set(ids)) and all(i.startswith(SITE_URL) for i in ids)
        stamps = [datetime.fromisoformat(entry.updated) for entry in parsed.entries]
        assert stamps == sorted(stamps, reverse=True), path  # newest first
        if stamps:
            # The feed changed when its latest entry did, not when it was built.
            assert datetime.fromisoformat(feed.updated) == stamps[0]
        for entry in parsed.entries:
            assert entry.link == entry.id and entry.title and entry.summary
            assert datetime.fromisoformat(entry.published) <= datetime.fromisoformat(entry.updated)


def test_the_start_page_shows_the_latest_of_the_feed(example_site: Path) -> None:
    feed = feedparser.parse((example_site / "en" / "new" / "atom.xml").read_bytes())
    latest = [re.sub(r"^(New|Updated): ", "", e.title) for e in feed.entries[:5]]
    page = (example_site / "en" / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<ul class="pb-new"[^>]*>(.*?)</ul>', page, re.DOTALL)[0]
    links = re.findall(r'</strong> <a href="[^"]+"[^>]*>(.*?)</a>', listed)
    shown = [html.unescape(re.sub(r"<[^>]+>", "", t)) for t in links]
    assert len(shown) == 5 and shown == latest


def test_subscribe_lists_every_atom_and_calendar_feed_of_its_language(
    example_site: Path,
) -> None:
    for tree in (example_site, example_site / "en"):
        page = (tree / "subscribe" / "index.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]+)" data-pb-feed>', page)
        assert "../new/atom.xml" in links and "../schedule.ics" in links
        for phase in ("prep", "renew"):
            assert f"../new/phases/{phase}.xml" in links and f"../schedule/{phase}.ics" in links
        assert len(links) == 2 * 9
        for link in links:  # every feed it offers is in the site
            assert (tree / "subscribe" / link).resolve().is_file(), link


HOSTILE = "]]></title><script>alert(1)</script>&amp;"


@pytest.fixture
def hostile(minimal: Path) -> Path:
    """The minimal portal with a title that tries to end its XML element and a guide at a
    path that is not a plain URL."""
    edit(minimal / "phases" / "start.yml", "en: First design}", f"en: '{HOSTILE}'}}")
    edit(
        minimal / "phases" / "start.yml",
        "minutes: 60\n",
        "minutes: 60\n    published: 2026-10-01\n    updated: 2026-11-01\n",
    )
    guides = minimal / "content" / "guides"
    text = (guides / "hello.md").read_text(encoding="utf-8")
    (guides / 'a b&c"d.md').write_text(f"---\npublished: 2026-10-02\n---\n{text}")
    (guides / "hello.md").unlink()
    edit(minimal / "phases" / "start.yml", "page: guides/hello.md", "page: 'guides/a b&c\"d.md'")
    return minimal


def test_a_hostile_title_and_path_stay_text_in_feeds_and_head(hostile: Path) -> None:
    portal = load(hostile)
    feeds = dict(atom_files(portal, 'https://example.com/x"y/', "en"))
    raw = feeds["new/atom.xml"]
    assert b"<script>" not in raw and b"]]></title>" not in raw
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = {e.title for e in parsed.entries}
    assert f"Updated: {HOSTILE}" in titles
    links = {e.link for e in parsed.entries}
    assert "https://example.com/x%22y/guides/a%20b%26c%22d/" in links
    head = head_links(portal, "en", "phases/start.md", 'https://example.com/x"y/')
    assert 'href="https://example.com/x%22y/new/atom.xml"' in head
    assert head.count("<link ") == 2


def test_a_guide_heading_with_a_control_character_is_kept_out_of_the_feed(
    minimal: Path,
) -> None:
    guide = minimal / "content" / "guides" / "hello.md"
    guide.write_text("---\npublished: 2026-10-01\n---\n# Hello\x0bworld\n\nLog in.\n")
    # Markdown may hold it; XML 1.0 cannot, and one such character would void the feed.
    raw = dict(atom_files(load(minimal), "https://example.com/", "ja"))["new/atom.xml"]
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert "新着: Hello\ufffdworld" in {e.title for e in parsed.entries}


def test_without_site_url_no_feed_is_offered(minimal: Path) -> None:
    portal = load(minimal)
    assert list(atom_files(portal, None, "ja")) == []
    assert head_links(portal, "ja", "phases/start.md", None) == ""
    files = {
        f.src: f.content
        for f in site_files(portal, Renderer(portal), site_url=None, directory_urls=True)
    }
    assert "atom.xml" not in files["new.md"] and ".xml" not in files["subscribe.md"]
    assert "schedule.ics" in files["subscribe.md"]
