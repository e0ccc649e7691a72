"""What is missing from the lifecycle's coverage, each gap with the file and line to fix.

`phasebook report` lists them; `--strict` fails on them in CI; `build --strict-content`
refuses to publish the stale programs among them. A new kind of gap is a function here,
added to `gaps`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from generator.authoring.translations import untranslated
from generator.feeds.plan import plan_data
from generator.i18n.messages import N_, tr
from generator.source import model as m
from generator.source.load import LIFECYCLE, PLANS
from generator.source.urls import translation_of
from generator.source.yamlfile import read_yaml
from generator.text.errors import Problem


@dataclass(frozen=True, order=True)
class Gap:
    file: str
    line: int
    column: int
    subject: str  # the phase or program id, or the page
    code: str  # stable, for tools: no-free-self-service, atx-no-session-or-recording, …
    message: str
    accepted: str | None = None  # why the phase accepts it (its `report.reason`)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.subject}: {self.message}"


def stale_programs(portal: m.Portal) -> list[Gap]:
    """Scheduled programs a customer can neither join nor watch: what `--strict-content`
    refuses to publish. One whose every session is over says when the last one was."""
    out = []
    for _, p in portal.programs():
        if not p.scheduled or portal.upcoming(p) or _recording(p) is not None:
            continue
        if p.sessions:  # type: ignore[attr-defined]
            last = max(s.starts for s in p.sessions)  # type: ignore[attr-defined]
            message = tr(
                "every session of the ATX is over (the last on {date}) and there is no "
                "recording: add its recording: URL, or a new session (phasebook new session "
                "{id} …)"
            ).format(date=_when(portal, last), id=p.id)
        else:
            message = tr(
                "ATX has no upcoming session and no recording: add a session (phasebook new "
                "session {id} …) or a recording: URL"
            ).format(id=p.id)
        out.append(_gap(portal, p.id, "atx-no-session-or-recording", message))
    return out


def _when(portal: m.Portal, moment: datetime) -> str:
    """A session's start as the team reads it: in the portal's time zone, to the minute."""
    return moment.astimezone(portal.zone).strftime("%Y-%m-%d %H:%M")


def gaps(portal: m.Portal, content_dir: Path) -> list[Gap]:
    """Everything missing, sorted by file and line; what a phase accepts carries its reason."""
    from generator.authoring.freshness import freshness_gaps  # beside Gap, which it imports

    found = [*stale_programs(portal), *_unreferenced_pages(portal, content_dir)]
    root = content_dir.parent
    for view in portal.phases:
        found += _phase_gaps(portal, view)
    for _, program in portal.programs():
        found += [*_requested_gaps(portal, program), *_past_session_gaps(portal, program, root)]
    found += _uncovered_phases(portal)
    found += [
        Gap(*where, "untranslated", message)
        for *where, message in untranslated(portal, root / "phases")
    ]
    templates = _template_gaps(portal, root / "phases" / PLANS)
    tiers = _tier_contact_gaps(portal, root / "phases" / LIFECYCLE)
    templates += freshness_gaps(portal, content_dir)  # past review_by, stale translations
    return sorted([*(_accepted(portal, gap) for gap in found), *templates, *tiers])


def open_gaps(found: list[Gap]) -> list[Gap]:
    """What `--strict` fails on: the gaps no phase has accepted."""
    return [g for g in found if g.accepted is None]


def _accepted(portal: m.Portal, gap: Gap) -> Gap:
    view = portal.phase_view(gap.subject) or (
        portal.by_id[gap.subject][0] if gap.subject in portal.by_id else None
    )
    acceptance = view.phase.report if view is not None else None
    if acceptance is None or gap.code not in acceptance.accept:
        return gap
    return replace(gap, accepted=portal.t(acceptance.reason))


def on_their_own(portal: m.Portal, program: m.ProgramBase) -> bool:
    """What a customer gets through a phase with alone, at no cost: free self-service (tech
    touch: a guide, a video), or a free scheduled program with its recording."""
    if portal.tier(program.tier).paid:
        return False
    return program.touch == "tech" or _recording(program) is not None


def _recording(program: m.ProgramBase) -> str | None:
    """A scheduled program's recording; other kinds have none."""
    return getattr(program, "recording", None)


