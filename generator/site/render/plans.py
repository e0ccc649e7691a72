"""The tier × phase matrix sales shows: what each tier adds, phase by phase."""

from __future__ import annotations

from markupsafe import Markup

from generator.i18n import words
from generator.site.render.base import RendererBase
from generator.source.urls import PLANS


def plans_page(r: RendererBase) -> str:
    """Every phase against every tier, the programs a tier adds in each cell."""
    tiers = r.portal.lifecycle.tiers
    cells = {
        (view.phase.id, tier.id): [p for p in view.phase.programs if p.tier == tier.id]
        for view in r.portal.phases
        for tier in tiers
    }
    stages = [(stage, r.views(stage.id)) for stage in r.portal.lifecycle.stages]

    def row(number: int, view) -> Markup:
        """A phase's row, kept by the preview while the phase's programs stay the same: at
        10,000 programs the table took a quarter of a second of each save."""
        added = {tier.id: cells[(view.phase.id, tier.id)] for tier in tiers}
        made = lambda: Markup(  # noqa: E731
            r.render(
                "plans_row.md.j2", src=PLANS, number=number, view=view, tiers=tiers, cells=added
            )
        )
        return r.keep(
            made, f"plans row {number}", [p.id for p in view.phase.programs], view.phase.id
        )

    return r.render(
        "plans.md.j2",
        src=PLANS,
        tiers=tiers,
        free=[t for t in tiers if not t.paid],
        paid=[t for t in tiers if t.paid],
        cells=cells,
        rows={v.phase.id: row(n, v) for _, views in stages for n, v in views},
        stages=stages,
        built=r.date(r.portal.now.astimezone(r.zone)),
        page_title=words.gettext(r.lang, "Support plans compared"),
        wide=True,
    )
