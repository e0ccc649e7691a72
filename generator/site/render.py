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

from babel.dates import format_skeleton
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
    pass_context,
)
from jinja2.runtime import Context
from markupsafe import Markup

from generator.feeds import calendar
from generator.i18n.labels import LABELS
from generator.i18n.messages import tr
from generator.site.lifecycle_svg import lifecycle_svg, stage_colour
from generator.source import memo
from generator.source import model as m
from generator.source.urls import (
    CATALOGUES,
    HOME,
    PLANS,
    SCHEDULE,
    catalogue_rows,
    page_url,
    paged_src,
    phase_src,
    program_src,
    relative_url,
)
from generator.text.cjk import WIDE
from generator.text.errors import ContentError, Problem

# Every ASCII character that Markdown or HTML could read as syntax becomes a numeric entity:
# browsers show it unchanged, and no extension can interpret it.
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~^=$"}
_ESCAPES[ord("\n")] = " "
# The generated Markdown uses heading ids ({#tasks}), Markdown inside HTML blocks and
# tables: the plugin adds these to every build, the export writes them into mkdocs.yml.
REQUIRED_EXTENSIONS = ("attr_list", "md_in_html", "tables")
ASSET = "assets/phasebook.css"
SCRIPT = "assets/phasebook.js"
LEVELS = ("beginner", "intermediate", "advanced")
_RELATED_SLOT = re.compile(r'<div data-pb-related="([a-z0-9-]+)"></div>')
# A phase page's parts, in order, with the label of each heading (`section` of each kind).
SECTIONS = (("self-service", "self_service"), ("atx", "atx"), ("accelerators", "accelerators"))
HOME_SESSIONS = 5  # sessions the start page shows
# Rendered hidden, shown in place of those already past by the visitor's clock: enough for
# weeks of a busy portal's sessions after the build.
HOME_SPARE = 45


def escape(value: object) -> Markup:
    """Plain text made safe for Markdown and HTML alike."""
    if isinstance(value, Markup):
        return value
    return Markup(str(value).translate(_ESCAPES))


