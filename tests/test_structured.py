"""Structured data and link previews, read back from a real build as search engines and
chat apps read them: JSON-LD and Open Graph through extruct, the DOM through html5lib (a
browser's parser), the preview image through Pillow.

One portal is built once for the module: the minimal portal published under a site_url
with a path, a title and a product name that try to break out of a script element or an
attribute, a registration URL with `&` and `'`, and a paid ATX with no registration link.
Its build date (tests/helpers.EPOCH, 2026-12-01) falls between the ATX's two sessions.
"""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import extruct
import html5lib
import pytest
from PIL import Image

from generator.site.og_image import og_image
from tests.helpers import FIXTURES, edit, load, phasebook, problems

SITE_URL = "https://portal.example/cs/"
HOSTILE_TITLE = "</script><script>alert(1)</script><!-- はじめての設計 & 'q' \"dq\""
HOSTILE_PRODUCT = 'Example <Cloud> & "Co"'
REGISTER = "https://example.com/register?id=1&next=%3C/script%3E&who='me'"
PAID_ATX = """\
  - id: atx-run-deep
    kind: atx
    title: {ja: 運用の深掘り, en: Operations deep dive}
    summary: {ja: 運用を深く学びます。, en: Operations in depth.}
    tier: premier
    level: advanced
    duration_minutes: 90
    sessions:
      - starts: 2026-12-10T14:00:00+09:00
        language: en
"""
LD = "application/ld+json"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The portal described above, built once with `phasebook build`."""
    project = tmp_path_factory.mktemp("structured") / "portal"
    shutil.copytree(FIXTURES / "minimal", project)
    edit(
        project / "mkdocs.yml", "docs_dir: content\n", f"docs_dir: content\nsite_url: {SITE_URL}\n"
    )
    edit(
        project / "phases/lifecycle.yml", "product: Example Cloud", f"product: '{HOSTILE_PRODUCT}'"
    )
    start = project / "phases/start.yml"
    edit(start, '"<script>alert(1)</script> はじめての設計"', json.dumps(HOSTILE_TITLE))
    edit(start, "https://example.com/register/1", f'"{REGISTER}"')
    learn = "    summary: {ja: 設計の基本を学びます。, en: Learn the basics.}\n"
    edit(start, learn, learn + "    published: 2026-04-01\n")
    (project / "phases/run.yml").write_text(
        (project / "phases/run.yml").read_text(encoding="utf-8") + PAID_ATX, encoding="utf-8"
    )
    edit(
        project / "phases/run.yml",
        "    duration_minutes: 8\n",
        "    duration_minutes: 8\n    published: 2026-05-01\n    updated: 2026-06-15T09:30+09:00\n",
    )
    result = phasebook(project, "build")
    assert result.returncode == 0, result.stderr
    return project / "site"


def read(site: Path, path: str) -> tuple[list[dict], dict[str, list[str]], str]:
    """A page's JSON-LD entities (its @graph), its Open Graph properties, its HTML."""
    text = (site / path / "index.html").read_text(encoding="utf-8")
    found = extruct.extract(text, base_url=SITE_URL + path, syntaxes=["json-ld", "opengraph"])
    graph = [item for block in found["json-ld"] for item in block.get("@graph", [block])]
    og: dict[str, list[str]] = {}
    for block in found["opengraph"]:
        for key, value in block["properties"]:
            og.setdefault(key, []).append(value)
    return graph, og, text


def of_type(graph: list[dict], kind: str) -> list[dict]:
    return [item for item in graph if item.get("@type") == kind]


def test_an_upcoming_session_is_an_event_google_can_show(site: Path) -> None:
    graph, _, _ = read(site, "programs/atx-start/")
    (event,) = of_type(graph, "Event")  # the June session is over at build time
    assert event["name"] == HOSTILE_TITLE
    assert event["startDate"] == "2026-12-03T10:00:00+09:00"  # with its offset
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", event["endDate"])
    assert event["endDate"] == "2026-12-03T11:00:00+09:00"
    assert event["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"] == {"@type": "VirtualLocation", "url": REGISTER}
    assert event["inLanguage"] == "ja"
    assert event["organizer"] == {"@type": "Organization", "name": "Example", "url": SITE_URL}
    assert event["offers"]["url"] == REGISTER
    assert event["offers"]["price"] == 0
    assert event["isAccessibleForFree"] is True
    assert event["image"] == [SITE_URL + "assets/phasebook-og.png"]
    assert event["url"] == SITE_URL + "programs/atx-start/"


def test_sessions_over_at_build_time_are_left_out(site: Path) -> None:
    graph, _, _ = read(site, "programs/atx-start/")
    starts = [e["startDate"] for e in of_type(graph, "Event")]
    assert starts == ["2026-12-03T10:00:00+09:00"]
    (course,) = of_type(graph, "Course")
    assert [i["startDate"] for i in course["hasCourseInstance"]] == starts


