"""A stage's page, which its tab in the nav opens, and the line that says where a phase or a
program sits: stage, then the phase with its number in the lifecycle.

Vendors name stages and phases freely, and often alike (a stage 導入 holding the phases
導入準備 and 導入): a stage is always called a stage and a phase is always numbered, and a
stage that is a single phase of the same name is not shown twice (urls.stage_src).
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.i18n import words
from generator.i18n.words import W_
from generator.site.render.markup import escape
from generator.source import model as m
from generator.source.urls import phase_src, stage_src

if TYPE_CHECKING:
    from generator.site.render.base import RendererBase

STAGE_TITLE = W_("Stage: %(stage)s")


def stage_title(portal: m.Portal, stage: m.Stage, lang: str) -> str:
    """ "Stage: Onboard" (ステージ「導入」): the stage page's title, and its breadcrumb's name."""
    return words.gettext(lang, STAGE_TITLE) % {"stage": portal.t(stage.name, lang)}


def stage_page(r: RendererBase, stage: m.Stage) -> str:
    """What the stage is for, then its phases in order, each with its number in the
    lifecycle, its summary, its goal (the exit criteria) and a link to it."""
    src = stage_src(r.portal, stage)
    assert src is not None  # only stages with a page of their own are rendered
    stages = r.portal.lifecycle.stages
    return r.render(
        "stage.md.j2",
        src=src,
        stage=stage,
        phases=r.views(stage.id),
        total=len(r.portal.phases),
        position=(stages.index(stage) + 1, len(stages)),
        page_title=stage_title(r.portal, stage, r.lang),
    )


def phase_number(r: RendererBase, view: m.PhaseView) -> str:
    """ "Phase 2 of 8": the phase's place in the whole lifecycle."""
    ids = [v.phase.id for v in r.portal.phases]
    return r.word(W_("Phase %(number)s of %(total)s")) % {
        "number": ids.index(view.phase.id) + 1,
        "total": len(ids),
    }


def placed(r: RendererBase, page: str, view: m.PhaseView, with_phase: bool = True) -> Markup:
    """Where a program (`with_phase`) or a phase sits, for its meta line: "Stage: Onboard ›
    Phase 2 of 8: Implement", the stage linked to its page; a stage that is one phase of
    the same name is left out, since the phase says it all."""
    number = escape(phase_number(r, view))
    phase = Markup("{}: {}").format(
        number, _link(page, phase_src(view.phase.id), r.t(view.phase.name))
    )
    shown = phase if with_phase else number
    stage = stage_src(r.portal, view.stage)
    if stage is None:
        return shown
    label = escape(r.word(W_("Stage")))
    named = _link(page, stage, r.t(view.stage.name))
    gap = Markup(" › ") if with_phase else Markup(" · ")
    return Markup("{}: {}{}{}").format(label, named, gap, shown)


def _link(page: str, target: str, text: str) -> Markup:
    """A Markdown link from the page at `page`, which MkDocs checks and rewrites."""
    href = posixpath.relpath(target, posixpath.dirname(page) or ".")
    return Markup(f"[{escape(text)}]({href})")
