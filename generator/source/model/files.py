"""The two source files around the programs: `phases/lifecycle.yml`, and what a phase file
holds besides its programs (whose model is built from the registry of kinds, registry.py)."""

# pydantic copies a mutable default for each instance; ruff cannot tell that Strict, imported
# from fields.py, is a pydantic model, and would ask for ClassVar.
# ruff: noqa: RUF012

from __future__ import annotations

import hashlib
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from generator.source.model.fields import (
    Flag,
    Language,
    Line,
    LineStr,
    RequestUrl,
    Slug,
    Strict,
    Text,
    time_zone,
    unique,
)


class PortalInfo(Strict):
    title: Line
    vendor: LineStr
    product: LineStr
    languages: Annotated[list[Language], Field(min_length=1), AfterValidator(unique)]
    timezone: Annotated[str, AfterValidator(time_zone)] = "UTC"
    description: Text | None = None


class Stage(Strict):
    id: Slug
    name: Line
    summary: Text | None = None
    phases: Annotated[list[Slug], AfterValidator(unique)]


class Tier(Strict):
    id: Slug
    name: Line
    paid: Flag
    summary: Text
    contact: RequestUrl | None = None
    # For sales' plans page: what it costs, and what it includes, a few words an item
    # (「アクセラレーター 年4回」, 「SLA 初動4時間」).
    price: Line | None = None
    includes: list[Line] = []


class Lifecycle(Strict):
    """`phases/lifecycle.yml`: the portal, its stages in order, its tiers in order."""

    portal: PortalInfo
    stages: Annotated[list[Stage], Field(min_length=1)]
    tiers: Annotated[list[Tier], Field(min_length=1)]


class ExitCriterion(Strict):
    text: Line
    # What counts as met, e.g. ">= 95%" (shown as 「95%以上」), or one per language.
    target: Line | None = None


# The gaps `phasebook report` finds, by the stable code tools and `report.accept` use.
GAP_CODES = (
    "no-tasks",
    "no-experiences",
    "no-provided",
    "no-exit-criteria",
    "no-quantitative-target",
    "no-free-self-service",
    "paid-without-free",
    "accelerator-no-prerequisites",
    "accelerator-no-outcomes",
    "atx-no-session-or-recording",
    "past-session-no-recording",
    "phase-in-no-plan",  # only when phases/plans.yml has templates
    "plan-without-free-program",
    "untranslated",  # a text the phase file gives in the first language only
)


class Acceptance(Strict):
    """Gaps a phase knows about and accepts, and why: reported as accepted, not as gaps."""

    accept: Annotated[list[Literal[GAP_CODES]], Field(min_length=1), AfterValidator(unique)]
    reason: Line


class FaqItem(Strict):
    """A question customers ask in a phase, answered in Markdown on the phase page."""

    question: Line
    answer: Text
    # Pins the question's anchor (#faq-<id>) for links from e-mails and CS platforms;
    # without it the anchor follows the question in the portal's first language.
    id: Slug | None = None

    def anchor(self, first: str) -> str:
        """The question's id on the phase page, the same in every language: `faq-<id>`, or
        one taken from the question in the portal's first language `first`."""
        if self.id:
            return f"faq-{self.id}"
        question = self.question.get(first) or next(iter(self.question.values()))
        return "faq-" + hashlib.sha1(same_question(question).encode()).hexdigest()[:8]


def same_question(text: str) -> str:
    """A question as compared for duplicates: width, case and spacing do not count
    (「SSO の設定は？」 and 「SSOの設定は?」 ask the same)."""
    return "".join(unicodedata.normalize("NFKC", text).casefold().split())


class PhaseFields(Strict):
    """`phases/<id>.yml`: one lifecycle phase and the programs offered in it."""

    id: Slug
    name: Line
    summary: Text
    tasks: list[Line] = []
    experiences: list[Line] = []
    provided: list[Line] = []
    exit_criteria: list[ExitCriterion] = []
    # How long the phase usually takes: the default success plan spaces phases by it.
    typical_days: Annotated[int, Field(strict=True, gt=0, le=3650)] | None = None
    # Questions customers ask in this phase, shown on its page and found by search.
    faq: list[FaqItem] = []
