"""A customer's success plan: the one pure function that dates a plan, and the data it reads.

`plan_data` lays every template (and the default plan, which follows from the lifecycle) out
as steps on days counted from the plan's start, in one language; `compute` dates those steps
for a start or go-live date and a visitor's clock. The /plan/ page embeds the very same data
and its script (generator/site/assets/plan.js) applies the same rules, so the CLI's plan and
the browser's are equal (tests/test_plan_browser.py checks it); keep the two in step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from generator.feeds.calendar import session_key
from generator.source import model as m
from generator.source.memo import Keep, make
from generator.source.urls import page_url, program_src

VERSION = 1  # of the plan's JSON and of the link's fragment: bump both with the script's
MAX_SESSIONS = 3  # per milestone: the next few are what a customer can act on
MAX_FRAGMENT = 8192  # bytes: longer links are refused (mail clients and chat cut them)
DEFAULT = ""  # the template id of the default plan in data and links


def plan_data(
    portal: m.Portal,
    lang: str | None = None,
    href: Callable[[str], str] | None = None,
    keep: Keep = make,
) -> dict:
    """Everything a plan is computed from, in `lang`: templates laid out as steps, programs,
    tiers, phases and the sessions not over at build time. `href` turns a page's source path
    into a link (root-relative by default). Each phase's part (its entry and its programs')
    is kept by the preview (`keep`) while its programs stay the same."""
    lang = lang or portal.language
    link = href or page_url
    templates = layouts(portal, lang)
    parts = {
        v.phase.id: keep(
            lambda v=v: _phase_part(portal, v, lang, link),
            f"plan {lang}",
            [p.id for p in v.phase.programs],
            v.phase.id,
        )
        for v in portal.phases
    }
    return {
        "version": VERSION,
        "lang": lang,
        "zone": portal.info.timezone,
        "years": [m.FIRST_YEAR, m.LAST_YEAR],
        "templates": [_default(portal, lang), *templates],
        "phases": {phase: part[0] for phase, part in parts.items()},
        "programs": {pid: item for part in parts.values() for pid, item in part[1].items()},
        "tiers": {
            t.id: {"name": portal.t(t.name, lang), "paid": t.paid, "contact": t.contact}
            for t in portal.lifecycle.tiers
        },
    }


def _phase_part(
    portal: m.Portal, view: m.PhaseView, lang: str, href: Callable[[str], str]
) -> tuple[dict, dict]:
    """A phase's entry in `phases` and its programs' in `programs`."""
    programs = {
        p.id: {
            "title": portal.title(p, lang),
            "tier": p.tier,
            "paid": portal.tier(p.tier).paid,
            "kind": p.kind,
            "href": href(program_src(p)),
            "request": getattr(p, "request", None),
        }
        for p in view.phase.programs
    }
    return _phase(portal, view, lang), programs


def layouts(portal: m.Portal, lang: str | None = None) -> list[dict]:
    """The portal's own templates laid out as steps (`plan_data`'s, without the default
    plan, the phases and the programs, which the catalogue does not need)."""
    return [_layout(portal, t, lang or portal.language) for t in portal.plans]


def _session(portal: m.Portal, program: m.ProgramT, session: m.Session) -> dict:
    """A session as the browser's plan lists it, in the portal's zone, the zone named."""
    starts = session.starts.astimezone(portal.zone)
    return {
        "id": f"{program.id}@{session_key(session)}",
        "program": program.id,
        "starts": starts.isoformat(),
        "ends": m.session_ends(program, session).astimezone(portal.zone).isoformat(),
        "date": starts.date().isoformat(),
        "zone": starts.tzname() or portal.info.timezone,
        "language": session.language,
        "register": session.register_url,
    }


def _phase(portal: m.Portal, view: m.PhaseView, lang: str) -> dict:
    """A phase's name, what helps when its milestone is overdue (free first, then each paid
    tier in order) and its sessions not over at build time, by start."""
    programs = view.phase.programs
    rank = portal.rank
    sessions = [
        _session(portal, p, s)
        for p in programs
        if p.scheduled
        for s in p.sessions  # type: ignore[attr-defined]
        if not portal.is_over(p, s)
    ]
    return {
        "name": portal.t(view.phase.name, lang),
        "help": [p.id for p in sorted(programs, key=lambda p: rank(p.tier))],
        "sessions": sorted(sessions, key=lambda s: (s["starts"], s["program"])),
    }


def _step(portal: m.Portal, phase: m.PhaseFields, number: int, day: int, lang: str, programs):
    criterion = phase.exit_criteria[number - 1]
    ordered = sorted(programs, key=lambda pid: portal.rank(portal.program(pid)[1].tier))
    return {
        "id": f"{phase.id}-{number}",
        "day": day,
        "phase": phase.id,
        "criterion": number,
        "key": m.text_key(criterion.text),
        "text": portal.t(criterion.text, lang),
        "target": portal.t(criterion.target, lang) or None,
        "programs": ordered,
    }


def _spread(portal: m.Portal, phase: m.PhaseFields, offset: int, length: int, lang, programs):
    """One step per exit criterion, spread over the phase; the phase's programs at its first."""
    days = m.spread(length, len(phase.exit_criteria))
    return [
        _step(portal, phase, n + 1, offset + day, lang, programs if n == 0 else [])
        for n, day in enumerate(days)
    ]


