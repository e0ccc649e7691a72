"""The global navigation of a language's tree."""

from __future__ import annotations

import html

from generator.i18n import words
from generator.site.render.stage import stage_title
from generator.source import model as m
from generator.source.urls import (
    CATALOGUES,
    HOME,
    NEW,
    PLAN,
    PLANS,
    SCHEDULE,
    phase_src,
    stage_src,
)


def navigation(portal: m.Portal, lang: str | None = None) -> list:
    """The global nav: home, then stages → phases. Never one entry per program, because
    MkDocs renders the whole nav into every page.

    A stage's page comes first in its section, so its tab opens it (Material's tabs open a
    section's first page; with navigation.indexes its name is the link). Its title here
    ("Stage: Onboard") is what the footer's previous and next links show: given in the nav,
    as every page's is, the preview knows it without rendering the page again. A stage
    that is a single phase of the same name is that phase's page, once."""
    lang = lang or portal.language
    nav: list = [{words.gettext(lang, "Home"): HOME}]
    for stage in portal.lifecycle.stages:
        views = [v for v in portal.phases if v.stage.id == stage.id]
        # Themes print nav titles as HTML: escape them here.
        entries: list = [
            {html.escape(portal.t(v.phase.name, lang)): phase_src(v.phase.id)} for v in views
        ]
        src = stage_src(portal, stage)
        if src is None:
            nav.extend(entries)
        else:
            page = {html.escape(stage_title(portal, stage, lang)): src}
            nav.append({html.escape(portal.t(stage.name, lang)): [page, *entries]})
    for kind, src in CATALOGUES.items():
        nav.append({words.gettext(lang, m.KIND_MODELS[kind].catalogue.nav): src})
    nav.append({words.gettext(lang, "Schedule"): SCHEDULE})
    nav.append({words.gettext(lang, "What's new"): NEW})
    nav.append({words.gettext(lang, "Support plans"): PLANS})
    nav.append({words.gettext(lang, "Your success plan"): PLAN})
    return nav