def _phase_gaps(portal: m.Portal, view: m.PhaseView) -> list[Gap]:
    phase, out = view.phase, []
    for field, message in (
        ("tasks", N_("no tasks: write down what the customer does in this phase")),
        (
            "experiences",
            N_("no experiences: write down what the customer experiences in this phase"),
        ),
        ("provided", N_("no provided: write down what we already provide in this phase")),
    ):
        # A FAQ is something we provide in the phase, listed in `provided` or not.
        if not getattr(phase, field) and not (field == "provided" and phase.faq):
            out.append(_gap(portal, phase.id, f"no-{field}", tr(message)))
    if not phase.exit_criteria:
        message = tr("no exit_criteria: when is the customer ready to move on?")
        out.append(_gap(portal, phase.id, "no-exit-criteria", message))
    elif not any(c.target for c in phase.exit_criteria):
        out.append(
            _gap(
                portal,
                phase.id,
                "no-quantitative-target",
                tr('no exit criterion has a target: give one a measurable target (e.g. ">= 90%")'),
            )
        )
    free = [p for p in phase.programs if not portal.tier(p.tier).paid]
    if not any(on_their_own(portal, p) for p in free):
        out.append(
            _gap(
                portal,
                phase.id,
                "no-free-self-service",
                tr(
                    "no free guide, video or recorded ATX: customers cannot get "
                    "through this phase on their own"
                ),
            )
        )
    if not free:
        out += [
            _gap(
                portal,
                p.id,
                "paid-without-free",
                tr(
                    "paid program in a phase with no free program: add a free guide, video "
                    "or ATX here"
                ),
            )
            for p in phase.programs
        ]
    return out


def _past_session_gaps(portal: m.Portal, program: m.ProgramBase, root: Path) -> list[Gap]:
    """A session is over and the program has no recording: whoever missed it has nothing to
    watch. Named at the last session over; when every session is over, stale_programs
    names the program instead (one gap, not two)."""
    if not program.scheduled or _recording(program) is not None or not portal.upcoming(program):
        return []
    over = [s for s in program.sessions if portal.is_over(program, s)]  # type: ignore[attr-defined]
    if not over:
        return []
    last = max(over, key=lambda s: s.starts)
    message = tr(
        "the session of {date} is over and there is no recording: add the ATX's recording: URL"
    ).format(date=_when(portal, last.starts))
    gap = _gap(portal, program.id, "past-session-no-recording", message)
    return [replace(gap, line=line, column=column) for line, column in _written(root, gap, last)]


def _written(root: Path, gap: Gap, session: m.Session) -> list[tuple[int, int]]:
    """Where `session` is written in the program's file: the item whose `starts` is the
    same moment (a repeat's later occurrence, written nowhere, stays at its program)."""
    source = read_yaml(root / gap.file, gap.file)
    programs = source.data.get("programs") if isinstance(source.data, dict) else None
    for i, item in enumerate(programs if isinstance(programs, list) else []):
        if not isinstance(item, dict) or item.get("id") != gap.subject:
            continue
        for j, written in enumerate(item.get("sessions") or []):
            if isinstance(written, dict) and written.get("starts") == session.starts:
                return [source.position(("programs", i, "sessions", j))]
    return [(gap.line, gap.column)]


def _tier_contact_gaps(portal: m.Portal, path: Path) -> list[Gap]:
    """A paid tier that paid programs point customers to, with no `contact`: the plans page
    and every paid program then offer the tier without saying where to ask for it. Named
    once, at the tier, where the one line that fixes it goes."""
    out, source = [], None
    for index, tier in enumerate(portal.lifecycle.tiers):
        paid = [p.id for _, p in portal.programs() if p.tier == tier.id]
        if not tier.paid or tier.contact or not paid:
            continue
        source = source or read_yaml(path, f"phases/{LIFECYCLE}")
        line, column = source.position(("tiers", index, "id"))
        message = tr(
            "paid tier without contact: its programs ({programs}) offer it, but customers "
            "cannot see where to ask for it: add contact: with the sales page's https: address "
            "or a mailto: address"
        ).format(programs=", ".join(paid[:3]) + (", …" if len(paid) > 3 else ""))
        out.append(Gap(source.label, line, column, tier.id, "paid-tier-no-contact", message))
    return out


