"""`phasebook new`: edits that keep what the author wrote, and undo themselves when invalid."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest

from generator.source.load import load_portal
from generator.source.model import Atx
from tests.helpers import ROOT, checksums, edit, load, phasebook


def added_lines(before: str, after: str) -> list[str]:
    """What an edit added; it must remove or change nothing."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    assert not [d for d in diff if d.startswith("- ")], "nothing written is lost or changed"
    return [d[2:] for d in diff if d.startswith("+ ")]


def test_new_session_keeps_comments_and_layout(minimal: Path) -> None:
    start = minimal / "phases" / "start.yml"
    edit(start, "  - id: atx-start\n", "  # 人気の回: 毎月開催\n  - id: atx-start\n")
    before = start.read_text(encoding="utf-8")
    result = phasebook(
        minimal,
        "new",
        "session",
        "atx-start",
        "--starts",
        "2027-03-04T14:00:00+09:00",
        "--register",
        "https://example.com/register/3",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote phases/start.yml\n"
    assert added_lines(before, start.read_text(encoding="utf-8")) == [
        "      - starts: 2027-03-04T14:00:00+09:00",
        "        language: ja",
        "        register: https://example.com/register/3",
    ]
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    atx = portal.program("atx-start")[1]
    assert isinstance(atx, Atx) and len(atx.sessions) == 3


def test_new_guide_writes_its_page_and_loads(minimal: Path) -> None:
    result = phasebook(
        minimal,
        "new",
        "program",
        "run",
        "guide-backup",
        "--kind",
        "guide",
        "--title",
        "バックアップの設定",
    )
    assert result.returncode == 0, result.stderr
    page = minimal / "content" / "guides" / "guide-backup.md"
    assert page.read_text(encoding="utf-8").startswith("# バックアップの設定\n")
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    view, guide = portal.program("guide-backup")
    assert view.phase.id == "run" and portal.title(guide) == "バックアップの設定"
    assert guide.tier == "free"


@pytest.mark.parametrize("kind", ["atx", "accelerator", "video"])
def test_new_program_of_each_kind_validates(minimal: Path, kind: str) -> None:
    result = phasebook(
        minimal,
        "new",
        "program",
        "run",
        f"{kind}-new",
        "--kind",
        kind,
        "--url",
        "https://example.com/x",
    )
    assert result.returncode == 0, result.stderr
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    program = portal.program(f"{kind}-new")[1]
    assert program.kind == kind
    assert program.tier == ("premier" if kind == "accelerator" else "free")


def test_new_phase_is_listed_in_its_stage(minimal: Path) -> None:
    result = phasebook(minimal, "new", "phase", "renew", "--name", "更新", "--stage", "use")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote phases/renew.yml\nwrote phases/lifecycle.yml\n"
    lifecycle = (minimal / "phases" / "lifecycle.yml").read_text(encoding="utf-8")
    assert "    phases: [run, renew]\n" in lifecycle
    portal = load_portal(minimal / "phases", minimal / "content", root=minimal)
    assert [v.phase.id for v in portal.phases] == ["start", "run", "renew"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["program", "run", "atx-start", "--kind", "atx"],
            "Error: program 'atx-start' already exists (phases/start.yml:14)",
        ),
        (["phase", "run"], "Error: phase 'run' already exists: choose another id"),
        (["program", "run", "intro", "--kind", "guide"], None),  # see below: the page exists
        (
            ["program", "nowhere", "x", "--kind", "atx"],
            "Error: unknown phase 'nowhere' (known: start, run)",
        ),
        (
            [
                "session",
                "video-tour",
                "--starts",
                "2027-03-04T14:00:00+09:00",
                "--register",
                "https://example.com/r",
            ],
            "Error: 'video-tour' is video, not an ATX: only ATX have sessions",
        ),
        (
            [
                "session",
                "atx-start",
                "--starts",
                "2027-03-04T14:00:00",
                "--register",
                "https://example.com/r",
            ],
            "Error: --starts '2027-03-04T14:00:00' has no UTC offset: add one, e.g. "
            "2027-03-04T14:00:00+09:00 for Japan time",
        ),
        (
            [
                "session",
                "atx-start",
                "--starts",
                "2026-12-03T10:00:00+09:00",
                "--register",
                "https://example.com/r",
            ],
            "Error: 'atx-start' already has a ja session at 2026-12-03T10:00:00+09:00",
        ),
        (
            ["program", "run", "video-x", "--kind", "video"],
            "Error: a video needs --url: the https: address of the video",
        ),
    ],
)
def test_refusals_change_nothing(minimal: Path, args: list[str], message: str | None) -> None:
    if message is None:  # a guide whose page someone already started writing
        draft = minimal / "content" / "guides" / "intro.md"
        draft.write_text("# 書きかけ\n", encoding="utf-8")
        message = "Error: content/guides/intro.md already exists: choose another id"
    before = checksums(minimal)
    result = phasebook(minimal, "new", *args)
    assert result.returncode == 1
    assert result.stderr.strip() == message
    assert checksums(minimal) == before