def _default(portal: m.Portal, lang: str) -> dict:
    """The plan without a template: every phase, `typical_days` long, every exit criterion."""
    steps, offset, go_live = [], 0, 0
    first_stage = portal.lifecycle.stages[0].phases
    for view in portal.phases:
        phase = view.phase
        length = phase.typical_days or m.DEFAULT_DAYS
        steps += _spread(portal, phase, offset, length, lang, [p.id for p in phase.programs])
        offset += length
        if phase.id in first_stage:
            go_live = offset
    return {
        "id": DEFAULT,
        "name": "",
        "summary": "",
        "tier": None,
        "steps": steps,
        "go_live": go_live,
        "length": offset,
    }


def _layout(portal: m.Portal, template: m.PlanTemplate, lang: str) -> dict:
    """A template's milestones as steps on days counted from the plan's start."""
    steps, offset, go_live = [], 0, None
    limit = portal.rank(template.tier) if template.tier and not template.upsell else None
    for entry in template.phases:
        phase = portal.phase_view(entry.phase).phase  # type: ignore[union-attr]
        length = entry.days or phase.typical_days or m.DEFAULT_DAYS
        if entry.milestones:
            steps += [
                _step(portal, phase, ms.criterion, offset + _day(ms, length), lang, ms.programs)
                for ms in entry.milestones
            ]
        else:
            within = [p.id for p in phase.programs if limit is None or portal.rank(p.tier) <= limit]
            steps += _spread(portal, phase, offset, length, lang, within)
        offset += length
        if entry.phase == template.go_live:
            go_live = offset
    return {
        "id": template.id,
        "name": portal.t(template.name, lang),
        "summary": portal.t(template.summary, lang),
        "tier": template.tier,
        "steps": steps,
        "go_live": offset if go_live is None else go_live,
        "length": offset,
    }


def _day(milestone: m.Milestone, length: int) -> int:
    return length if milestone.day is None else milestone.day


def template_of(data: dict, template_id: str | None) -> dict | None:
    """The laid-out template of that id (None or "" for the default plan), if there is one."""
    wanted = template_id or DEFAULT
    return next((t for t in data["templates"] if t["id"] == wanted), None)


def compute(
    data: dict,
    template_id: str | None,
    *,
    start: date | None = None,
    go_live: date | None = None,
    customer: str = "",
    goal: str = "",
    now: datetime,
    done: frozenset[str] = frozenset(),
) -> dict:
    """The dated plan: the pure function the browser repeats (plan.js `compute`).

    `start` or `go_live` (counted back from the end of the template's go-live phase); `now`
    is the visitor's clock, read as a date in the portal's time zone; `done` holds the ticked
    exit criteria as "<phase>:<key>", the keys of the phase checklists. Raises KeyError for
    an unknown template."""
    template = template_of(data, template_id)
    if template is None:
        raise KeyError(template_id)
    if start is None:
        assert go_live is not None
        start = go_live - timedelta(days=template["go_live"])
    today = now.astimezone(_zone(data)).date().isoformat()
    shown: set[str] = set()
    milestones = []
    for step in template["steps"]:
        when = (start + timedelta(days=step["day"])).isoformat()
        ticked = f"{step['phase']}:{step['key']}" in done
        overdue = when < today and not ticked
        phase = data["phases"][step["phase"]]
        milestones.append(
            {
                **step,
                "date": when,
                "sessions": _sessions(data, step, when, now, shown),
                "done": ticked,
                "overdue": overdue,
                "help": list(phase["help"]) if overdue else [],
            }
        )
    return {
        "version": VERSION,
        "template": template["id"] or None,
        "name": template["name"],
        "lang": data["lang"],
        "customer": customer,
        "goal": goal,
        "start": start.isoformat(),
        "go_live": (start + timedelta(days=template["go_live"])).isoformat(),
        "end": (start + timedelta(days=template["length"])).isoformat(),
        "today": today,
        "milestones": milestones,
    }


