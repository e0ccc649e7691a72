"""A phase page (its programs by section, its exit criteria) and a program's own page."""

from __future__ import annotations

from markupsafe import Markup

from generator.site.render import faq
from generator.site.render.base import RendererBase
from generator.source import model as m
from generator.source.urls import phase_src, program_src


def phase_page(r: RendererBase, view: m.PhaseView) -> str:
    """A phase: summary, tasks, its programs section by section (the sections its kinds
    declare, in their order), exit criteria, questions customers ask (faq.py), pager."""
    phase = view.phase
    groups = [
        (Markup(section.id), r.word(section.heading), _in(phase, section))
        for section in m.sections()
    ]
    ids = [v.phase.id for v in r.portal.phases]
    src = phase_src(phase.id)

    def item(program: m.ProgramT) -> Markup:
        """A program's entry, kept while it stays the same: a phase of 1,250 programs took
        a sixth of a second to list again whenever one of them changed."""
        made = lambda: Markup(r.render("program_item.html.j2", src=src, program=program))  # noqa: E731
        return r.keep(made, "phase item", [program.id], phase.id)

    return r.render(
        "phase.md.j2",
        src=src,
        view=view,
        phase=phase,
        items={p.id: item(p) for p in phase.programs},
        groups=[g for g in groups if g[2]],
        position=(ids.index(phase.id) + 1, len(ids)),
        faq=faq.entries(r.portal, phase, r.lang),
        page_title=r.t(phase.name),
        loop_to=_loop_to(r.portal.phases, view),
    )


def _loop_to(views: tuple[m.PhaseView, ...], view: m.PhaseView) -> m.PhaseFields | None:
    """Where the last phase leads: the lifecycle is a loop, and a customer who has come
    round (recommending, say) starts the next round at its stage's first phase (the
    renewal); a last stage of one phase starts again at the very first phase."""
    if view.next is not None or len(views) < 2:
        return None
    first = next(v.phase for v in views if v.stage.id == view.stage.id)
    return first if first.id != view.phase.id else views[0].phase


def _in(phase: m.PhaseFile, section: m.Section) -> list[m.ProgramT]:
    return [p for p in phase.programs if p.section.id == section.id]


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