class Renderer:
    """One Jinja2 environment per build: templates are compiled once, not per page."""

    def __init__(
        self,
        portal: m.Portal,
        overrides: Path | None = None,
        lang: str | None = None,
        directory_urls: bool = True,
        page_size: int = 100,
    ) -> None:
        self.portal = portal
        self.page_size = page_size
        self.lang = lang or portal.language
        self.directory_urls = directory_urls
        # program id → ids of related programs and guides, from the search index
        self.related: dict[str, list[str]] = {}
        self.labels = LABELS.get(self.lang, LABELS["en"])
        self.zone = portal.zone
        self.overrides = overrides.resolve() if overrides else None
        # A site's template replaces ours of the same name, or extends it as
        # "phasebook/<name>" to replace one {% block %} only.
        ours = PackageLoader("generator.site", "templates")
        loaders = [FileSystemLoader(self.overrides)] if self.overrides else []
        # Where pages and parts rendered before are kept (generator/source/memo.py, the preview).
        self.keep: memo.Keep = memo.make
        self.env = Environment(
            bytecode_cache=memo.TEMPLATES,
            loader=ChoiceLoader([*loaders, PrefixLoader({"phasebook": ours}), ours]),
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
            t=self.t,
            paragraphs=self.paragraphs,
            url=_url,
            when=self.when,
            minutes=self.minutes,
            target=self.target,
            key=m.text_key,
        )
        self.env.globals.update(
            l=self.labels,
            portal=portal,
            badge=self.badge,
            title=self.title,
            link=self.link,
            href=self.href,
            tier_label=self.tier_label,
            languages=self.languages,
            m_src=program_src,
            m_phase=phase_src,
            ics=calendar.ics_path,
            phase_feed=calendar.phase_feed,
            feed_all=calendar.FEED,
            m_home=HOME,
            m_schedule=SCHEDULE,
            m_plans=PLANS,
            m_catalogue=CATALOGUES,
            related_slot=self.related_slot,
            upcoming=self.upcoming,
            other_language=self.other_language,
        )

    # -- pages -----------------------------------------------------------------------------

    def phase_page(self, view: m.PhaseView) -> str:
        phase = view.phase
        programs = [
            (Markup(section), self.labels[key], [p for p in phase.programs if p.section == section])
            for section, key in SECTIONS
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
        upcoming = self.upcoming(program) if isinstance(program, m.Atx) else []
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

    def schedule_files(self) -> list[tuple[str, str, bool]]:
        """Sessions that had not ended at build time, `page_size` a page (the browser hides
        those that end later), as (src, content, in nav)."""
        items = self._upcoming()
        chunks, srcs = self._pages(items, SCHEDULE)

        def page(n: int, src: str, chunk: list[calendar.Scheduled]) -> str:
            return self.keep(
                lambda: self._render(
                    "schedule.md.j2",
                    src=src,
                    items=chunk,
                    pages=srcs,
                    number=n,
                    total=len(items),
                    page_title=self.labels["schedule"],
                ),
                f"schedule {n}/{len(srcs)} {len(items)} {[i.uid for i in chunk]}",
                [i.program.id for i in chunk],
            )

        return [
            (src, page(n, src, chunk), n == 1)
            for n, (src, chunk) in enumerate(zip(srcs, chunks, strict=True), 1)
        ]

    def _pages(self, items: list, first: str) -> tuple[list[list], list[str]]:
        """`items` in pages of `page_size`, and the source path of each page."""
        size = self.page_size
        chunks = [items[i : i + size] for i in range(0, len(items), size)] or [[]]
        return chunks, [paged_src(first, n) for n in range(1, len(chunks) + 1)]

    def _upcoming(self) -> list[calendar.Scheduled]:
        return [
            item
            for item in calendar.sessions(self.portal)
            if not self.portal.is_over(item.program, item.session)
        ]

    def _next_first(self, items: list[calendar.Scheduled]) -> list[calendar.Scheduled]:
        """Sessions in the page's language first, each group by start."""
        return sorted(items, key=lambda item: self._next_key(item.session))

    def _views(self, stage_id: str) -> list[tuple[int, m.PhaseView]]:
        """A stage's phases with their lifecycle number."""
        return [(i + 1, v) for i, v in enumerate(self.portal.phases) if v.stage.id == stage_id]

    def related_slot(self, program_id: str) -> Markup:
        """Where a page's related content goes, filled in by `fill_related` once the search
        index (built alongside the pages) has said what is related."""
        return Markup(f'\n<div data-pb-related="{program_id}"></div>\n')

    def fill_related(self, src: str, html_page: str) -> str:
        """The finished HTML of the page at `src` with its related content in place."""

        def related(match: re.Match) -> str:
            found = [self.portal.program(i) for i in self.related.get(match.group(1), [])]
            return self._render("related.html.j2", src=src, related=found)

        return _RELATED_SLOT.sub(related, html_page)

    def home_page(self) -> str:
        """The start page: the lifecycle loop, "where am I?", the next sessions."""
        lifecycle_map = lifecycle_svg(
            self.portal,
            lambda phase_id: self._relative(phase_src(phase_id), HOME),
            self.lang,
            self.labels["loop_title"],
        )
        stages = [
            (stage, stage_colour(self.portal, stage.id), self._views(stage.id))
            for stage in self.portal.lifecycle.stages
        ]
        return self._render(
            "home.md.j2",
            src=HOME,
            lifecycle_map=lifecycle_map,
            stages=stages,
            items=self._next_first(self._upcoming())[: HOME_SESSIONS + HOME_SPARE],
            shown=HOME_SESSIONS,
            page_title=self.t(self.portal.info.title),
        )

    def catalogue_files(self, kind: str) -> list[tuple[str, str, bool]]:
        """Every program of one kind as (src, content, in nav): pages of `page_size` rows,
        so that a phone never gets one huge table, and when there is more than one page, all
        rows as JSON for filtering across pages in the browser."""
        items = [(v, p) for v, p in self.portal.programs() if p.kind == kind]
        chunks, srcs = self._pages(items, CATALOGUES[kind])
        data = catalogue_rows(kind) if len(chunks) > 1 else None
        files = [
            (
                src,
                self.keep(
                    lambda n=number, c=chunk: self._catalogue_page(
                        kind, n, c, len(items), srcs, data
                    ),
                    f"catalogue {kind} {number}/{len(srcs)} {len(items)}",
                    [p.id for _, p in chunk],
                ),
                number == 1,
            )
            for number, (src, chunk) in enumerate(zip(srcs, chunks, strict=True), 1)
        ]
        if data is not None:
            files.append((data, self._catalogue_json(kind, items, srcs[0]), False))
        return files

    def _catalogue_page(
        self, kind: str, number: int, items: list, total: int, pages: list[str], data: str | None
    ) -> str:
        heading = self.labels[f"catalogue_{kind}"]
        return self._render(
            "catalogue.md.j2",
            src=pages[number - 1],
            kind=kind,
            items=items,
            total=total,
            pages=pages,
            number=number,
            rows=data,
            levels=LEVELS,
            page_title=heading if number == 1 else f"{heading} ({number}/{len(pages)})",
            wide=True,
        )

    def _catalogue_json(self, kind: str, items: list, first: str) -> str:
        """Rows as the first page shows them (its links), with what the filters compare."""

        def row(view: m.PhaseView, program: m.ProgramT) -> dict:
            html_row = self._render(
                "catalogue_row.md.j2", src=first, kind=kind, view=view, program=program
            ).strip()
            return {
                "phase": view.phase.id,
                "rank": self.portal.rank(program.tier),
                "level": program.level or "",
                "lang": self.portal.languages(program),
                "html": html_row,
            }

        data = [
            self.keep(lambda v=v, p=p: row(v, p), f"row {kind} {first}", [p.id], v.phase.id)
            for v, p in items
        ]
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    def plans_page(self) -> str:
        """The tier × phase matrix sales shows: what each tier adds, phase by phase."""
        tiers = self.portal.lifecycle.tiers
        cells = {
            (view.phase.id, tier.id): [p for p in view.phase.programs if p.tier == tier.id]
            for view in self.portal.phases
            for tier in tiers
        }
        stages = [(stage, self._views(stage.id)) for stage in self.portal.lifecycle.stages]
        built = self.portal.now.astimezone(self.zone)
        return self._render(
            "plans.md.j2",
            src=PLANS,
            tiers=tiers,
            free=[t for t in tiers if not t.paid],
            paid=[t for t in tiers if t.paid],
            cells=cells,
            stages=stages,
            built=self._date(built),
            page_title=self.labels["plans"],
            wide=True,
        )

    def page_markdown(self, src: str, markdown: str, untranslated: bool = False) -> str:
        """A Markdown page as the portal shows it: wrapped Japanese lines joined; a guide's
        tier and phase under its heading and what is related at its end; and a notice when
        the page is shown in the first language for want of a translation."""
        markdown = join_cjk_lines(markdown)
        found = self.portal.guides.get(src)
        header = []
        if untranslated:
            header.append(self._render("untranslated.md.j2", src=src, first=self.portal.language))
        if found is not None:
            view, guide = found
            header.append(self._render("guide_header.md.j2", src=src, view=view, program=guide))
        if not header:
            return markdown
        footer = self.related_slot(found[1].id) if found else ""
        lines = markdown.splitlines(keepends=True)
        at = next((i + 1 for i, ln in enumerate(lines) if ln.startswith("# ")), 0)
        head = "".join(f"\n{part}\n" for part in header)
        return "".join([*lines[:at], head, *lines[at:], "\n\n", footer])

    def _render(self, template: str, *, src: str, **context: object) -> str:
        """Render `template` for the page at `src`, which `link` resolves paths from."""
        title = context.pop("page_title", None)
        wide = context.pop("wide", False)
        if title is not None:
            # Material prints `page.meta.title` as HTML and passes a title taken from the H1
            # through `striptags`, which unescapes it: give it the title escaped, as HTML.
            # JSON is valid YAML, so the front matter holds any text.
            meta = f"title: {yaml_string(html.escape(title))}\n"
            if wide:  # tables that need the width the sidebars would take
                meta += "hide: [navigation, toc]\n"
            context["front_matter"] = Markup(f"---\n{meta}---\n")
        try:
            return self.env.get_template(template).render(page=src, **context)
        except TemplateError as exc:
            raise ContentError([self._template_problem(template, exc)]) from None

    def _template_problem(self, template: str, exc: TemplateError) -> Problem:
        """Where a template (most likely a site's override) went wrong: its file and line,
        from the error itself or from the template's frame in the traceback."""
        filename = getattr(exc, "filename", None)
        line = getattr(exc, "lineno", None)
        tb = exc.__traceback__
        while tb is not None and line is None:
            if tb.tb_frame.f_code.co_filename.endswith(".j2"):
                filename, line = tb.tb_frame.f_code.co_filename, tb.tb_lineno
            tb = tb.tb_next
        name = Path(filename) if filename else Path(template)
        if self.overrides is not None and name.is_relative_to(self.overrides):
            shown = name.relative_to(self.overrides.parent).as_posix()
        else:
            shown = f"(packaged) {name.name}"
        message = tr("template error: {error}: fix it, or remove it to use ours").format(
            error=exc.message or exc
        )
        return Problem(shown, line or 1, 1, "", message)

    # -- helpers templates call ------------------------------------------------------------

    def t(self, value: dict[str, str] | None) -> str:
        return self.portal.t(value, self.lang)

    def title(self, program: m.ProgramT) -> str:
        return self.portal.title(program, self.lang)

    def paragraphs(self, value: dict[str, str] | None) -> Markup:
        """A multi-line text as Markdown paragraphs, each escaped: in folded YAML (`>`) a
        blank line leaves a single line break, so every break starts a paragraph."""
        parts = [p.strip() for p in self.t(value).splitlines() if p.strip()]
        return Markup("\n\n").join(escape(p) for p in parts)

    @staticmethod
    @pass_context
    def link(context: Context, target: str, text: str | Markup) -> Markup:
        """A Markdown link from the page being rendered, so MkDocs checks and rewrites it."""
        href = posixpath.relpath(target, posixpath.dirname(context["page"]) or ".")
        return Markup(f"[{escape(text)}]({href})")

    @pass_context
    def href(self, context: Context, target: str) -> Markup:
        """The URL of the page at source path `target`, relative to the page being rendered,
        for raw HTML that MkDocs does not rewrite."""
        return _url(self._relative(target, context["page"]))

    def _relative(self, target: str, page: str) -> str:
        here = page_url(page, self.directory_urls)
        return relative_url(page_url(target, self.directory_urls), here)

    def badge(self, tier_id: str) -> Markup:
        """The one tier badge used everywhere: colour plus words, so it also reads in print.
        Its text is `tier_label`, word for word."""
        tier = self.portal.tier(tier_id)
        name = escape(self.t(tier.name))
        if tier.paid:
            paid = escape(self.labels["paid"])
            return Markup(
                f'<span class="pb-badge pb-paid" data-tier="{tier.id}">'
                f'<span class="pb-badge__mark">{paid}</span> {name}</span>'
            )
        return Markup(f'<span class="pb-badge pb-free" data-tier="{tier.id}">{name}</span>')

    def tier_label(self, tier_id: str) -> str:
        """A tier in plain text (menus, feeds), reading exactly as its badge does."""
        tier = self.portal.tier(tier_id)
        name = self.t(tier.name)
        return f"{self.labels['paid']} {name}" if tier.paid else name

    def languages(self, program: m.ProgramT) -> str:
        return "・".join(
            self.labels.get(f"lang_{lang}", lang) for lang in self.portal.languages(program)
        )

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
        """2026年12月15日(火), Tue, Dec 15, 2026: the locale's own pattern (Babel's CLDR
        data, as Material's blog plugin uses), not one written here per language."""
        return format_skeleton("yMMMEd", moment, locale=self.lang)

    def _date(self, moment: datetime) -> str:
        return format_skeleton("yMMMd", moment, locale=self.lang)

    def upcoming(self, program: m.Atx) -> list[m.Session]:
        """A program's sessions not over at build time, the page's language first: the
        browser then shows the first ones not over by the visitor's clock."""
        return sorted(self.portal.upcoming(program), key=self._next_key)

    def _next_key(self, session: m.Session) -> tuple[bool, datetime]:
        """The order of every list of sessions: the page's language first, then by start."""
        return session.language != self.lang, session.starts

    def other_language(self, session: m.Session) -> Markup:
        """「（英語）」 after a session held in another language than the page's."""
        if session.language == self.lang:
            return Markup("")
        name = self.labels.get(f"lang_{session.language}", session.language)
        return Markup('<span class="pb-lang">{}</span>').format(
            escape(self.labels["in_language"].format(name))
        )

    def target(self, value: dict[str, str]) -> str:
        """A target as people write it: ">= 95%" reads 「95%以上」 or "at least 95%"."""
        text = self.t(value)
        found = _TARGET.match(text)
        if found is None:
            return text
        amount = found.group(2)
        if self.lang in ("ja", "zh"):  # 2 名 → 2名: no space before a CJK unit
            amount = re.sub(rf"(?<=\d) +(?=[{WIDE}])", "", amount)
        return self.labels[f"target_{_OPERATORS[found.group(1)]}"].format(amount)

    def minutes(self, value: int) -> str:
        return self.labels["minutes"].format(value)

    def _position(self, phase_id: str) -> tuple[int, int]:
        ids = [v.phase.id for v in self.portal.phases]
        return ids.index(phase_id) + 1, len(ids)


_TARGET = re.compile(r"^\s*(>=|<=|≥|≤|>|<)\s*(\S.*?)\s*$")
_OPERATORS = {">=": "ge", "≥": "ge", "<=": "le", "≤": "le", ">": "gt", "<": "lt"}


# What YAML cannot hold even in a double-quoted string, written as its escape instead.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def yaml_string(text: str) -> str:
    """`text` as a double-quoted YAML string (front matter), emoji and 𠮷 included: JSON
    with `ensure_ascii` would write them as surrogate pairs, which YAML refuses."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML.sub(lambda c: f"\\u{ord(c.group()):04x}", quoted)


def _url(value: str) -> Markup:
    """A URL checked at load time, escaped for an HTML attribute."""
    return Markup(value.translate({ord(c): f"&#{ord(c)};" for c in "&<>\"'"}))


_SOFT_BREAK = re.compile(rf"(?<=[{WIDE}])\n[ \t]*(?=[{WIDE}])")
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
    nav: list = [{labels["home"]: HOME}]
    for stage in portal.lifecycle.stages:
        views = [v for v in portal.phases if v.stage.id == stage.id]
        # Themes print nav titles as HTML: escape them here.
        entries = [
            {html.escape(portal.t(v.phase.name, lang)): phase_src(v.phase.id)} for v in views
        ]
        nav.append({html.escape(portal.t(stage.name, lang)): entries})
    nav.append({labels["nav_atx"]: CATALOGUES["atx"]})
    nav.append({labels["nav_accelerators"]: CATALOGUES["accelerator"]})
    nav.append({labels["schedule"]: SCHEDULE})
    nav.append({labels["nav_plans"]: PLANS})
    return nav