def _requested_gaps(portal: m.Portal, program: m.ProgramBase) -> list[Gap]:
    """What a customer should have done before requesting help, and what it leaves with."""
    if not program.requested:
        return []
    out = []
    if not getattr(program, "prerequisites", True):
        out.append(
            _gap(
                portal,
                program.id,
                "accelerator-no-prerequisites",
                tr("accelerator has no prerequisites: name the ATX or guide to take first"),
            )
        )
    if not getattr(program, "outcomes", True):
        out.append(
            _gap(
                portal,
                program.id,
                "accelerator-no-outcomes",
                tr("accelerator has no outcomes: say what the customer leaves with"),
            )
        )
    return out


def _uncovered_phases(portal: m.Portal) -> list[Gap]:
    """Phases a customer who starts from a template never plans for; without templates the
    default plan covers every phase, so there is nothing to report."""
    covered = {entry.phase for t in portal.plans for entry in t.phases}
    message = tr(
        "no success-plan template covers this phase: add it to a template in phases/plans.yml"
    )
    return [
        _gap(portal, v.phase.id, "phase-in-no-plan", message)
        for v in portal.phases
        if portal.plans and v.phase.id not in covered
    ]


def _template_gaps(portal: m.Portal, path: Path) -> list[Gap]:
    """Templates a customer cannot follow on its own: every program they recommend is paid
    (the milestones' programs, or the phase's own where a phase lists no milestones). A
    template accepts its gaps with its own `report:`."""
    if not portal.plans:
        return []
    data, src = plan_data(portal), read_yaml(path, f"phases/{PLANS}")
    laid = {t["id"]: t for t in data["templates"]}
    out = []
    for index, template in enumerate(portal.plans):
        recommended = {pid for step in laid[template.id]["steps"] for pid in step["programs"]}
        if any(not data["programs"][pid]["paid"] for pid in recommended):
            continue
        line, column = src.position(("templates", index, "id"))
        message = tr(
            "the template recommends no free program: recommend a free guide, video or ATX "
            "at one of its milestones, so that customers can start on their own"
        )
        gap = Gap(src.label, line, column, template.id, "plan-without-free-program", message)
        acceptance = template.report
        if acceptance is not None and gap.code in acceptance.accept:
            gap = replace(gap, accepted=portal.t(acceptance.reason))
        out.append(gap)
    return out


def _unreferenced_pages(portal: m.Portal, content_dir: Path) -> list[Gap]:
    """Markdown that no guide program points at: customers only find it by searching."""
    out = []
    for path in sorted(content_dir.rglob("*.md")):
        page = path.relative_to(content_dir).as_posix()
        page = (translation_of(page, portal.info.languages) or (page,))[0]
        if page != "index.md" and page not in portal.guides:
            label = path.relative_to(content_dir.parent).as_posix()
            out.append(
                Gap(
                    label,
                    1,
                    1,
                    page,
                    "page-not-in-any-phase",
                    tr(
                        "no guide program points at this page: add one with page: "
                        "{page} to the phase it belongs to"
                    ).format(page=page),
                )
            )
    return out


def _gap(portal: m.Portal, subject: str, code: str, message: str) -> Gap:
    file, line, column = portal.located.get(subject, ("", 1, 1))
    return Gap(file, line, column, subject, code, message)


def as_problems(found: list[Gap]) -> list[Problem]:
    """Gaps as content errors, for `--strict-content`."""
    return [Problem(g.file, g.line, g.column, g.subject, g.message) for g in found]
