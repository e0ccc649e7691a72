"""What CS staff rely on: the coverage report, builds that never leave a broken site, and
sources that no command but `phasebook new` ever writes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import checksums, edit, phasebook

# -- report ------------------------------------------------------------------------------


def test_report_lists_every_gap_with_file_and_line(minimal: Path) -> None:
    edit(minimal / "phases" / "start.yml", "    recording: https://example.com/rec/atx-start\n", "")
    edit(minimal / "phases" / "start.yml", "    prerequisites: [atx-start]\n", "")
    result = phasebook(minimal, "report")
    assert result.returncode == 0, result.stderr
    table, gaps = result.stdout.split("\n\n")
    assert table.splitlines()[1].split() == [
        "1.",
        "はじめに",
        "(start)",
        "1",
        "0",
        "0",
        "1",
        "(1)",
        "3",
        "(1)",
        "0",  # questions in its FAQ
    ]
    assert gaps.splitlines() == [
        "9 gaps in 2 phases:",
        "  phases/run.yml:1:5: run: no exit_criteria: when is the customer ready to move on?",
        "  phases/run.yml:1:5: run: no experiences: write down what the customer experiences "
        "in this phase",
        "  phases/run.yml:1:5: run: no provided: write down what we already provide in this phase",
        "  phases/run.yml:1:5: run: no tasks: write down what the customer does in this phase",
        "  phases/run.yml:3:10: run: not translated into en: summary: write each as "
        "{ja: …, en: …}, else the en pages show the ja text",
        "  phases/start.yml:1:5: start: no experiences: write down what the customer "
        "experiences in this phase",
        "  phases/start.yml:1:5: start: no provided: write down what we already provide in "
        "this phase",
        "  phases/start.yml:25:9: atx-start: the session of 2026-06-03 10:00 is over and there "
        "is no recording: add the ATX's recording: URL",
        "  phases/start.yml:27:5: acc-start: accelerator has no prerequisites: name the ATX or "
        "guide to take first",
    ]


def test_report_finds_missing_free_help_and_orphan_pages(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: premier")
    (minimal / "content" / "guides" / "draft.md").write_text("# 下書き\n", encoding="utf-8")
    data = json.loads(phasebook(minimal, "report", "--format", "json").stdout)
    codes = {(g["subject"], g["code"]) for g in data["gaps"]}
    assert {
        ("run", "no-free-self-service"),
        ("video-tour", "paid-without-free"),
        ("guides/draft.md", "page-not-in-any-phase"),
    } <= codes
    assert [p["id"] for p in data["phases"]] == ["start", "run"]


def test_report_strict_gates_ci_and_markdown_renders_a_table(minimal: Path) -> None:
    assert phasebook(minimal, "report", "--strict").returncode == 1
    markdown = phasebook(minimal, "report", "--format", "markdown").stdout
    assert markdown.startswith("| phase | tasks |")
    assert "- phases/run.yml:1 **run**: no tasks" in markdown


# -- build -------------------------------------------------------------------------------


def test_failed_build_leaves_the_previous_site_intact(minimal: Path, tmp_path: Path) -> None:
    site = tmp_path / "out" / "site"
    first = phasebook(minimal, "build", "-d", str(site))
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert site / "index.html" in before
    edit(minimal / "phases" / "run.yml", "tier: free", "tier: gold")
    failed = phasebook(minimal, "build", "-d", str(site))
    assert failed.returncode == 1
    assert "phases/run.yml:8:11: programs[0].tier: unknown tier 'gold'" in failed.stderr
    assert f"Build failed: {site} is unchanged." in failed.stderr
    assert "Traceback" not in failed.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], "no staging left behind"


def test_strict_content_refuses_an_atx_nobody_can_join_or_watch(
    minimal: Path, tmp_path: Path
) -> None:
    start = minimal / "phases" / "start.yml"
    edit(start, "    recording: https://example.com/rec/atx-start\n", "")
    edit(start, "2026-12-03T01:00:00+00:00", "2026-11-03T01:00:00+00:00")
    site = tmp_path / "site"
    relaxed = phasebook(minimal, "build", "-d", str(site))
    assert relaxed.returncode == 0, relaxed.stderr
    assert (
        "phases/start.yml:14:5: atx-start: every session of the ATX is over (the last on "
        "2026-11-03 10:00) and there is no recording"
    ) in relaxed.stderr
    strict = phasebook(minimal, "build", "-d", str(tmp_path / "strict"), "--strict-content")
    assert strict.returncode == 1
    assert "1 problem in the portal sources:" in strict.stderr
    assert "phases/start.yml:14:5: atx-start: every session of the ATX is over" in strict.stderr
    assert not (tmp_path / "strict").exists()


def test_no_command_but_new_writes_the_sources(minimal: Path, tmp_path: Path) -> None:
    before = checksums(minimal)
    for args in (
        ["validate"],
        ["report"],
        ["search", "設計"],
        ["build", "-d", str(tmp_path / "site")],
    ):
        result = phasebook(minimal, *args)
        assert result.returncode == 0, (args, result.stderr)
    assert checksums(minimal) == before
