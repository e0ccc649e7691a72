"""The portal's views in the built example: start page, catalogues, plans, catalog.json.

Each view is checked against the model it came from (loaded here from the same sources), so
a view that drifts from the data fails even when its HTML still looks plausible.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest

from generator.feeds.catalog import catalog, catalog_json
from generator.site.pages import keeper
from generator.site.render import Renderer
from generator.source.load import load_portal
from generator.source.memo import Memo
from generator.source.model import Atx, Portal
from tests.helpers import EPOCH, ROOT, text_of


@pytest.fixture(scope="module")
def portal() -> Portal:
    now = datetime.fromtimestamp(int(EPOCH), UTC)
    return load_portal(ROOT / "phases", ROOT / "content", root=ROOT, now=now)


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_start_page_loop_links_every_phase_in_lifecycle_order(
    example_site: Path, portal: Portal
) -> None:
    page = read(example_site, "index.html")
    svg = page[page.index('<svg class="pb-loop"') :]
    svg = svg[: svg.index("</svg>")]
    links = re.findall(r'<a class="pb-loop__phase" href="([^"]+)" data-pb-phase="([^"]+)"', svg)
    assert [phase for _, phase in links] == [v.phase.id for v in portal.phases]
    for href, phase in links:
        assert href == f"phases/{phase}/"
        assert (example_site / href / "index.html").is_file()
    # Every stage is named on the picture, in its own colour.
    stages = re.findall(r'class="pb-loop__stage"[^>]*fill="(#[0-9a-f]{6})">([^<]+)<', svg)
    assert [name for _, name in stages] == ["導入", "利用", "拡張"]
    assert len({colour for colour, _ in stages}) == 3


def test_start_page_shows_the_next_five_sessions(example_site: Path, portal: Portal) -> None:
    upcoming = sorted(
        (s.starts, p.id)
        for _, p in portal.programs()
        if isinstance(p, Atx)
        for s in portal.upcoming(p)
    )
    page = read(example_site, "index.html")
    block = page[page.index('class="pb-upcoming"') :]
    block = block[: block.index("</ul>")]
    items = re.findall(r"<li data-pb-session( hidden)?><time datetime=\"([^\"]+)\"", block)
    shown = [when for hidden, when in items if not hidden]
    assert [datetime.fromisoformat(w) for w in shown] == [s for s, _ in upcoming[:5]]
    # Spares wait hidden, for when the visitor's clock has passed the first ones.
    assert len(items) > 5 and all(hidden for hidden, _ in items[5:])
    visible = text_of(example_site / "index.html")
    assert "いまどのフェーズにいますか？" in visible
    assert "まだ →「導入準備」を開く" in visible


def test_catalog_json_is_valid_and_every_url_resolves(example_site: Path, portal: Portal) -> None:
    data = json.loads(read(example_site, "api/catalog.json"))
    schema = json.loads((ROOT / "schema" / "catalog.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["version"] == "1.1"
    assert [p["id"] for p in data["programs"]] == list(portal.by_id)
    assert len(data["sessions"]) == sum(
        len(p.sessions) for _, p in portal.programs() if isinstance(p, Atx)
    )
    site_url = data["site_url"]
    urls = [p["url"] for p in data["programs"] + data["phases"]]
    urls += [s["calendar"] for s in data["sessions"]]
    for url in urls:
        path = url.removeprefix(site_url)
        target = example_site / path / "index.html" if path.endswith("/") else example_site / path
        assert target.is_file(), url
    tiers = {t["id"]: t for t in data["tiers"]}
    assert tiers["free"]["touch"] == ["tech", "low"]
    assert tiers["standard"]["touch"] == ["tech", "low", "high"]
    first = data["sessions"][0]
    assert first["starts"].endswith("+09:00"), "times in the portal's zone"


def test_catalog_json_written_in_parts_is_the_catalog_written_at_once(
    portal: Portal, tmp_path: Path
) -> None:
    """catalog.json sets each program's entry and sessions, written on their own (and kept
    by the preview), into the rest: byte for byte what the whole Catalog gives, in a fresh
    build and in preview saves after an ATX's title changed, and back."""
    site_url = "https://cs.example.com/"
    whole = lambda p: catalog(p, site_url).model_dump_json(indent=1) + "\n"  # noqa: E731
    assert catalog_json(portal, site_url).decode() == whole(portal)
    shutil.copytree(ROOT / "phases", tmp_path / "phases")
    shutil.copytree(ROOT / "content", tmp_path / "content")
    view, atx = next((v, p) for v, p in portal.programs() if isinstance(p, Atx) and p.sessions)
    source = tmp_path / view.source
    text = source.read_text(encoding="utf-8")
    now = datetime.fromtimestamp(int(EPOCH), UTC)
    memo = Memo()
    for title in (atx.title["ja"], "改題した ATX", atx.title["ja"]):
        written_title = f"title: {{ja: {atx.title['ja']},"
        assert written_title in text
        source.write_text(text.replace(written_title, f"title: {{ja: {title},"), encoding="utf-8")
        state = load_portal(tmp_path / "phases", tmp_path / "content", root=tmp_path, now=now)
        keep = keeper(state, Renderer(state, lang="ja"), site_url, True, memo)
        written = catalog_json(state, site_url, True, keep).decode()
        memo.sweep()
        assert written == whole(state) and (title in written)


def test_catalogue_lists_every_program_of_its_kind_readable_without_script(
    example_site: Path, portal: Portal
) -> None:
    for path, kind in (("atx/index.html", "atx"), ("accelerators/index.html", "accelerator")):
        page = read(example_site, path)
        rows = re.findall(r'<tr data-phase="([^"]+)"', page)
        expected = [v.phase.id for v, p in portal.programs() if p.kind == kind]
        assert rows == expected
        # The filters need the script: without it they stay hidden and the table is whole.
        assert re.search(r'<form class="pb-filters"[^>]* hidden>', page)


