"""The loaded portal: every file checked and put in lifecycle order, the one source that
every view (pages, feeds, catalogue, search, report) reads."""

from __future__ import annotations

import functools
import hashlib
import json
import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime

from generator.source.model.fields import ANY_LANGUAGE
from generator.source.model.files import Lifecycle, PhaseFields, PortalInfo, Stage, Tier
from generator.source.model.kinds import ProgramBase
from generator.source.model.plans import PlanTemplate
from generator.source.model.sessions import Session

TOUCHES = ("tech", "low", "high")  # the touch models, from no person to one-to-one


def session_ends(program: ProgramBase, session: Session) -> datetime:
    """Sessions carry only a start; the program's length gives the end."""
    return session.starts + program.length()


def text_key(value: dict[str, str]) -> str:
    """A task's or criterion's key in the visitor's browser storage: taken from its text, so
    ticks survive reordering, and a reworded task starts unticked."""
    return hashlib.sha1(json.dumps(value, sort_keys=True).encode()).hexdigest()[:10]


def text(value: dict[str, str] | None, lang: str, fallback: str) -> str:
    """A localized text in `lang`, else in the portal's first language, else any."""
    if not value:
        return ""
    for key in (lang, ANY_LANGUAGE, fallback):
        if key in value:
            return value[key]
    return next(iter(value.values()))


@dataclass(frozen=True)
class Dated:
    """When an item (a program, a guide, a guide's translation) was published and last
    changed, written or read from git, and when it is due for review."""

    published: datetime | None = None
    updated: datetime | None = None
    review_by: date | None = None
    # Where `report` points for it: its review_by, else its first written date (file, line,
    # column); None when nothing is written (dated by git, or not at all).
    written: tuple[str, int, int] | None = None
    # A guide's translations by language: each dated by its own file (x.en.md).
    translations: dict[str, Dated] = field(default_factory=dict)

    @property
    def changed(self) -> datetime | None:
        """The latest change customers hear of: the update, else the publication."""
        return self.updated or self.published


@dataclass(frozen=True)
class PhaseView:
    """A phase in lifecycle order, with what surrounds it."""

    phase: PhaseFields  # a PhaseFile (registry.py), with its programs
    stage: Stage
    source: str  # the YAML file it came from, relative to the project
    previous: PhaseFields | None
    next: PhaseFields | None


@dataclass(frozen=True)
class Portal:
    """Everything loaded and cross-checked: the single source for every view."""

    lifecycle: Lifecycle
    phases: tuple[PhaseView, ...]
    guide_titles: dict[str, dict[str, str]]  # a written program's page → its first heading
    by_id: dict[str, tuple[PhaseView, ProgramBase]]  # programs in lifecycle order
    guides: dict[str, tuple[PhaseView, ProgramBase]]  # content page → the program it is
    now: datetime  # what "upcoming" is measured against: SOURCE_DATE_EPOCH or the clock
    # Where each phase and program is written (file, line, column), for messages about them.
    located: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # Success-plan templates (phases/plans.yml, optional), in the order written.
    plans: tuple[PlanTemplate, ...] = ()
    # When each program (by id) was published and changed (generator/source/dates.py).
    dates: dict[str, Dated] = field(default_factory=dict)
    # Why the dates are the written ones only (no or shallow git history): said once a build.
    dates_notice: str | None = None
    # Each Markdown page of the content folder as the load read it, by its path there
    # ("guides/x.md"): its dates, search document and preview key read it, not the file.
    pages: dict[str, str] = field(default_factory=dict)

    @property
    def info(self) -> PortalInfo:
        return self.lifecycle.portal

    @functools.cached_property
    def derived(self) -> dict[str, object]:
        """What is worked out from the whole portal, once per portal: every feed, page and
        language of a build asks for the sorted sessions, and the preview for each
        program's digest (the portal never changes once loaded)."""
        return {}

    @property
    def language(self) -> str:
        return self.info.languages[0]

    def t(self, value: dict[str, str] | None, lang: str | None = None) -> str:
        return text(value, lang or self.language, self.language)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.info.timezone)

    def tier(self, tier_id: str) -> Tier:
        return next(t for t in self.lifecycle.tiers if t.id == tier_id)

    def rank(self, tier_id: str) -> int:
        """A tier's place in order; a tier includes every program of a lower rank."""
        return next(i for i, t in enumerate(self.lifecycle.tiers) if t.id == tier_id)

    def touch(self, tier_id: str) -> list[str]:
        """The touch models of everything `tier_id` includes, from tech to high."""
        if "lowest tier by touch" not in self.derived:  # once per portal, not per tier
            lowest: dict[str, int] = {}
            for _, p in self.programs():
                rank = self.rank(p.tier)
                lowest[p.touch] = min(rank, lowest.get(p.touch, rank))
            self.derived["lowest tier by touch"] = lowest
        lowest = self.derived["lowest tier by touch"]  # type: ignore[assignment]
        rank = self.rank(tier_id)
        return [t for t in TOUCHES if t in lowest and lowest[t] <= rank]

    def phase_view(self, phase_id: str) -> PhaseView | None:
        return next((v for v in self.phases if v.phase.id == phase_id), None)

    def programs(self) -> list[tuple[PhaseView, ProgramBase]]:
        return list(self.by_id.values())

    def program(self, program_id: str) -> tuple[PhaseView, ProgramBase]:
        return self.by_id[program_id]

    def title(self, program: ProgramBase, lang: str | None = None) -> str:
        """A program's title; a written page without one in the YAML is titled by its heading."""
        title = getattr(program, "title", None)
        if program.written and title is None:
            page = program.page  # type: ignore[attr-defined]
            return self.t(self.guide_titles.get(page), lang) or program.id
        return self.t(title, lang)

    def languages(self, program: ProgramBase) -> list[str]:
        """The languages a program is offered in, in the portal's order."""
        found = set(program.languages)
        if not found and program.scheduled:
            found = {s.language for s in program.sessions}  # type: ignore[attr-defined]
        return [lang for lang in self.info.languages if lang in found] or [self.language]

    def dated(self, program: ProgramBase, lang: str | None = None) -> Dated:
        """A program's dates as a page in `lang` shows them: a guide's translation by its own."""
        found = self.dates.get(program.id, Dated())
        return found.translations.get(lang or self.language, found)

    def is_over(self, program: ProgramBase, session: Session) -> bool:
        """Asked three times per session and build (the keys, the schedule, the feeds):
        answered once per portal, whose sessions are the same objects while it lives."""
        over: dict = self.derived.setdefault("over", {})  # type: ignore[assignment]
        key = (id(program), id(session))  # the objects are kept with the answer: ids stay theirs
        found = over.get(key)
        if found is None or found[0] is not program or found[1] is not session:
            found = over[key] = (program, session, session_ends(program, session) <= self.now)
        return found[2]

    def upcoming(self, program: ProgramBase) -> list[Session]:
        """A scheduled program's sessions not yet over, by start; none for other kinds."""
        sessions = program.sessions if program.scheduled else []  # type: ignore[attr-defined]
        return sorted((s for s in sessions if not self.is_over(program, s)), key=lambda s: s.starts)