def test_a_paid_session_says_it_is_part_of_a_plan_without_a_price(site: Path) -> None:
    graph, _, _ = read(site, "en/programs/atx-run-deep/")
    (event,) = of_type(graph, "Event")
    page = SITE_URL + "en/programs/atx-run-deep/"
    assert event["isAccessibleForFree"] is False
    assert "price" not in event["offers"]
    assert event["offers"]["description"] == "Included in the Premier plan"
    # No registration link: where to join is the program's own page.
    assert event["location"]["url"] == event["offers"]["url"] == page
    assert event["startDate"] == "2026-12-10T14:00:00+09:00"
    assert event["name"] == "Operations deep dive"
    (course,) = of_type(graph, "Course")
    assert course["isAccessibleForFree"] is False and course["educationalLevel"] == "advanced"


def test_yaml_text_stays_text_inside_the_script_element(site: Path) -> None:
    """A browser's parser finds one JSON-LD script holding the exact title, and no script
    that the title opened."""
    _, _, text = read(site, "programs/atx-start/")
    document = html5lib.parse(text, namespaceHTMLElements=False)
    scripts = list(document.iter("script"))
    ld = [s for s in scripts if s.get("type") == LD]
    assert len(ld) == 1
    data = json.loads(ld[0].text)
    assert {item["name"] for item in data["@graph"] if "name" in item} == {HOSTILE_TITLE}
    assert not [s for s in scripts if "alert(1)" in (s.text or "") and s.get("type") != LD]
    assert "<!--" not in ld[0].text and "</" not in ld[0].text


def test_a_recording_is_a_video_object(site: Path) -> None:
    graph, _, _ = read(site, "programs/atx-start/")
    (video,) = of_type(graph, "VideoObject")
    assert video["name"] == HOSTILE_TITLE
    assert video["embedUrl"] == "https://example.com/rec/atx-start"
    assert video["thumbnailUrl"] == [SITE_URL + "assets/phasebook-og.png"]
    # Recorded at its latest session that is over, held in English.
    assert video["uploadDate"] == "2026-06-03T10:00:00+09:00"
    assert video["inLanguage"] == "en"
    assert video["duration"] == "PT60M"


def test_a_program_says_when_it_was_published_and_changed(site: Path) -> None:
    graph, _, _ = read(site, "programs/atx-start/")
    (course,) = of_type(graph, "Course")
    assert course["datePublished"] == "2026-04-01T00:00:00+09:00"
    assert course["dateModified"] == "2026-04-01T00:00:00+09:00", "never updated: published"
    undated, _, _ = read(site, "programs/atx-run-deep/")
    assert "datePublished" not in of_type(undated, "Course")[0], "no date written, no git"


def test_a_video_page_is_a_video_object(site: Path) -> None:
    graph, og, _ = read(site, "en/programs/video-tour/")
    (video,) = of_type(graph, "VideoObject")
    assert video["name"] == "Console tour"
    assert video["embedUrl"] == "https://example.com/video/tour"
    assert video["duration"] == "PT8M"
    assert video["thumbnailUrl"] == [SITE_URL + "assets/phasebook-og.png"]
    # Uploaded when it was published: a date alone is midnight in the portal's zone.
    assert video["uploadDate"] == "2026-05-01T00:00:00+09:00"
    assert not of_type(graph, "Course") and not of_type(graph, "Event")
    assert og["og:locale"] == ["en_US"] and og["og:locale:alternate"] == ["ja_JP"]


def test_breadcrumbs_go_stage_phase_program(site: Path) -> None:
    """The stage leads to its own page, named as a stage: a stage and a phase of the same
    name (導入 and 導入) read apart."""
    graph, _, _ = read(site, "en/programs/acc-start/")
    (trail,) = of_type(graph, "BreadcrumbList")
    items = sorted(trail["itemListElement"], key=lambda i: i["position"])
    assert [(i["position"], i["name"]) for i in items] == [
        (1, "Stage: Onboard"),
        (2, "Start"),
        (3, "Design review"),
    ]
    assert [i["item"] for i in items] == [
        SITE_URL + "en/stages/onboard/",
        SITE_URL + "en/phases/start/",
        SITE_URL + "en/programs/acc-start/",
    ]
    (course,) = of_type(graph, "Course")
    assert course["provider"] == {"@type": "Organization", "name": "Example", "url": SITE_URL}


def test_phase_and_guide_pages_have_their_breadcrumbs(site: Path) -> None:
    graph, _, _ = read(site, "phases/run/")
    (trail,) = of_type(graph, "BreadcrumbList")
    assert [i["name"] for i in trail["itemListElement"]] == ["ステージ「利用」", "運用"]
    graph, og, _ = read(site, "guides/hello/")
    (trail,) = of_type(graph, "BreadcrumbList")
    assert [i["name"] for i in trail["itemListElement"]] == [
        "ステージ「導入」",
        "はじめに",
        "はじめてのログイン",
    ]
    assert og["og:title"] == ["はじめてのログイン"]


