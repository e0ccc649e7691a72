"""Full `mkdocs build --strict` runs, asserting on the HTML a visitor sees."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from tests.helpers import ROOT, edit, mkdocs_build, text_of


def test_phase_page_lists_programs_grouped_with_badges(example_site: Path) -> None:
    page = (example_site / "phases" / "implement" / "index.html").read_text(encoding="utf-8")
    groups = [page.index(f'id="{anchor}"') for anchor in ("self-service", "atx", "accelerators")]
    assert groups == sorted(groups), "self-service first, then ATX, then accelerators"
    review = re.search(
        r'<a href="../../programs/acc-implement-design-review/">.*?</li>', page, re.S
    )
    assert review and 'class="pb-badge pb-paid"' in review.group(0)
    assert "スタンダード" in review.group(0)
    guide = re.search(r'<a href="../../guides/agent-rollout/">.*?</li>', page, re.S)
    assert guide and 'class="pb-badge pb-free"' in guide.group(0)
    visible = text_of(example_site / "phases" / "implement" / "index.html")
    assert "展開対象の端末の95%以上でエージェントが稼働している" in visible
    assert "前のフェーズ: 導入準備" in visible and "次のフェーズ: 利用" in visible


def test_program_page_shows_sessions_in_portal_time_zone(example_site: Path) -> None:
    # Defined as 2026-12-15T09:00:00+00:00: a Japanese visitor reads 18:00 on a Tuesday.
    visible = text_of(example_site / "programs" / "atx-implement-rollout" / "index.html")
    assert "2026年12月15日(火) 18:00–19:00 JST" in visible
    assert "2026年12月17日(木) 15:00–16:00 JST" in visible
    # 2026-11-19 is before the build date (SOURCE_DATE_EPOCH): listed as past, not upcoming.
    upcoming, past = visible.split("過去の開催")
    assert "2026年11月19日" in past and "2026年11月19日" not in upcoming


def test_accelerator_page_has_prerequisites_outcomes_and_request(example_site: Path) -> None:
    page = (example_site / "programs" / "acc-implement-rollout-plan" / "index.html").read_text(
        encoding="utf-8"
    )
    assert 'href="../atx-implement-rollout/"' in page
    assert 'href="../../guides/agent-rollout/"' in page
    assert 'href="https://miraicloud.example/accelerators/request?program=rollout-plan"' in page
    assert "遠隔拠点向けの作業手順書" in text_of(
        example_site / "programs" / "acc-implement-rollout-plan" / "index.html"
    )


def test_guide_shows_tier_and_phase(example_site: Path) -> None:
    page = (example_site / "guides" / "sso-setup" / "index.html").read_text(encoding="utf-8")
    meta = re.search(r'<p class="pb-meta"[^>]*>.*?</p>', page, re.S)
    assert meta and "pb-free" in meta.group(0) and 'href="../../phases/implement/"' in meta.group(0)


def test_wrapped_japanese_lines_read_without_a_stray_space(example_site: Path) -> None:
    # content/guides/sso-setup.md wraps "入社や異動に" / "合わせた" over two lines.
    page = (example_site / "guides" / "sso-setup" / "index.html").read_text(encoding="utf-8")
    assert "入社や異動に合わせた" in page
    code = (example_site / "guides" / "api-integration" / "index.html").read_text(encoding="utf-8")
    assert "# 起票済み" in html.unescape(re.sub(r"<[^>]+>", "", code)), "code stays untouched"


def test_nav_is_stages_then_phases_only(example_site: Path) -> None:
    page = (example_site / "index.html").read_text(encoding="utf-8")
    outside = page[: page.index("<article")] + page[page.index("</article>") :]
    links = re.findall(r'href="((?:phases|programs|guides)/[^"]*)"', outside)
    assert not [link for link in links if not link.startswith("phases/")]
    order = ["prep", "implement", "use", "engage", "adopt", "optimize", "renew", "recommend"]
    assert set(links) == {f"phases/{p}/" for p in order}
    tabs = re.findall(r'class="md-tabs__link">\s*(.*?)\s*</a>', page, re.S)
    stages = ["導入", "利用", "拡張"]
    views = [
        "ATX",
        "アクセラレーター",
        "開催スケジュール",
        "新着情報",
        "サポートプラン",
        "あなたのサクセスプラン",
    ]
    assert tabs == ["ホーム", *stages, *views]


STAFF = ("git.miraicloud.example", 'rel="edit"', "Made with", "md-source")


def test_customers_see_no_staff_links(example_site: Path) -> None:
    """No edit button, repository link or generator credit on any page, in any language."""
    for page in example_site.rglob("*.html"):
        source = page.read_text(encoding="utf-8")
        assert not [s for s in STAFF if s in source], page


def test_an_internal_preview_shows_the_edit_button_on_the_yaml(tmp_path: Path) -> None:
    project = tmp_path / "portal"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project)
    edit(project / "mkdocs.yml", "  - phasebook:\n", "  - phasebook:\n      staff_links: true\n")
    site = tmp_path / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    page = (site / "programs" / "atx-use-console" / "index.html").read_text(encoding="utf-8")
    edit_url = "https://git.miraicloud.example/cs/success-portal/edit/main/phases/use.yml"
    assert f'href="{edit_url}"' in page and "md-source" in page and "Made with" in page
    english = (site / "en" / "programs" / "atx-use-console" / "index.html").read_text("utf-8")
    assert f'href="{edit_url}"' in english


def test_site_makes_no_third_party_font_requests(example_site: Path) -> None:
    page = (example_site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in page and "fonts.gstatic.com" not in page


def test_title_from_yaml_is_escaped_everywhere(minimal: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    for page in site.rglob("*.html"):
        assert "<script>alert(1)</script>" not in page.read_text(encoding="utf-8"), page
    visible = text_of(site / "programs" / "atx-start" / "index.html")
    assert "<script>alert(1)</script> はじめての設計" in visible
    title = re.search(
        r"<title>(.*?)</title>",
        (site / "programs" / "atx-start" / "index.html").read_text(encoding="utf-8"),
    ).group(1)
    assert html.unescape(title).startswith("<script>alert(1)</script> はじめての設計")


def test_broken_yaml_fails_with_message_and_no_traceback(minimal: Path, tmp_path: Path) -> None:
    edit(minimal / "phases" / "start.yml", "tier: premier", "tier: gold")
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 1
    assert (
        "phases/start.yml:31:11: programs[2].tier: unknown tier 'gold' (known: free, premier)"
        in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not site.exists()


def test_templates_can_be_overridden_from_the_site(minimal: Path, tmp_path: Path) -> None:
    overrides = minimal / "overrides"
    overrides.mkdir()
    (overrides / "guide_header.md.j2").write_text(
        '<p class="custom-header">{{ program.tier }}</p>\n', encoding="utf-8"
    )
    edit(minimal / "mkdocs.yml", "  - phasebook", "  - phasebook:\n      templates_dir: overrides")
    site = tmp_path / "site"
    assert mkdocs_build(minimal, site).returncode == 0
    page = (site / "guides" / "hello" / "index.html").read_text(encoding="utf-8")
    assert '<p class="custom-header">free</p>' in page


def test_a_site_overrides_one_block_and_keeps_the_rest(minimal: Path, tmp_path: Path) -> None:
    """`{% extends "phasebook/program.md.j2" %}`: one part replaced, in every language, and
    everything else (facts, sessions, related content) still ours."""
    overrides = minimal / "overrides"
    overrides.mkdir()
    (overrides / "program.md.j2").write_text(
        '{% extends "phasebook/program.md.j2" %}\n'
        "{% block topics %}\n"
        '<p class="custom-topics">{{ program.topics | length }} {{ l.topics }}</p>\n\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    edit(minimal / "mkdocs.yml", "  - phasebook", "  - phasebook:\n      templates_dir: overrides")
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    for root in (site, site / "en"):
        page = (root / "programs" / "atx-start" / "index.html").read_text(encoding="utf-8")
        assert re.search(r'<p class="custom-topics">\d+ [^<]+</p>', page)
        assert 'id="sessions"' in page and "pb-badge" in page
    english = (site / "en" / "programs" / "atx-start" / "index.html").read_text("utf-8")
    assert "Topics</p>" in english


def test_build_is_reproducible(minimal: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert mkdocs_build(minimal, first).returncode == 0
    assert mkdocs_build(minimal, second).returncode == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_a_hand_written_start_page_wins(minimal: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert mkdocs_build(minimal, site).returncode == 0
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="phases/start/"' in page and "pb-loop" not in page


def test_views_link_right_without_directory_urls(minimal: Path, tmp_path: Path) -> None:
    (minimal / "content" / "index.md").unlink()
    config = minimal / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8") + "use_directory_urls: false\n", encoding="utf-8"
    )
    site = tmp_path / "site"
    result = mkdocs_build(minimal, site)
    assert result.returncode == 0, result.stderr
    for view in ("index.html", "atx.html", "plans.html", "accelerators.html"):
        page = (site / view).read_text(encoding="utf-8")
        article = page[page.index("<article") : page.index("</article>")]
        links = re.findall(r'href="((?:phases|programs|guides)/[^"#]+)"', article)
        assert links, view
        for link in links:
            assert (site / link).is_file(), (view, link)


def test_long_catalogues_are_split_into_pages(paged_site: Path) -> None:
    pages = [
        paged_site / "atx" / "index.html",
        *(paged_site / "atx" / str(n) / "index.html" for n in (2, 3)),
    ]
    html_of = [p.read_text(encoding="utf-8") for p in pages]
    assert [h.count("<tr data-phase=") for h in html_of] == [5, 5, 3]
    assert '<a href="../" rel="prev">' in html_of[1]
    assert '<a href="../3/" rel="next">' in html_of[1]
    assert "2 / 3 ページ（全13件）" in html_of[1]
    assert 'data-pb-rows="rows.json"' in html_of[0]
    rows = json.loads((paged_site / "atx" / "rows.json").read_text(encoding="utf-8"))
    assert len(rows) == 13 and set(rows[0]) == {"phase", "rank", "level", "lang", "html"}
    # Rows link as from the first page, where the browser shows them.
    assert 'href="../programs/atx-prep-value/"' in rows[0]["html"]
    # Only the first page is in the navigation.
    assert "atx/2/" not in html_of[0].split('class="md-content"')[0]
    accelerators = (paged_site / "accelerators" / "2" / "index.html").read_text(encoding="utf-8")
    assert accelerators.count("<tr data-phase=") == 1


def test_a_long_schedule_is_split_into_pages(paged_site: Path, example_site: Path) -> None:
    upcoming = text_of(example_site / "schedule" / "index.html").count(" JST ")
    assert upcoming > 10
    pages = -(-upcoming // 5)
    counts = [
        text_of(paged_site / "schedule" / rest / "index.html").count(" JST ")
        for rest in ["", *(str(n) for n in range(2, pages + 1))]
    ]
    assert counts == [5] * (pages - 1) + [upcoming - 5 * (pages - 1)]
    last = (paged_site / "schedule" / str(pages) / "index.html").read_text(encoding="utf-8")
    assert f"{pages} / {pages} ページ（全{upcoming}件）" in last
    assert not (paged_site / "schedule" / str(pages + 1)).exists()
