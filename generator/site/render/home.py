"""The start page: the lifecycle loop, "where am I?", the next sessions, what is new, the
kinds."""

from __future__ import annotations

import heapq

from markupsafe import Markup

from generator.i18n import words
from generator.site.lifecycle_svg import lifecycle_svg, stage_colour
from generator.site.render import whatsnew
from generator.site.render.base import RendererBase
from generator.source import model as m
from generator.source.urls import HOME, phase_src

HOME_SESSIONS = 5  # sessions the start page shows
# Rendered hidden, shown in place of those already past by the visitor's clock: enough for
# weeks of a busy portal's sessions after the build.
HOME_SPARE = 45


def home_page(r: RendererBase) -> str:
    """The start page, its sessions in the page's language first."""
    lifecycle_map = lifecycle_svg(
        r.portal,
        lambda phase_id: r.relative(phase_src(phase_id), HOME),
        r.lang,
        words.gettext(r.lang, "The customer lifecycle. Choose a phase to open its page."),
    )
    stages = [
        (stage, stage_colour(r.portal, stage.id), r.views(stage.id))
        for stage in r.portal.lifecycle.stages
    ]
    # The first few only: equal to sorting them all and cutting (heapq's promise).
    shown = HOME_SESSIONS + HOME_SPARE
    items = heapq.nsmallest(shown, r.upcoming_sessions(), key=lambda i: r.next_key(i.session))
    return r.render(
        "home.md.j2",
        src=HOME,
        lifecycle_map=lifecycle_map,
        stages=stages,
        items=items,
        shown=HOME_SESSIONS,
        sections=_sections(r),
        latest=whatsnew.home_changes(r),
        # No title of its own: Material then names the start page by the site name alone,
        # instead of "<portal title> - <site name>", the same words twice.
        front_matter=Markup(""),
    )


def _sections(r: RendererBase) -> list[tuple[str, str, str | None]]:
    """The kinds of programs as the start page lists them: each section of a phase page
    (heading, what it offers) and the catalogue of the first of its kinds that has one."""
    out = []
    for section in m.sections():
        found = (
            cls.catalogue.src
            for cls in m.KIND_MODELS.values()
            if cls.section.id == section.id and cls.catalogue
        )
        out.append((r.word(section.heading), r.word(section.about), next(found, None)))
    return out
