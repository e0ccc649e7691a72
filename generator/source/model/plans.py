"""Success-plan templates (`phases/plans.yml`): a goal broken into dated milestones, each
closing one of a phase's exit criteria, with the programs that help reach it.

The file is optional. Without it every portal still has the default plan, which follows
from the lifecycle: one milestone per exit criterion, each phase `typical_days` long.
"""

# pydantic copies mutable defaults (see files.py).
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from generator.source.model.fields import Flag, Line, Slug, Strict, Text, unique
from generator.source.model.files import Acceptance

# Days in a phase whose length nobody wrote down: a month is what CS teams plan by default.
DEFAULT_DAYS = 30
# A plan longer than ten years is a typo, and would date milestones past the last year.
MAX_DAYS = 3650
Days = Annotated[int, Field(strict=True, gt=0, le=MAX_DAYS)]
# Negative offsets are caught by the cross-check, which says what to write instead.
Offset = Annotated[int, Field(strict=True, le=MAX_DAYS)]
Criterion = Annotated[int, Field(strict=True)]


class Milestone(Strict):
    """One dated step: the exit criterion it closes, and the programs that help close it."""

    criterion: Criterion = Field(description="The number of the phase's exit criterion, from 1.")
    day: Offset | None = Field(
        default=None, description="Days after the phase starts; by default its last day."
    )
    programs: Annotated[list[Slug], AfterValidator(unique)] = []


class PlanPhase(Strict):
    """A phase of a template: how long it takes here, and its milestones (one per exit
    criterion, spread over the phase, when none are written)."""

    phase: Slug
    days: Days | None = None
    milestones: list[Milestone] = []


class PlanTemplate(Strict):
    """A ready-made plan a customer starts from: phases in lifecycle order."""

    id: Slug
    name: Line
    summary: Text
    tier: Slug | None = None
    # Recommending programs above `tier` on purpose (shown with their tier): declared, so an
    # accelerator in a free plan is a choice, never an accident.
    upsell: Flag = False
    # The phase at whose end the customer goes live: a go-live date counts back from there.
    go_live: Slug | None = None
    phases: Annotated[list[PlanPhase], Field(min_length=1)]
    # Gaps `phasebook report` finds in this template that the team accepts, and why.
    report: Acceptance | None = None


class PlansFile(Strict):
    """`phases/plans.yml`: the success-plan templates customers choose from."""

    templates: Annotated[list[PlanTemplate], Field(min_length=1)]


def spread(length: int, count: int) -> list[int]:
    """The days of `count` milestones spread evenly over a phase of `length` days, the last on
    its last day (the browser spreads them the same way: it receives these very days)."""
    return [max(1, length * i // count) for i in range(1, count + 1)]
