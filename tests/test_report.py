"""`phasebook report`: what counts as a way through a phase alone, and gaps a phase accepts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import RUN, edit, phasebook, problems

# The minimal portal's second phase holds one free video; make it a free ATX instead.
RECORDED_ATX = """\
  - id: atx-run
    kind: atx
    title: 運用のコツ
    tier: free
    level: beginner
    duration_minutes: 60
    recording: https://example.com/rec/run
"""
VIDEO = RUN[RUN.index("  - id: video-tour") :]


def gaps(project: Path) -> dict:
    result = phasebook(project, "report", "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_free_recorded_atx_is_a_way_through_alone(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", VIDEO, RECORDED_ATX)
    data = gaps(minimal)
    assert ("run", "no-free-self-service") not in {(g["subject"], g["code"]) for g in data["gaps"]}
    assert data["phases"][1]["free_self_service"] == 1


def test_a_free_atx_without_its_recording_is_not(minimal: Path) -> None:
    edit(
        minimal / "phases" / "run.yml",
        VIDEO,
        RECORDED_ATX.replace("    recording: https://example.com/rec/run\n", ""),
    )
    found = {(g["subject"], g["code"]) for g in gaps(minimal)["gaps"]}
    assert ("run", "no-free-self-service") in found


def test_a_paid_recorded_atx_is_not_free_help(minimal: Path) -> None:
    edit(minimal / "phases" / "run.yml", VIDEO, RECORDED_ATX.replace("tier: free", "tier: premier"))
    found = {(g["subject"], g["code"]) for g in gaps(minimal)["gaps"]}
    assert ("run", "no-free-self-service") in found


ACCEPT = "report:\n  accept: [no-tasks, no-exit-criteria]\n  reason: 運用フェーズは来期に設計する\n"


def test_an_accepted_gap_is_listed_as_accepted_and_passes_strict(minimal: Path) -> None:
    run = minimal / "phases" / "run.yml"
    run.write_text(run.read_text(encoding="utf-8") + ACCEPT, encoding="utf-8")
    text = phasebook(minimal, "report").stdout
    assert "Accepted (2):" in text
    assert (
        "  phases/run.yml:1:5: run: no tasks: write down what the customer does in this phase "
        "(accepted: 運用フェーズは来期に設計する)" in text
    )
    data = gaps(minimal)
    assert {g["code"] for g in data["accepted"]} == {"no-tasks", "no-exit-criteria"}
    assert not {g["code"] for g in data["gaps"] if g["subject"] == "run"} & {
        "no-tasks",
        "no-exit-criteria",
    }
    markdown = phasebook(minimal, "report", "--format", "markdown").stdout
    assert "**Accepted (2):**" in markdown


def test_strict_passes_when_every_gap_is_accepted(minimal: Path) -> None:
    accepted = {
        "start.yml": "[no-experiences, no-provided]",
        "run.yml": "[no-tasks, no-experiences, no-provided, no-exit-criteria, untranslated]",
    }
    for name, codes in accepted.items():
        path = minimal / "phases" / name
        path.write_text(
            path.read_text(encoding="utf-8") + f"report:\n  accept: {codes}\n  reason: 承知済み\n"
        )
    data = gaps(minimal)
    assert data["gaps"] == [], data["gaps"]
    assert phasebook(minimal, "report", "--strict").returncode == 0


def test_an_unknown_gap_code_is_an_error_at_its_line(minimal: Path) -> None:
    run = minimal / "phases" / "run.yml"
    run.write_text(run.read_text() + "report:\n  accept: [no-taks]\n  reason: x\n")
    assert problems(minimal) == [
        "phases/run.yml:12:12: report.accept[0]: 'no-taks' is not allowed (one of: 'no-tasks', "
        "'no-experiences', 'no-provided', 'no-exit-criteria', 'no-quantitative-target', "
        "'no-free-self-service', 'paid-without-free', 'accelerator-no-prerequisites', "
        "'accelerator-no-outcomes', 'atx-no-session-or-recording', "
        "'past-session-no-recording', 'phase-in-no-plan', 'plan-without-free-program', "
        "'untranslated')"
    ]


def test_an_acceptance_needs_its_reason(minimal: Path) -> None:
    run = minimal / "phases" / "run.yml"
    run.write_text(run.read_text() + "report:\n  accept: [no-tasks]\n")
    assert problems(minimal) == [
        "phases/run.yml:12:3: report.reason: required field 'reason' is missing (add it)"
    ]


@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("[]", "report.accept: needs at least 1 item(s)"),
        ("[no-tasks, no-tasks]", "report.accept: listed twice: no-tasks"),
    ],
)
def test_an_acceptance_that_accepts_nothing_or_twice(minimal: Path, accept: str, message: str):
    run = minimal / "phases" / "run.yml"
    run.write_text(run.read_text() + f"report:\n  accept: {accept}\n  reason: x\n")
    found = problems(minimal)
    assert len(found) == 1 and message in found[0], found


# A template of the minimal portal that covers its first phase only, with paid help only.
PAID_PLAN = """\
templates:
  - id: premier-start
    name: {ja: プレミア導入, en: Premier start}
    summary: 設計レビューから始めます。
    tier: premier
    phases:
      - phase: start
        milestones:
          - {criterion: 1, day: 10, programs: [acc-start]}