def test_a_tier_badge_reads_the_same_on_every_page(example_site: Path) -> None:
    badge = re.compile(
        r'<span class="pb-badge [^"]+" data-tier="([^"]+)">'
        r'((?:<span class="pb-badge__mark">[^<]*</span> )?[^<]*)</span>'
    )
    seen: dict[str, set[str]] = {}
    # In each language: the Japanese tree at the root, the English one under en/.
    for page in example_site.rglob("*.html"):
        lang = "en" if page.relative_to(example_site).parts[0] == "en" else "ja"
        for tier, body in badge.findall(page.read_text(encoding="utf-8")):
            seen.setdefault(f"{lang}:{tier}", set()).add(body)
    assert set(seen) == {f"{g}:{t}" for g in ("ja", "en") for t in ("free", "standard", "premier")}
    for tier, bodies in seen.items():
        assert len(bodies) == 1, (tier, bodies)
    words = {t: html.unescape(re.sub(r"<[^>]+>", "", b.pop())).strip() for t, b in seen.items()}
    assert words == {
        "ja:free": "無償",
        "ja:standard": "有償 スタンダード",
        "ja:premier": "有償 プレミア",
        "en:free": "Free",
        "en:standard": "Paid Standard",
        "en:premier": "Paid Premier",
    }
    # Plain-text places (the catalogue's plan filter) use the same words.
    for lang, catalogue in (("ja", "atx/index.html"), ("en", "en/atx/index.html")):
        options = re.findall(
            r'<option value="([a-z]+)" data-pb-rank="\d">([^<]+)</option>',
            read(example_site, catalogue),
        )
        shown = {f"{lang}:{tier}": html.unescape(text) for tier, text in options}
        assert shown == {k: v for k, v in words.items() if k.startswith(lang)}


def test_plans_page_names_the_portal_and_build_date(example_site: Path) -> None:
    visible = text_of(example_site / "plans" / "index.html")
    assert "ミライクラウド カスタマーサクセス ポータル · 2026年12月1日時点" in visible
    page = read(example_site, "plans/index.html")
    assert 'href="https://miraicloud.example/support-plans/standard"' in page
    assert "無償サポート" in visible and "有償サポートプラン" in visible


@pytest.mark.parametrize(
    ("lang", "shown"),
    [("ja", "2026年12月15日(火) 18:00–19:00 JST"), ("en", "Tue, Dec 15, 2026 18:00–19:00 JST")],
)
def test_session_times_read_as_each_language_writes_them(portal: Portal, lang: str, shown: str):
    """Dates come from the locale's own pattern (Babel), not from a pattern per language."""
    _, rollout = portal.program("atx-implement-rollout")
    session = next(s for s in rollout.sessions if s.starts.day == 15)
    text = html.unescape(
        re.sub(r"<[^>]+>", "", str(Renderer(portal, lang=lang).when(session, rollout)))
    )
    assert text == shown


def test_targets_read_as_people_write_them(example_site: Path) -> None:
    """`target: ">= 95%"` is 「95%以上」 and "at least 95%", never the operator."""
    japanese = text_of(example_site / "phases" / "implement" / "index.html")
    english = text_of(example_site / "en" / "phases" / "implement" / "index.html")
    assert "目標: 95%以上" in japanese and "Target: at least 95%" in english
    assert "目標: 2名以上" in text_of(example_site / "phases" / "prep" / "index.html")
    assert "at least 2 people" in text_of(example_site / "en" / "phases" / "prep" / "index.html")
    assert ">=" not in japanese + english


def test_what_customers_get_is_named_without_cs_jargon(example_site: Path) -> None:
    for page in example_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for jargon in ("テックタッチ", "ロータッチ", "ハイタッチ", "Tech-touch", "High-touch"):
            assert jargon not in text, (page, jargon)
    # Each way of helping is one unbreakable span: text_of's spaces at its tags are not shown.
    plans = re.sub(r" ?、 ?", "、", text_of(example_site / "plans" / "index.html"))
    # A list as CLDR joins it in Japanese (Babel's format_list), as the English page's is.
    assert "支援の形: セルフサービス、ウェビナー（1対多）、専任担当（1対1）" in plans
    english = re.sub(r" ,", ",", text_of(example_site / "en" / "plans" / "index.html"))
    assert (
        "How we help: Self-service, Webinars (one-to-many), and Dedicated help (one-to-one)"
        in english
    )
    program = text_of(example_site / "programs" / "acc-engage-alert-tuning" / "index.html")
    assert "ステージ: 利用 › フェーズ 4 / 8: 定着" in program


def test_a_language_without_a_catalog_is_warned_about_once_and_shown_in_english(
    portal: Portal, caplog: pytest.LogCaptureFixture
) -> None:
    """Adding a language is writing its catalog: until then its fixed words are English,
    and the build says so once, not silently."""
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.phasebook"):
        renderer = Renderer(portal, lang="fr")
        page = renderer.phase_page(portal.phases[0])
        renderer.plans_page()
    said = [r.getMessage() for r in caplog.records if "'fr'" in r.getMessage()]
    assert len(said) == 1 and "portal.po" in said[0]
    assert "## What to do in this phase {#tasks}" in page
    # Names of languages come from CLDR, in the page's language.
    assert renderer.language_name("ja") == "japonais"
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.phasebook"):
        Renderer(portal, lang="en")
        Renderer(portal, lang="ja")
    assert caplog.records == []