def test_every_page_has_open_graph_and_twitter_tags(site: Path) -> None:
    for path in ("", "phases/start/", "programs/atx-start/", "schedule/", "en/plans/"):
        _, og, text = read(site, path)
        for key in ("og:title", "og:type", "og:site_name", "og:locale", "og:url", "og:image"):
            assert len(og.get(key, [])) == 1, (path, key, og)
        assert og["og:url"] == [SITE_URL + path]
        assert og["og:image"] == [SITE_URL + "assets/phasebook-og.png"]
        assert og["og:image:width"] == ["1200"] and og["og:image:height"] == ["630"]
        document = html5lib.parse(text, namespaceHTMLElements=False)
        card = [m.get("content") for m in document.iter("meta") if m.get("name") == "twitter:card"]
        assert card == ["summary_large_image"], path


def test_open_graph_text_is_escaped(site: Path) -> None:
    _, og, text = read(site, "programs/atx-start/")
    assert og["og:title"] == [HOSTILE_TITLE]
    assert og["og:description"] == ["設計の基本を学びます。"]
    assert og["og:image:alt"] == [f"{HOSTILE_PRODUCT} のカスタマー ライフサイクル（フェーズ別）"]
    document = html5lib.parse(text, namespaceHTMLElements=False)
    # Nothing the title or the product held became an element of its own.
    assert not list(document.iter("cloud"))


def test_the_preview_image_is_a_1200_by_630_png(site: Path) -> None:
    data = (site / "assets/phasebook-og.png").read_bytes()
    image = Image.open(io.BytesIO(data))
    image.verify()
    assert image.format == "PNG" and image.size == (1200, 630)
    assert not (site / "en/assets/phasebook-og.png").exists()  # one image for both trees
    pixels = Image.open(io.BytesIO(data)).convert("RGB")
    # Two phases: the first the right half of the loop in its stage's colour (#283593),
    # the second the left half in the next stage's (#00695c).
    assert pixels.getpixel((480, 255)) == (40, 53, 147)
    assert pixels.getpixel((180, 375)) == (0, 105, 92)


def test_the_preview_image_is_the_same_bytes_in_two_builds(
    minimal_built_once: Path, tmp_path: Path
) -> None:
    """Two builds in two processes, same lifecycle and SOURCE_DATE_EPOCH: same PNG."""
    again = tmp_path / "again"
    shutil.copytree(FIXTURES / "minimal", again)
    assert phasebook(again, "build").returncode == 0
    first = (minimal_built_once / "site/assets/phasebook-og.png").read_bytes()
    assert first == (again / "site/assets/phasebook-og.png").read_bytes()
    assert b"tIME" not in first and b"tEXt" not in first  # no date, no software name


def test_without_site_url_nothing_relative_is_written(minimal_built_once: Path) -> None:
    """JSON-LD and Open Graph take absolute URLs only: a portal with no site_url keeps its
    events (their registration URLs are absolute) but has no breadcrumbs, og:url or image."""
    site = minimal_built_once / "site"
    text = (site / "programs/atx-start/index.html").read_text(encoding="utf-8")
    found = extruct.extract(text, syntaxes=["json-ld", "opengraph"])
    graph = found["json-ld"][0]["@graph"]
    assert not of_type(graph, "BreadcrumbList")
    (event,) = of_type(graph, "Event")
    assert event["location"]["url"] == "https://example.com/register/1"
    assert "url" not in event and "image" not in event
    (properties,) = [block["properties"] for block in found["opengraph"]]
    keys = {key for key, _ in properties}
    assert {"og:title", "og:locale"} <= keys and not keys & {"og:url", "og:image"}


def test_a_registration_url_that_would_leave_the_script_is_refused(tmp_path: Path) -> None:
    project = tmp_path / "portal"
    shutil.copytree(FIXTURES / "minimal", project)
    edit(
        project / "phases/start.yml",
        "https://example.com/register/1",
        "https://example.com/r</script><!--",
    )
    (found,) = problems(project)
    assert re.match(r"phases/start\.yml:\d+:\d+: ", found), found


def test_the_preview_image_of_one_phase_and_a_name_too_long(tmp_path: Path) -> None:
    """One phase takes the whole ring; a product name of one 200-letter word is cut to
    the picture's width; a title in Japanese only is left out, not drawn as boxes."""
    project = tmp_path / "portal"
    shutil.copytree(FIXTURES / "minimal", project)
    (project / "phases/run.yml").unlink()
    lifecycle = project / "phases/lifecycle.yml"
    edit(lifecycle, "  - id: use\n    name: {ja: 利用, en: Use}\n    phases: [run]\n", "")
    edit(lifecycle, "product: Example Cloud", "product: " + "W" * 200)
    edit(lifecycle, "en: Test Portal", "en: テスト")
    image = Image.open(io.BytesIO(og_image(load(project)))).convert("RGB")
    assert image.size == (1200, 630)
    margin = image.crop((1165, 0, 1200, 630))
    assert margin.getcolors() == [(35 * 630, (255, 255, 255))]  # nothing drawn past it
    assert image.getpixel((180, 375)) == (40, 53, 147)  # the left half: the same phase
