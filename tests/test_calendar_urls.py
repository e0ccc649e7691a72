"""Calendar events link the program's page where the site publishes it: with MkDocs'
`use_directory_urls: false` that is `programs/<id>.html`, not `programs/<id>/` (a 404)."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from tests.helpers import edit, mkdocs_build

SITE_URL = "https://example.com/portal/"


def test_every_event_url_is_a_page_of_the_built_site(minimal: Path) -> None:
    edit(
        minimal / "mkdocs.yml",
        "docs_dir: content\n",
        f"docs_dir: content\nsite_url: {SITE_URL}\nuse_directory_urls: false\n",
    )
    site = minimal / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    feeds = sorted(site.rglob("*.ics"))
    urls = {
        str(event["URL"])
        for feed in feeds
        for event in Calendar.from_ical(feed.read_bytes()).walk("VEVENT")
    }
    # Both languages' trees: the first at the root, English under /en/.
    assert f"{SITE_URL}programs/atx-start.html" in urls
    assert f"{SITE_URL}en/programs/atx-start.html" in urls
    for url in urls:
        assert url.startswith(SITE_URL), url
        assert (site / url.removeprefix(SITE_URL)).is_file(), url
