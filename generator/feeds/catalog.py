"""`/api/catalog.json`: the whole portal as data, for CS platforms, e-mail tools and sales.

The shape is a set of pydantic models, so the JSON Schema the project ships (`phasebook
schema` → schema/catalog.schema.json) is the same code that writes the file. Every text is
given in every portal language, fallbacks applied, so that consumers need no rules of ours.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from generator.feeds import calendar, plan
from generator.source import model as m
from generator.source.memo import Keep, make, per_phase
from generator.source.urls import absolute_url, page_url, phase_src, program_src

# Bump the major part when a field is removed or changes meaning; add fields freely.
VERSION = "1.1"  # 1.1: `plans`, the success-plan templates

Localized = dict[str, str]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", serialize_by_alias=True)


class PortalOut(_Out):
    title: Localized
    vendor: str
    product: str
    languages: list[str]
    timezone: str
    description: Localized | None
    built: datetime = Field(description="Build time (SOURCE_DATE_EPOCH when set).")


class StageOut(_Out):
    id: str
    name: Localized
    summary: Localized | None
    phases: list[str]


class TierOut(_Out):
    id: str
    rank: int = Field(description="0 for the first tier; a tier includes all lower ranks.")
    name: Localized
    paid: bool
    summary: Localized
    contact: str | None
    touch: list[Literal["tech", "low", "high"]] = Field(
        description="Touch models of everything the tier includes, cumulative."
    )
    price: Localized | None = None
    includes: list[Localized] = Field(default=[], description="Short items: what it includes.")


class CriterionOut(_Out):
    text: Localized
    target: str | None


class PhaseOut(_Out):
    id: str
    number: int = Field(description="Position in the lifecycle, from 1.")
    stage: str
    name: Localized
    summary: Localized
    tasks: list[Localized]
    exit_criteria: list[CriterionOut]
    programs: list[str]
    previous: str | None
    next: str | None
    url: str
    calendar: str = Field(description="The phase's iCalendar feed.")


def _kinds(schema: dict[str, Any]) -> None:
    """The kinds registered when the schema is written (a Literal would fix them at import)."""
    schema["enum"] = list(m.KINDS)


class ProgramOut(_Out):
    id: str
    kind: str = Field(json_schema_extra=_kinds)
    touch: Literal["tech", "low", "high"]
    phase: str
    tier: str
    paid: bool
    title: Localized
    summary: Localized | None
    level: Literal["beginner", "intermediate", "advanced"] | None
    duration_minutes: int | None
    languages: list[str]
    topics: list[Localized]
    prerequisites: list[str]
    outcomes: list[Localized]
    url: str = Field(description="The program's page on the portal.")
    recording: str | None
    video: str | None
    request: str | None
    published: datetime | None = Field(
        default=None, description="First published (written, else from git); null: unknown."
    )
    updated: datetime | None = Field(
        default=None, description="Last changed in a way customers hear of (What's new)."
    )


class SessionOut(_Out):
    program: str
    phase: str
    uid: str = Field(description="Stable across builds: the UID in every calendar feed.")
    starts: datetime
    ends: datetime
    language: str
    # `register` would shadow a pydantic attribute; the JSON key stays `register`.
    register_url: str | None = Field(alias="register")
    calendar: str = Field(description="An .ics file with this one session.")


class MilestoneOut(_Out):
    id: str = Field(description="<phase>-<criterion>: stable, the calendar UID's base.")
    phase: str
    criterion: int = Field(description="The phase's exit criterion it closes, from 1.")
    day: int = Field(description="Days after the plan's start.")
    programs: list[str] = Field(description="Recommended program ids, free first.")


class PlanTemplateOut(_Out):
    id: str
    name: Localized
    summary: Localized
    tier: str | None = Field(description="The tier the template is meant for, if any.")
    upsell: bool = Field(description="Recommends programs above its tier on purpose.")
    phases: list[str]
    go_live: int = Field(description="Days from the start to go-live (a go-live date counts back).")
    days: int = Field(description="The plan's length in days.")
    milestones: list[MilestoneOut]


class Catalog(_Out):
    version: str = Field(description="Format version: the major part changes on a break.")
    site_url: str | None
    portal: PortalOut
    stages: list[StageOut]
    tiers: list[TierOut]
    phases: list[PhaseOut]
    programs: list[ProgramOut]
    sessions: list[SessionOut] = Field(description="Every session, past ones too, by start.")
    plans: list[PlanTemplateOut] = Field(
        default=[], description="Success-plan templates (phases/plans.yml); /plan/ dates them."
    )


def catalog(portal: m.Portal, site_url: str | None, directory_urls: bool = True) -> Catalog:
    """The portal as one Catalog; URLs are absolute when `site_url` is set, else root-relative."""
    url = _urls(site_url, directory_urls)
    return _frame(portal, site_url, directory_urls).model_copy(
        update={
            "programs": [_program(portal, v, p, url) for v, p in portal.programs()],
            "sessions": [_session(portal, item, site_url) for item in calendar.sessions(portal)],
        }
    )


def _urls(site_url: str | None, directory_urls: bool):
    return lambda src: absolute_url(page_url(src, directory_urls), site_url)


def _frame(portal: m.Portal, site_url: str | None, directory_urls: bool) -> Catalog:
    """Everything but the programs and the sessions, nine tenths of the file."""
    url = _urls(site_url, directory_urls)
    every = lambda value: _all(portal, value)  # noqa: E731
    info = portal.info
    return Catalog(
        version=VERSION,
        site_url=site_url,
        portal=PortalOut(
            title=every(info.title),
            vendor=info.vendor,
            product=info.product,
            languages=info.languages,
            timezone=info.timezone,
            description=every(info.description) if info.description else None,
            built=portal.now.replace(microsecond=0),
        ),
        stages=[
            StageOut(
                id=s.id,
                name=every(s.name),
                summary=every(s.summary) if s.summary else None,
                phases=s.phases,
            )
            for s in portal.lifecycle.stages
        ],
        tiers=[
            TierOut(
                id=t.id,
                rank=i,
                name=every(t.name),
                paid=t.paid,
                summary=every(t.summary),
                contact=t.contact,
                touch=portal.touch(t.id),
                price=every(t.price) if t.price else None,
                includes=[every(item) for item in t.includes],
            )
            for i, t in enumerate(portal.lifecycle.tiers)
        ],
        phases=[_phase(portal, i, v, url, site_url) for i, v in enumerate(portal.phases)],
        programs=[],
        sessions=[],
        plans=_plans(portal),
    )


def _plans(portal: m.Portal) -> list[PlanTemplateOut]:
    """The templates as laid out for a plan (feeds/plan.py), in every language."""
    laid = {t["id"]: t for t in plan.layouts(portal)}
    return [
        PlanTemplateOut(
            id=t.id,
            name=_all(portal, t.name),
            summary=_all(portal, t.summary),
            tier=t.tier,
            upsell=t.upsell,
            phases=[p.phase for p in t.phases],
            go_live=laid[t.id]["go_live"],
            days=laid[t.id]["length"],
            milestones=[
                MilestoneOut(**{k: s[k] for k in ("id", "phase", "criterion", "day", "programs")})
                for s in laid[t.id]["steps"]
            ],
        )
        for t in portal.plans
    ]


def catalog_json(
    portal: m.Portal, site_url: str | None, directory_urls: bool = True, keep: Keep = make
) -> bytes:
    """`catalog(…)` as the file's JSON (indented by one space). Each program's entry and its
    sessions are written on their own and set into the rest: the preview keeps them while
    their program stays the same (`keep`), and at 10,000 programs writing the whole file
    again took a third of a second of each save. The same bytes as the whole Catalog
    written at once (tests/test_views.py)."""
    url = _urls(site_url, directory_urls)

    def programs(view: m.PhaseView) -> bytes:
        entry = lambda p: _entry(_program(portal, view, p, url))  # noqa: E731
        kept = [
            keep(lambda p=p: entry(p), "catalog", [p.id], view.phase.id)
            for p in view.phase.programs
        ]
        return b",\n  ".join(kept)

    def sessions_of(view: m.PhaseView) -> dict[str, bytes]:
        written: dict[str, bytes] = {}
        for pid, items in calendar.in_phase(portal, view):
            made = lambda i=items: _sessions(portal, i, site_url)  # noqa: E731
            written |= keep(made, "catalog sessions", [pid], view.phase.id)
        return written

    # One key per phase file (memo.per_phase), each program's kept within it.
    chunks = [c for c in per_phase(keep, portal, "catalog programs", programs) if c]
    written = {}
    for phase in per_phase(keep, portal, "catalog phase sessions", sessions_of):
        written |= phase
    sessions = [written[item.uid] for item in calendar.sessions(portal)]
    data = _frame(portal, site_url, directory_urls).model_dump_json(indent=1).encode()
    for name, entries in ((b"programs", chunks), (b"sessions", sessions)):
        if entries:  # JSON strings hold no line break: this is the field, not a text
            listed = b"[\n  " + b",\n  ".join(entries) + b"\n ]"
            data = data.replace(b'\n "%s": [],\n' % name, b'\n "%s": %s,\n' % (name, listed), 1)
    return data + b"\n"


def _sessions(
    portal: m.Portal, items: list[calendar.Scheduled], site_url: str | None
) -> dict[str, bytes]:
    """A program's sessions' entries, by UID."""
    return {i.uid: _entry(_session(portal, i, site_url)) for i in items}


def _entry(item: BaseModel) -> bytes:
    """An entry of one of the file's lists, as the whole file writes it (two levels in), in
    UTF-8: the 10 MB of a 10,000-program file are joined, not encoded again on each save."""
    return item.model_dump_json(indent=1).replace("\n", "\n  ").encode()


def _all(portal: m.Portal, value: dict[str, str]) -> Localized:
    return {lang: portal.t(value, lang) for lang in portal.info.languages}


def _phase(portal: m.Portal, index: int, view: m.PhaseView, url, site_url) -> PhaseOut:
    phase = view.phase
    return PhaseOut(
        id=phase.id,
        number=index + 1,
        stage=view.stage.id,
        name=_all(portal, phase.name),
        summary=_all(portal, phase.summary),
        tasks=[_all(portal, t) for t in phase.tasks],
        exit_criteria=[
            CriterionOut(text=_all(portal, c.text), target=portal.t(c.target) or None)
            for c in phase.exit_criteria
        ],
        programs=[p.id for p in phase.programs],
        previous=view.previous.id if view.previous else None,
        next=view.next.id if view.next else None,
        url=url(phase_src(phase.id)),
        calendar=absolute_url(calendar.phase_feed(phase.id), site_url),
    )


def _program(portal: m.Portal, view: m.PhaseView, p: m.ProgramBase, url) -> ProgramOut:
    every = lambda value: _all(portal, value)  # noqa: E731
    title = {lang: portal.title(p, lang) for lang in portal.info.languages}
    return ProgramOut(
        id=p.id,
        kind=p.kind,
        touch=p.touch,
        phase=view.phase.id,
        tier=p.tier,
        paid=portal.tier(p.tier).paid,
        title=title,
        summary=every(p.summary) if p.summary else None,
        level=p.level,
        duration_minutes=getattr(p, "duration_minutes", None),
        languages=portal.languages(p),
        topics=[every(t) for t in p.topics],
        prerequisites=list(getattr(p, "prerequisites", [])),
        outcomes=[every(o) for o in getattr(p, "outcomes", [])],
        url=url(program_src(p)),
        recording=getattr(p, "recording", None),
        video=getattr(p, "url", None),
        request=getattr(p, "request", None),
        published=portal.dated(p).published,
        updated=portal.dated(p).updated,
    )


def _session(portal: m.Portal, item: calendar.Scheduled, site_url: str | None) -> SessionOut:
    zone = portal.zone
    return SessionOut(
        program=item.program.id,
        phase=item.view.phase.id,
        uid=item.uid,
        starts=item.session.starts.astimezone(zone),
        ends=m.session_ends(item.program, item.session).astimezone(zone),
        language=item.session.language,
        register=item.session.register_url,  # the alias: see SessionOut
        calendar=absolute_url(calendar.ics_path(item.program.id, item.session), site_url),
    )
