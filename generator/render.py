"""Render the model into Markdown pages through Jinja2 templates a site may override.

Output is Markdown so that MkDocs resolves and checks every `.md` link and the theme styles
it. All text from YAML is plain text: `finalize` escapes every `{{ }}` for both Markdown and
HTML unless a helper returned Markup on purpose.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, StrictUndefined
from markupsafe import Markup

from generator import calendar
from generator import model as m
from generator.labels import LABELS, MONTHS_EN, WEEKDAYS
from generator.yamlfile import CJK

# Every ASCII character that Markdown or HTML could read as syntax becomes a numeric entity:
# browsers show it unchanged, and no extension can interpret it.
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~^=$"}
_ESCAPES[ord("\n")] = " "
ASSET = "assets/phasebook.css"
SCRIPT = "assets/phasebook.js"
SCHEDULE = "schedule.md"


def escape(value: object) -> Markup:
    """Plain text made safe for Markdown and HTML alike."""
    if isinstance(value, Markup):
        return value
    return Markup(str(value).translate(_ESCAPES))


def phase_src(phase_id: str) -> str:
    return f"phases/{phase_id}.md"


def program_src(program: m.ProgramT) -> str:
    """Guides keep the URL of their Markdown file; every other program gets its own page."""
    if isinstance(program, m.Guide):
        return posixpath.normpath(program.page)
    return f"programs/{program.id}.md"


class Renderer:
    """One Jinja2 environment per build: templates are compiled once, not per page."""

    def __init__(
        self, portal: m.Portal, overrides: Path | None = None, lang: str | None = None
    ) -> None:
        self.portal = portal
        self.lang = lang or portal.language
        self.labels = LABELS.get(self.lang, LABELS["en"])
        self.zone = ZoneInfo(portal.info.timezone)
        loaders = [FileSystemLoader(overrides)] if overrides else []
        self.env = Environment(
            loader=ChoiceLoader([*loaders, PackageLoader("generator", "templates")]),
            undefined=StrictUndefined,
            finalize=escape,
            autoescape=False,
            keep_trailing_newline=True,
            # Markdown attribute lists ({#id}) would otherwise open a Jinja comment.
            comment_start_string="{##",
            comment_end_string="##}",
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.filters.update(
            t=self.t, paragraphs=self.paragraphs, url=_url, when=self.when, minutes=self.minutes
        )
        self.env.globals.update(
            l=self.labels,
            portal=portal,
            badge=self.badge,
            title=portal.title,
            link=self.link,
            m_src=program_src,
            m_phase=phase_src,
            ics=calendar.ics_path,
            phase_feed=calendar.phase_feed,
            feed_all=calendar.FEED,
            TOUCH=m.TOUCH,
        )

    # -- pages -----------------------------------------------------------------------------

    def phase_page(self, view: m.PhaseView) -> str:
        phase = view.phase
        groups = [
            ("self-service", self.labels["self_service"], ("guide", "video")),
            ("atx", self.labels["atx"], ("atx",)),
            ("accelerators", self.labels["accelerators"], ("accelerator",)),
        ]
        programs = [
            (Markup(anchor), heading, [p for p in phase.programs if p.kind in kinds])
            for anchor, heading, kinds in groups
        ]
        return self._render(
            "phase.md.j2",
            src=phase_src(phase.id),
            view=view,
            phase=phase,
            groups=[g for g in programs if g[2]],
            position=self._position(phase.id),
            page_title=self.t(phase.name),
        )

    def program_page(self, view: m.PhaseView, program: m.ProgramT) -> str:
        upcoming = self.portal.upcoming(program) if isinstance(program, m.Atx) else []
        past = (
            sorted(
                (s for s in program.sessions if self.portal.is_over(program, s)),
                key=lambda s: s.starts,
            )
            if isinstance(program, m.Atx)
            else []
        )
        prerequisites = [
            self.portal.program(pid)[1] for pid in getattr(program, "prerequisites", [])
        ]
        return self._render(
            "program.md.j2",
            src=program_src(program),
            view=view,
            program=program,
            upcoming=upcoming,
            past=past,
            prerequisites=prerequisites,
            page_title=self.portal.title(program, self.lang),
        )

    def schedule_page(self) -> str:
        """Sessions that had not ended at build time; the browser hides later ones."""
        items = [
            item
            for item in calendar.sessions(self.portal)
            if not self.portal.is_over(item.program, item.session)
        ]
        return self._render(
            "schedule.md.j2", src=SCHEDULE, items=items, page_title=self.labels["schedule"]
        )

    def guide_header(self, page: str) -> str | None:
        """The tier and phase line shown under a guide's heading; None if `page` is no guide."""
        found = self.portal.guides.get(page)
        if found is None:
            return None
        view, guide = found
        return self._render("guide_header.md.j2", src=page, view=view, program=guide)

    def _render(self, template: str, *, src: str, **context: object) -> str:
        """Render `template` for the page at `src`, which `link` resolves paths from."""
        title = context.pop("page_title", None)
        if title is not None:
            # Material prints `page.meta.title` as HTML and passes a title taken from the H1
            # through `striptags`, which unescapes it: give it the title escaped, as HTML.
            # JSON is valid YAML, so the front matter holds any text.
            context["front_matter"] = Markup(f"---\ntitle: {json.dumps(html.escape(title))}\n---\n")
        self._page = src
        return self.env.get_template(template).render(page=src, **context)

    # -- helpers templates call ------------------------------------------------------------

    def t(self, value: dict[str, str] | None) -> str:
        return self.portal.t(value, self.lang)

    def paragraphs(self, value: dict[str, str] | None) -> Markup:
        """A multi-line text as Markdown paragraphs, each escaped: in folded YAML (`>`) a
        blank line leaves a single line break, so every break starts a paragraph."""
        parts = [p.strip() for p in self.t(value).splitlines() if p.strip()]
        return Markup("\n\n").join(escape(p) for p in parts)

    def link(self, target: str, text: str | Markup) -> Markup:
        """A Markdown link from the page being rendered, so MkDocs checks and rewrites it."""
        href = posixpath.relpath(target, posixpath.dirname(self._page) or ".")
        return Markup(f"[{escape(text)}]({href})")

    def badge(self, tier_id: str) -> Markup:
        """The one tier badge used everywhere: colour plus words, so it also reads in print."""
        tier = self.portal.tier(tier_id)
        name = escape(self.t(tier.name))
        if tier.paid:
            paid = escape(self.labels["paid"])
            return Markup(
                f'<span class="pb-badge pb-paid" data-tier="{tier.id}">'
                f'<span class="pb-badge__mark">{paid}</span>{name}</span>'
            )
        return Markup(f'<span class="pb-badge pb-free" data-tier="{tier.id}">{name}</span>')

    def when(self, session: m.Session, program: m.Atx) -> Markup:
        """A session's date, weekday and time span in the portal's time zone."""
        start = session.starts.astimezone(self.zone)
        end = m.session_ends(program, session).astimezone(self.zone)
        zone = start.tzname() or self.portal.info.timezone
        day = self._day(start)
        text = f"{day} {start:%H:%M}–{end:%H:%M} {zone}"
        if end.date() != start.date():
            text = f"{day} {start:%H:%M} – {self._day(end)} {end:%H:%M} {zone}"
        return Markup(
            f'<time datetime="{start.isoformat()}" data-pb-end="{end.isoformat()}">'
            f"{escape(text)}</time>"
        )

    def _day(self, moment: datetime) -> str:
        weekday = WEEKDAYS.get(self.lang, WEEKDAYS["en"])[moment.weekday()]
        if self.lang == "ja":
            return f"{moment.year}年{moment.month}月{moment.day}日({weekday})"
        return f"{weekday} {moment.day} {MONTHS_EN[moment.month - 1]} {moment.year}"

    def minutes(self, value: int) -> str:
        return self.labels["minutes"].format(value)

    def _position(self, phase_id: str) -> tuple[int, int]:
        ids = [v.phase.id for v in self.portal.phases]
        return ids.index(phase_id) + 1, len(ids)


