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
        "run.yml": "[no-tasks, no-experiences, no-provided, no-exit-criteria]",
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
        "'past-session-no-recording')"
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
