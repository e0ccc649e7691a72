"""The helpers templates call: a portal's texts, links, badges, dates and fixed words in the
language of the pages being rendered."""

from __future__ import annotations

import posixpath
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from generator.feeds.whatsnew import stale_translation
from generator.i18n import words
from generator.i18n.words import W_
from generator.site.render.markup import escape, url
from generator.source import model as m
from generator.source.urls import page_url, relative_url
from generator.text.cjk import HANGUL, WIDE

# The words of what the model names by id: levels (in the order filters list them), what
# the customer gets of each touch model (not the CS team's jargon), and a target's operator.
LEVELS = {
    "beginner": W_("Beginner"),
    "intermediate": W_("Intermediate"),
    "advanced": W_("Advanced"),
}
TOUCHES = {
    "tech": W_("Self-service"),
    "low": W_("Webinars (one-to-many)"),
    "high": W_("Dedicated help (one-to-one)"),
}
TARGETS = {
    "ge": W_("at least %(amount)s"),
    "le": W_("at most %(amount)s"),
    "gt": W_("more than %(amount)s"),
    "lt": W_("less than %(amount)s"),
}
_TARGET = re.compile(r"^\s*(>=|<=|≥|≤|>|<)\s*(\S.*?)\s*$")
_OPERATORS = {">=": "ge", "≥": "ge", "<=": "le", "≤": "le", ">": "gt", "<": "lt"}


