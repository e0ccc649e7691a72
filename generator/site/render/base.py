"""What every view of a language's pages shares: its Jinja2 environment, the names templates
see, rendering with front matter, pages of a long list, and what is related to a page."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from jinja2 import TemplateError, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator.feeds import calendar
from generator.i18n import words
from generator.site.render import stage
from generator.site.render.environment import environment, template_problem
from generator.site.render.helpers import Helpers
from generator.site.render.legacy import Labels
from generator.site.render.markup import join_cjk_lines, url, yaml_string
from generator.source import memo
from generator.source import model as m
from generator.source.urls import (
    CATALOGUES,
    HOME,
    NEW,
    PLANS,
    SCHEDULE,
    SUBSCRIBE,
    paged_src,
    phase_src,
    program_src,
)
from generator.text.errors import ContentError

_RELATED_SLOT = re.compile(r'<div data-pb-related="([a-z0-9-]+)"></div>')


class RendererBase(Helpers):
    """One Jinja2 environment per build and language: templates are compiled once, not per
    page. The views (phase.py, catalogue.py …) render through it."""

    def __init__(
        self,
        portal: m.Portal,
        overrides: Path | None = None,
        lang: str | None = None,
        directory_urls: bool = True,
        page_size: int = 100,
    ) -> None:
        super().__init__(portal, lang or portal.language, directory_urls)
        words.warn_if_missing(self.lang)
        self.page_size = page_size
        # program id → ids of related programs and guides, from the search index
        self.related: dict[str, list[str]] = {}
        self.overrides = overrides.resolve() if overrides else None
        # Where pages and parts rendered before are kept (generator/source/memo.py, the preview).
        self.keep: memo.Keep = memo.make
        self.env = environment(self.overrides, self.lang)
        self.env.filters.update(
            t=self.t,
            paragraphs=self.paragraphs,
            url=url,
            when=self.when,
            minutes=self.minutes,
            target=self.target,
            key=m.text_key,
        )
        self.env.globals.update(self._globals())

    def _globals(self) -> dict[str, object]:
        """The names every template sees besides `_()` (the portal's words)."""
        return {
            "l": Labels(self.lang),  # the words by key, as site templates written before use
            "portal": self.portal,
            "page_language": self.lang,
            "badge": self.badge,
            "title": self.title,
            "link": self.link,
            "href": self.href,
            "tier_label": self.tier_label,
            "languages": self.languages,
            "language_name": self.language_name,
            "level_name": self.level_name,
            "kind_name": self.kind_name,
            "kind_short": self.kind_short,
            "touches": self.touches,
            "m_src": program_src,
            "m_phase": phase_src,
            "placed": self.placed,
            "ics": calendar.ics_path,
            "phase_feed": calendar.phase_feed,
            "feed_all": calendar.FEED,
            "m_home": HOME,
            "m_schedule": SCHEDULE,
            "m_plans": PLANS,
            "m_catalogue": CATALOGUES,
            "related_slot": self.related_slot,
            "recordings": self.recordings,
            "upcoming": self.upcoming,
            "other_language": self.other_language,
            "stamp": self.stamp,
            "last_updated": self.last_updated,
            "stale_translation": self.stale_translation,
            "m_new": NEW,
            "m_subscribe": SUBSCRIBE,
        }

    def render(self, template: str, *, src: str, **context: object) -> str:
        """Render `template` for the page at `src`, which `link` resolves paths from."""
        title = context.pop("page_title", None)
        wide = context.pop("wide", False)
        if title is not None:
            # Material prints `page.meta.title` as HTML and passes a title taken from the H1
            # through `striptags`, which unescapes it: give it the title escaped, as HTML.
            # JSON is valid YAML, so the front matter holds any text.
            meta = f"title: {yaml_string(html.escape(str(title)))}\n"
            if wide:  # tables that need the width the sidebars would take
                meta += "hide: [navigation, toc]\n"
            context["front_matter"] = Markup(f"---\n{meta}---\n")
        try:
            return self.env.get_template(template).render(page=src, **context)
        except TemplateError as exc:
            raise ContentError([template_problem(self.overrides, template, exc)]) from None

    def pages(self, items: Sequence, first: str) -> tuple[list[list], list[str]]:
        """`items` in pages of `page_size`, and the source path of each page."""
        size = self.page_size
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)] or [[]]
        return chunks, [paged_src(first, n) for n in range(1, len(chunks) + 1)]

    def recordings(self) -> list[tuple[str, str]]:
        """Where "no session is scheduled: watch a recording" leads: the catalogue of each
        kind that says its programs have recordings there, and the words of the link."""
        return [
            (cls.catalogue.src, self.word(cls.catalogue.recordings))
            for cls in m.KIND_MODELS.values()
            if cls.catalogue and cls.catalogue.recordings
        ]

    def upcoming_sessions(self) -> list[calendar.Scheduled]:
        """Every session that had not ended at build time (once per portal: the start page
        and the schedule of every language ask)."""
        derived = self.portal.derived
        if "upcoming" not in derived:
            derived["upcoming"] = [
                item
                for item in calendar.sessions(self.portal)
                if not self.portal.is_over(item.program, item.session)
            ]
        return list(derived["upcoming"])  # type: ignore[call-overload]

    def views(self, stage_id: str) -> list[tuple[int, m.PhaseView]]:
        """A stage's phases with their lifecycle number."""
        return [(i + 1, v) for i, v in enumerate(self.portal.phases) if v.stage.id == stage_id]

    @pass_context
    def placed(self, context: Context, view: m.PhaseView, with_phase: bool = True) -> Markup:
        """Where a program (or, without the phase, a phase) sits: its stage, linked to the
        stage's page, and its phase numbered in the lifecycle (render/stage.py)."""
        return stage.placed(self, context["page"], view, with_phase)

    def related_slot(self, program_id: str) -> Markup:
        """Where a page's related content goes, filled in by `fill_related` once the search
        index (built alongside the pages) has said what is related."""
        return Markup(f'\n<div data-pb-related="{program_id}"></div>\n')

    def fill_related(self, src: str, html_page: str) -> str:
        """The finished HTML of the page at `src` with its related content in place."""

        def related(match: re.Match) -> str:
            found = [self.portal.program(i) for i in self.related.get(match.group(1), [])]
            return self.render("related.html.j2", src=src, related=found)

        return _RELATED_SLOT.sub(related, html_page)

    def page_markdown(self, src: str, markdown: str, untranslated: bool = False) -> str:
        """A Markdown page as the portal shows it: wrapped Japanese lines joined; a guide's
        tier and phase under its heading and what is related at its end; and a notice when
        the page is shown in the first language for want of a translation."""
        markdown = join_cjk_lines(markdown)
        found = self.portal.guides.get(src)
        header = []
        if untranslated:
            header.append(self.render("untranslated.md.j2", src=src, first=self.portal.language))
        if found is not None:
            view, guide = found
            header.append(self.render("guide_header.md.j2", src=src, view=view, program=guide))
        if not header:
            return markdown
        footer = self.related_slot(found[1].id) if found else ""
        lines = markdown.splitlines(keepends=True)
        at = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("# ")), 0)
        head = "".join(f"\n{part}\n" for part in header)
        return "".join([*lines[:at], head, *lines[at:], "\n\n", footer])
