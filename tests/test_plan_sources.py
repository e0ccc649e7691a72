"""Success-plan templates in the sources: what an author of phases/plans.yml is told, at
which file:line:col, when a template names what does not exist or dates it impossibly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import ROOT, edit, load, phasebook, problems

GOOD = """\
templates:
  - id: starter
    name: {ja: はじめの30日, en: First 30 days}
    summary: 最初の30日でやることです。
    tier: free
    phases:
      - phase: prep
        days: 14
        milestones:
          - criterion: 1
            day: 5
            programs: [guide-getting-started]
          - criterion: 2
            day: 10
            programs: [video-first-login]
      - phase: implement
        days: 16
"""


@pytest.fixture
def portal(tmp_path: Path) -> Path:
    """The example portal's sources, writable, with one small template."""
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "phases" / "plans.yml").write_text(GOOD, encoding="utf-8")
    return tmp_path


def plans(root: Path) -> Path:
    return root / "phases" / "plans.yml"


def test_a_good_template_loads_and_the_example_has_two(portal: Path) -> None:
    assert [t.id for t in load(portal).plans] == ["starter"]
    assert [t.id for t in load(ROOT).plans] == ["onboarding-90", "premier-rollout"]


def test_without_the_file_the_portal_loads_with_no_templates(portal: Path) -> None:
    plans(portal).unlink()
    assert load(portal).plans == ()


def test_an_unknown_phase_is_located_and_the_known_ones_listed(portal: Path) -> None:
    edit(plans(portal), "phase: implement", "phase: implemnt")
    found = problems(portal)
    assert found == [
        "phases/plans.yml:16:16: templates[0].phases[1].phase: unknown phase 'implemnt' "
        "(one of: prep, implement, use, engage, adopt, optimize, renew, recommend)"
    ]


def test_an_unknown_criterion_says_how_many_the_phase_has(portal: Path) -> None:
    edit(plans(portal), "criterion: 2", "criterion: 7")
    assert problems(portal) == [
        "phases/plans.yml:13:24: templates[0].phases[0].milestones[1].criterion: unknown "
        "criterion 7: phase 'prep' has exit criteria 1 to 3, numbered in the order its file "
        "lists them"
    ]


def test_an_unknown_program_is_located(portal: Path) -> None:
    edit(plans(portal), "[video-first-login]", "[video-frist-login]")
    assert problems(portal) == [
        "phases/plans.yml:15:24: templates[0].phases[0].milestones[1].programs[0]: unknown "
        "program 'video-frist-login' (no phase file defines it)"
    ]


def test_a_negative_day_and_one_out_of_order(portal: Path) -> None:
    edit(plans(portal), "day: 5", "day: -3")
    found = problems(portal)
    assert found == [
        "phases/plans.yml:11:18: templates[0].phases[0].milestones[0].day: day -3 is negative: "
        "count days from the start of the phase, from 0"
    ]
    edit(plans(portal), "day: -3", "day: 12")
    assert problems(portal) == [
        "phases/plans.yml:14:18: templates[0].phases[0].milestones[1].day: day 10 comes "
        "before the previous milestone's day 12: list milestones in the order they fall"
    ]


def test_a_milestone_after_the_next_phase_starts(portal: Path) -> None:
    edit(plans(portal), "day: 10", "day: 20")
    assert problems(portal) == [
        "phases/plans.yml:14:18: templates[0].phases[0].milestones[1].day: day 20 falls after "
        "the phase ends on day 14, when the next phase starts: move the milestone, or make "
        "the phase longer (days: 20 or more)"
    ]


def test_a_program_above_the_templates_tier_unless_declared(portal: Path) -> None:
    edit(
        plans(portal),
        "        days: 16\n",
        "        days: 16\n        milestones:\n"
        "          - {criterion: 1, programs: [acc-implement-rollout-plan]}\n",
    )
    assert problems(portal) == [
        "phases/plans.yml:19:39: templates[0].phases[1].milestones[0].programs[0]: program "
        "'acc-implement-rollout-plan' needs the premier tier, above this template's free: "
        "recommend a program of free, or write 'upsell: true' on the template to recommend "
        "paid help on purpose"
    ]
    edit(plans(portal), "    tier: free\n", "    tier: free\n    upsell: true\n")
    assert [t.id for t in load(portal).plans] == ["starter"]


def test_phases_out_of_order_and_a_criterion_closed_twice(portal: Path) -> None:
    text = plans(portal).read_text(encoding="utf-8")
    text = text.replace("phase: prep", "phase: use").replace("criterion: 2", "criterion: 1")
    text = text.replace("days: 14", "days: 30")
    plans(portal).write_text(text, encoding="utf-8")
    found = problems(portal)
    assert any(
        "templates[0].phases[1].phase: phase 'implement' is out of lifecycle order" in p
        for p in found
    ), found
    assert any("criterion 1 is closed twice in this phase: keep one" in p for p in found), found


def test_schema_errors_speak_the_authors_language(portal: Path) -> None:
    edit(plans(portal), "days: 14", "days: two weeks")
    edit(plans(portal), "    tier: free\n", "    tier: free\n    colour: blue\n")
    found = problems(portal)
    assert (
        "phases/plans.yml:9:15: templates[0].phases[0].days: expected a whole number, got "
        "'two weeks'" in found
    ), found
    assert any(
        p.startswith("phases/plans.yml:6:5: templates[0].colour: unknown key") for p in found
    )


def test_validate_reports_in_japanese_and_exits_non_zero(portal: Path) -> None:
    edit(plans(portal), "phase: implement", "phase: nowhere")
    result = phasebook(portal, "validate", env_extra={"PHASEBOOK_LANG": "ja"})
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "phases/plans.yml:16:16:" in result.stderr
    assert "不明なフェーズ 'nowhere'" in result.stderr


def test_typical_days_on_a_phase_is_checked(portal: Path) -> None:
    edit(portal / "phases" / "use.yml", "\nexit_criteria:", "\ntypical_days: 0\nexit_criteria:")
    found = problems(portal)
    assert any(p.startswith("phases/use.yml:") and "typical_days" in p for p in found), found