def _sessions(data: dict, step: dict, when: str, now: datetime, shown: set[str]) -> list[str]:
    """Sessions in the plan's language of the phase's programs and those the step recommends,
    on a day before the milestone and not over by `now`; each under the first milestone it
    precedes, at most MAX_SESSIONS."""
    wanted = set(step["programs"]) | {p for p in data["phases"][step["phase"]]["help"]}
    pool = [s for phase in data["phases"].values() for s in phase["sessions"]]
    found = []
    for s in sorted(pool, key=lambda s: (s["starts"], s["program"])):
        if len(found) == MAX_SESSIONS:
            break
        if s["program"] not in wanted or s["language"] != data["lang"] or s["id"] in shown:
            continue
        if s["date"] < when and datetime.fromisoformat(s["ends"]) > now:
            found.append(s["id"])
            shown.add(s["id"])
    return found


def _zone(data: dict) -> ZoneInfo:
    return ZoneInfo(data["zone"])


def milestone_uid(template_id: str | None, milestone_id: str) -> str:
    """A milestone's calendar UID: the same whatever the dates, so a calendar that imports a
    moved plan again moves the event (plan.js writes the same)."""
    return f"plan-{template_id or 'default'}-{milestone_id}@phasebook"


def fragment(
    template_id: str | None,
    *,
    start: date | None = None,
    go_live: date | None = None,
    customer: str = "",
    goal: str = "",
    done: frozenset[str] = frozenset(),
    chosen: tuple[str, ...] = (),
) -> str:
    """The link's fragment (without '#') that opens this plan on /plan/: nothing of it is
    ever sent to a server. Its fields are read back by plan.js `readFragment`."""
    fields = [("plan", str(VERSION)), ("t", template_id or DEFAULT)]
    fields.append(("start", start.isoformat()) if start else ("go", go_live.isoformat()))  # type: ignore[union-attr]
    fields += [("c", customer)] if customer else []
    fields += [("o", goal)] if goal else []
    fields += [("done", ",".join(sorted(done)))] if done else []
    fields += [("s", ",".join(chosen))] if chosen else []
    return "&".join(f"{k}={quote(v, safe='-._~:@,')}" for k, v in fields)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedMilestone(_Out):
    """One dated milestone of `phasebook plan --format json` (and of the browser's plan)."""

    id: str = Field(description="<phase>-<criterion>: stable, the calendar UID's base.")
    date: str = Field(description="YYYY-MM-DD.")
    day: int = Field(description="Days after the plan's start.")
    phase: str
    criterion: int = Field(description="The phase's exit criterion it closes, from 1.")
    key: str = Field(description="The criterion's key in the phase checklist's storage.")
    text: str
    target: str | None
    programs: list[str] = Field(description="Recommended program ids, free first.")
    sessions: list[str] = Field(description="Sessions (program@start-language) before it.")
    done: bool
    overdue: bool = Field(description="Past its date by the visitor's clock and not done.")
    help: list[str] = Field(description="When overdue: the phase's programs, free first.")


class PlannedPlan(_Out):
    """`phasebook plan --format json`: a dated success plan."""

    version: int
    template: str | None = Field(description="The template's id; null for the default plan.")
    name: str
    lang: str
    customer: str
    goal: str
    start: str
    go_live: str
    end: str
    today: str = Field(description="The visitor's clock as a date in the portal's time zone.")
    milestones: list[PlannedMilestone]