"""


def test_without_templates_no_phase_is_reported_uncovered(minimal: Path) -> None:
    codes = {g["code"] for g in gaps(minimal)["gaps"]}
    assert not codes & {"phase-in-no-plan", "plan-without-free-program"}


def test_a_phase_no_template_covers_and_a_template_without_free_help(minimal: Path) -> None:
    (minimal / "phases" / "plans.yml").write_text(PAID_PLAN, encoding="utf-8")
    text = phasebook(minimal, "report").stdout
    assert (
        "  phases/plans.yml:2:9: premier-start: the template recommends no free program: "
        "recommend a free guide, video or ATX at one of its milestones, so that customers can "
        "start on their own" in text
    )
    assert (
        "  phases/run.yml:1:5: run: no success-plan template covers this phase: add it to a "
        "template in phases/plans.yml" in text
    )
    assert "start: no success-plan template" not in text
    japanese = phasebook(minimal, "--lang", "ja", "report").stdout
    assert "run: このフェーズを含むサクセスプランのテンプレートがありません" in japanese


def test_strict_fails_on_template_gaps_until_they_are_accepted(minimal: Path) -> None:
    accepted = {
        "start.yml": "[no-experiences, no-provided]",
        "run.yml": "[no-tasks, no-experiences, no-provided, no-exit-criteria, phase-in-no-plan, "
        "untranslated]",
    }
    for name, codes in accepted.items():
        path = minimal / "phases" / name
        path.write_text(
            path.read_text(encoding="utf-8") + f"report:\n  accept: {codes}\n  reason: 承知済み\n"
        )
    plans = minimal / "phases" / "plans.yml"
    plans.write_text(PAID_PLAN, encoding="utf-8")
    strict = phasebook(minimal, "report", "--strict")
    assert strict.returncode == 1
    assert "1 gap:\n  phases/plans.yml:2:9: premier-start: the template recommends" in strict.stdout
    plans.write_text(
        PAID_PLAN + "    report:\n      accept: [plan-without-free-program]\n"
        "      reason: 有償契約のお客様だけに案内する\n",
        encoding="utf-8",
    )
    strict = phasebook(minimal, "report", "--strict")
    assert strict.returncode == 0, strict.stdout
    assert (
        "  phases/plans.yml:2:9: premier-start: the template recommends no free program: "
        "recommend a free guide, video or ATX at one of its milestones, so that customers can "
        "start on their own (accepted: 有償契約のお客様だけに案内する)" in strict.stdout
    )
    assert "  phases/run.yml:1:5: run: no success-plan template covers this phase" in strict.stdout


START = "phases/start.yml"
RECORDING = "    recording: https://example.com/rec/atx-start\n"


def test_a_session_over_without_recording_is_named_at_that_session(minimal: Path) -> None:
    edit(minimal / START, RECORDING, "")
    found = [g for g in gaps(minimal)["gaps"] if g["subject"] == "atx-start"]
    assert [(g["code"], g["file"], g["line"], g["column"]) for g in found] == [
        ("past-session-no-recording", START, 25, 9)
    ], "where the session is written, not where the ATX starts"
    assert found[0]["message"] == (
        "the session of 2026-06-03 10:00 is over and there is no recording: add the ATX's "
        "recording: URL"
    )


def test_an_atx_whose_every_session_is_over_is_one_gap_with_its_last_date(minimal: Path):
    edit(minimal / START, RECORDING, "")
    edit(minimal / START, "2026-12-03T01:00:00+00:00", "2026-11-03T01:00:00+00:00")
    found = [g for g in gaps(minimal)["gaps"] if g["subject"] == "atx-start"]
    assert [g["code"] for g in found] == ["atx-no-session-or-recording"], "one gap, not two"
    assert found[0]["message"].startswith(
        "every session of the ATX is over (the last on 2026-11-03 10:00) and there is no "
        "recording: "
    )
    edit(minimal / START, "    sessions:\n", RECORDING + "    sessions:\n")
    assert not [g for g in gaps(minimal)["gaps"] if g["subject"] == "atx-start"]


def test_a_paid_tier_its_programs_offer_needs_a_contact(minimal: Path) -> None:
    lifecycle = minimal / "phases" / "lifecycle.yml"
    edit(lifecycle, "    contact: https://example.com/sales\n", "")
    found = [g for g in gaps(minimal)["gaps"] if g["code"] == "paid-tier-no-contact"]
    assert [(g["file"], g["line"], g["column"], g["subject"]) for g in found] == [
        ("phases/lifecycle.yml", 19, 9, "premier")
    ], "once, at the tier, where the line that fixes it goes"
    assert "(acc-start)" in found[0]["message"]
    assert phasebook(minimal, "report", "--strict").returncode == 1
    # A paid tier nothing points to needs no contact yet.
    edit(minimal / START, "    tier: premier\n", "    tier: free\n")
    assert not [g for g in gaps(minimal)["gaps"] if g["code"] == "paid-tier-no-contact"]
