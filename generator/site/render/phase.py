"""A phase page (its programs by section, its exit criteria) and a program's own page."""

from __future__ import annotations

from markupsafe import Markup

from generator.i18n import words
from generator.i18n.words import W_
from generator.site.render.base import RendererBase
from generator.source import model as m
from generator.source.urls import phase_src, program_src

# A phase page's parts, in order, with their headings: each kind says its `section`.
SECTIONS = {
    "self-service": W_("Self-service (guides and videos)"),
    "atx": W_("Ask the Experts (ATX)"),
    "accelerators": W_("Accelerators"),
}


def phase_page(r: RendererBase, view: m.PhaseView) -> str:
    """A phase: summary, tasks, its programs section by section, exit criteria, pager."""
    phase = view.phase
    groups = [
        (Markup(section), words.gettext(r.lang, heading), _in(phase, section))
        for section, heading in SECTIONS.items()
    ]
    ids = [v.phase.id for v in r.portal.phases]
    return r.render(
        "phase.md.j2",
        src=phase_src(phase.id),
        view=view,
        phase=phase,
        groups=[g for g in groups if g[2]],
        position=(ids.index(phase.id) + 1, len(ids)),
        page_title=r.t(phase.name),
    )


def _in(phase: m.PhaseFile, section: str) -> list[m.ProgramT]:
    return [p for p in phase.programs if p.section == section]


def program_page(r: RendererBase, view: m.PhaseView, program: m.ProgramT) -> str:
    """A program with a page of its own: its facts, then what its kind adds (sessions …)."""
    past = []
    if program.scheduled:
        over = (s for s in program.sessions if r.portal.is_over(program, s))
        past = sorted(over, key=lambda s: s.starts)
    prerequisites = [r.portal.program(pid)[1] for pid in getattr(program, "prerequisites", [])]
    return r.render(
        "program.md.j2",
        src=program_src(program),
        view=view,
        program=program,
        upcoming=r.upcoming(program) if program.scheduled else [],
        past=past,
        prerequisites=prerequisites,
        page_title=r.portal.title(program, r.lang),
    )