def _url(value: str) -> Markup:
    """A URL checked at load time, escaped for an HTML attribute."""
    return Markup(value.translate({ord(c): f"&#{ord(c)};" for c in "&<>\"'"}))


_SOFT_BREAK = re.compile(rf"(?<=[{CJK}])\n[ \t]*(?=[{CJK}])")
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def join_cjk_lines(markdown: str) -> str:
    """Drop the line break between two Japanese characters outside code blocks.

    Browsers show a soft line break as a space, which reads as a typo inside a Japanese
    sentence that an author wrapped for their editor ("入社や異動に 合わせた")."""
    parts = _FENCE.split(markdown)
    # split() with one group alternates text, fence marker, text…: text inside a fence is
    # every other text part, starting from the second.
    out, inside = [], False
    for i, part in enumerate(parts):
        if i % 2:  # a fence marker
            out.append(part)
            inside = not inside
            continue
        out.append(part if inside else _SOFT_BREAK.sub("", part))
    return "".join(out)


def navigation(portal: m.Portal, lang: str | None = None) -> list:
    """The global nav: home, then stages → phases. Never one entry per program, because
    MkDocs renders the whole nav into every page."""
    labels = LABELS.get(lang or portal.language, LABELS["en"])
    nav: list = [{labels["home"]: "index.md"}]
    for stage in portal.lifecycle.stages:
        views = [v for v in portal.phases if v.stage.id == stage.id]
        # Themes print nav titles as HTML: escape them here.
        entries = [
            {html.escape(portal.t(v.phase.name, lang)): phase_src(v.phase.id)} for v in views
        ]
        nav.append({html.escape(portal.t(stage.name, lang)): entries})
    nav.append({labels["schedule"]: SCHEDULE})
    return nav