class Helpers:
    """What templates ask of the portal, in the language `lang`."""

    def __init__(self, portal: m.Portal, lang: str, directory_urls: bool) -> None:
        self.portal = portal
        self.lang = lang
        self.directory_urls = directory_urls
        self.zone: ZoneInfo = portal.zone

    def word(self, message: str) -> str:
        """A word marked elsewhere (`W_`), in the pages' language."""
        return words.gettext(self.lang, message)

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
        return url(self.relative(target, context["page"]))

    def relative(self, target: str, page: str) -> str:
        here = page_url(page, self.directory_urls)
        return relative_url(page_url(target, self.directory_urls), here)

    def badge(self, tier_id: str) -> Markup:
        """The one tier badge used everywhere: colour plus words, so it also reads in print.
        Its text is `tier_label`, word for word."""
        tier = self.portal.tier(tier_id)
        name = escape(self.t(tier.name))
        if tier.paid:
            paid = escape(words.gettext(self.lang, "Paid"))
            return Markup(
                f'<span class="pb-badge pb-paid" data-tier="{tier.id}">'
                f'<span class="pb-badge__mark">{paid}</span> {name}</span>'
            )
        return Markup(f'<span class="pb-badge pb-free" data-tier="{tier.id}">{name}</span>')

    def tier_label(self, tier_id: str) -> str:
        """A tier in plain text (menus, feeds), reading exactly as its badge does."""
        tier = self.portal.tier(tier_id)
        name = self.t(tier.name)
        return f"{words.gettext(self.lang, 'Paid')} {name}" if tier.paid else name

    def language_name(self, code: str) -> str:
        """A language as the pages' language calls it (英語, Japanese)."""
        return words.language_name(code, self.lang)

    def languages(self, program: m.ProgramT) -> str:
        """The languages a program is offered in, as a list reads in the pages' language."""
        names = [self.language_name(code) for code in self.portal.languages(program)]
        return words.join(names, self.lang)

    def level_name(self, level: str) -> str:
        return self.word(LEVELS[level]) if level in LEVELS else level

    def kind_name(self, program: m.ProgramT) -> str:
        """What its kind is called after a program's badge (its `kind:` value if nothing)."""
        return self.word(program.name or program.kind)

    def kind_short(self, program: m.ProgramT) -> str:
        """Its kind in a word, for lists and the plans matrix."""
        return self.word(program.short or program.kind)

    def touches(self, tier_id: str) -> Markup:
        """How a tier helps (self-service, webinars …), as a list reads; each way kept on
        one line, so that a phone never breaks "1対1" as "1対 / 1"."""
        names = [self.word(TOUCHES[touch]) for touch in self.portal.touch(tier_id)]
        kept = [f'<span class="pb-nowrap">{escape(name)}</span>' for name in names]
        return Markup(words.join(kept, self.lang))

    def when(self, session: m.Session, program: m.ProgramT) -> Markup:
        """A session's date, weekday and time span in the portal's time zone."""
        start = session.starts.astimezone(self.zone)
        end = m.session_ends(program, session).astimezone(self.zone)
        zone = start.tzname() or self.portal.info.timezone
        day = self.day(start)
        text = f"{day} {start:%H:%M}–{end:%H:%M} {zone}"
        if end.date() != start.date():
            text = f"{day} {start:%H:%M} – {self.day(end)} {end:%H:%M} {zone}"
        # The zone's name and how the page puts the portal's time beside the visitor's:
        # the browser rewrites the text in the visitor's zone (phasebook.js `localTimes`).
        beside = escape(words.gettext(self.lang, "{0} ({1})"))
        return Markup(
            f'<time datetime="{start.isoformat()}" data-pb-end="{end.isoformat()}" '
            f'data-pb-zone="{escape(zone)}" data-pb-format="{beside}">{escape(text)}</time>'
        )

    def day(self, moment: datetime) -> str:
        """2026年12月15日(火), Tue, Dec 15, 2026: the locale's own pattern (Babel's CLDR
        data, as Material's blog plugin uses), not one written here per language."""
        return format_skeleton("yMMMEd", moment, locale=self.lang)

    def date(self, moment: datetime) -> str:
        return format_skeleton("yMMMd", moment, locale=self.lang)

    def stamp(self, moment: datetime) -> Markup:
        """A day as the page's language writes it, in a `<time>` that machines read."""
        local = moment.astimezone(self.zone)
        return Markup(f'<time datetime="{local.isoformat()}">{escape(self.date(local))}</time>')

    def last_updated(self, program: m.ProgramT) -> Markup:
        """When the program (a guide: its page in this language) last changed, if known."""
        changed = self.portal.dated(program, self.lang).changed
        return self.stamp(changed) if changed else Markup("")

    def stale_translation(self, program: m.ProgramT) -> bool:
        return stale_translation(self.portal, program, self.lang)

    def upcoming(self, program: m.ProgramT) -> list[m.Session]:
        """A program's sessions not over at build time, the page's language first: the
        browser then shows the first ones not over by the visitor's clock."""
        return sorted(self.portal.upcoming(program), key=self.next_key)

    def next_key(self, session: m.Session) -> tuple[bool, datetime]:
        """The order of every list of sessions: the page's language first, then by start."""
        return session.language != self.lang, session.starts

    def other_language(self, session: m.Session) -> Markup:
        """「（英語）」 after a session held in another language than the page's."""
        if session.language == self.lang:
            return Markup("")
        name = self.language_name(session.language)
        text = words.gettext(self.lang, " (%(language)s)") % {"language": name}
        return Markup('<span class="pb-lang">{}</span>').format(escape(text))

    def target(self, value: dict[str, str]) -> str:
        """A target as people write it: ">= 95%" reads 「95%以上」 or "at least 95%"."""
        text = self.t(value)
        found = _TARGET.match(text)
        if found is None:
            return text
        amount = found.group(2)
        # A number before a unit in a CJK or Hangul script: whether a space parts them is
        # the language's rule, so the catalog's ("%(number)s%(unit)s": 2 名 → 2名, 2 명 → 2명).
        number = words.gettext(self.lang, "%(number)s %(unit)s")
        amount = re.sub(
            rf"(\d) +([{WIDE}{HANGUL}])",
            lambda part: number % {"number": part.group(1), "unit": part.group(2)},
            amount,
        )
        return self.word(TARGETS[_OPERATORS[found.group(1)]]) % {"amount": amount}

    def minutes(self, value: int) -> str:
        return words.gettext(self.lang, "%(minutes)s min") % {"minutes": value}