def test_an_invalid_result_is_never_written(minimal: Path) -> None:
    before = checksums(minimal)
    result = phasebook(
        minimal,
        "new",
        "session",
        "atx-start",
        "--starts",
        "2027-03-04T14:00:00+09:00",
        "--register",
        "http://example.com/insecure",
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[:3] == [
        "Error: the change would break the portal, nothing was changed:",
        "1 problem in the portal sources:",
        "  phases/start.yml:30:19: programs[1].sessions[2].register: "
        "'http://example.com/insecure' is not a valid https: URL",
    ]
    assert checksums(minimal) == before


# -- phasebook new plan ---------------------------------------------------------------------


def test_new_plan_creates_plans_yml_that_validates_and_plans(minimal: Path) -> None:
    result = phasebook(minimal, "new", "plan", "starter", "--name", "はじめてのプラン")
    assert (result.returncode, result.stdout) == (0, "wrote phases/plans.yml\n"), result.stderr
    text = (minimal / "phases" / "plans.yml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/plans.schema.json\n")
    assert text.endswith(
        "templates:\n"
        "  - id: starter\n"
        "    name: はじめてのプラン\n"
        "    summary: はじめてのプランでお客様が達成する成果をここに書いてください。\n"
        "    phases:\n"
        "      - phase: start\n"
        "        days: 30\n"
        "        milestones:\n"
        "          - {criterion: 1, day: 30, programs: [guide-hello, atx-start, acc-start]}\n"
        "      - phase: run\n"
        "        days: 30\n"
    )
    assert phasebook(minimal, "validate").returncode == 0
    plan = phasebook(minimal, "plan", "starter", "--start", "2027-01-15", "--lang", "en")
    assert plan.returncode == 0, plan.stderr
    assert "# はじめてのプラン" in plan.stdout
    assert "| 2027-02-14 | Start | At least one administrator signed in (Target: >= 1) |" in (
        plan.stdout
    )


def test_new_plan_keeps_the_comments_and_layout_of_plans_yml(tmp_path: Path) -> None:
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    plans = tmp_path / "phases" / "plans.yml"
    before = plans.read_text(encoding="utf-8")
    result = phasebook(
        tmp_path,
        "new",
        "plan",
        "free-rollout",
        "--name",
        "Free rollout",
        "--phases",
        "implement,prep",
        "--tier",
        "free",
        "--summary",
        "Rollout on your own.",
    )
    assert result.returncode == 0, result.stderr
    added = added_lines(before, plans.read_text(encoding="utf-8"))
    assert added[:6] == [
        "  - id: free-rollout",
        "    name: Free rollout",
        "    summary: Rollout on your own.",
        "    tier: free",
        "    phases:",
        "      - phase: prep",  # lifecycle order, whatever order --phases gave
    ]
    assert "          - {criterion: 1, day: 10, programs: [" in added[8]
    assert phasebook(tmp_path, "validate").returncode == 0
    planned = phasebook(
        tmp_path, "plan", "free-rollout", "--start", "2027-01-15", "--format", "json"
    )
    milestones = json.loads(planned.stdout)["milestones"]
    assert {m["phase"] for m in milestones} == {"prep", "implement"}
    paid = {p.id for _, p in load(tmp_path).programs() if p.tier != "free"}
    assert not {pid for m in milestones for pid in m["programs"]} & paid


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["onboarding-90", "--name", "X"], "plan template 'onboarding-90' already exists"),
        (["Onboarding", "--name", "X"], "'Onboarding' is not a valid plan template id"),
        (["x", "--name", "X", "--phases", "prep,launch"], "unknown phase 'launch' (known: prep,"),
        (["x", "--name", "X", "--tier", "gold"], "unknown tier 'gold' (one of: free,"),
    ],
)
def test_new_plan_refusals_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    before = checksums(tmp_path)
    result = phasebook(tmp_path, "new", "plan", *args)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: " + message), result.stderr
    assert checksums(tmp_path) == before
