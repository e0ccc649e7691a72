"""schema.org JSON-LD of a page, from the model: what search engines, chat link previews
and calendar tools read instead of the page's HTML.

Pure functions from the portal to dicts; head.py serialises them into the page. Each kind
of page says what it is: a program page is a `Course` (or, for a self-service video, a
`VideoObject`), each of its upcoming sessions an `Event` (Google's event rich result),
its recording a `VideoObject`; phase, program and guide pages carry a `BreadcrumbList`
(stage page → phase → program); a phase page with questions, a `FAQPage` (render/faq.py).
Absolute URLs come from `site_url`: without one, what needs a URL to be valid
(breadcrumbs, thumbnails, `@id`s) is left out rather than written relative, which JSON-LD
readers would not resolve against the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from generator.i18n import words
from generator.site.render import faq
from generator.site.render.stage import stage_title
from generator.source import model as m
from generator.source.urls import HOME, page_url, phase_src, program_src, stage_src

SCHEMA = "https://schema.org/"
OG_IMAGE = "assets/phasebook-og.png"  # the link-preview image, in the first language's tree


@dataclass(frozen=True)
class Where:
    """One language's tree: where it is published and how MkDocs names its pages."""

    lang: str
    tree_url: str | None  # the tree's absolute URL (/ or /en/ below site_url), if known
    root_url: str | None  # the portal's own (the first language's) absolute URL
    directory_urls: bool = True

    def url(self, src: str) -> str | None:
        """The absolute URL of the page at `src` (a source path), or None without site_url."""
        if self.tree_url is None:
            return None
        return self.tree_url.rstrip("/") + "/" + page_url(src, self.directory_urls)


Shown = tuple[m.PhaseView, m.ProgramBase | None]  # the phase and program a page shows


def shown(portal: m.Portal) -> dict[str, Shown]:
    """Every page of the model by its source path: phases, programs and guides. Built once
    per build: a page is looked up here, not searched for among thousands of programs."""
    found: dict[str, Shown] = {}
    for view in portal.phases:
        found[phase_src(view.phase.id)] = (view, None)
        for program in view.phase.programs:
            found[program_src(program)] = (view, program)
    return found


def page_graph(portal: m.Portal, where: Where, page: Shown | None) -> list[dict]:
    """Every entity a page describes; none for a page the model does not know."""
    if page is None:
        return []
    view, program = page
    trail = _breadcrumbs(portal, where, view, program)
    if program is None:  # a phase page: its questions, if it has any
        questions = faq.entity(portal, view.phase, where.lang)
        return [*trail, questions] if questions else trail
    if program.written:
        return trail
    return [*trail, *_program(portal, where, program)]


def title(portal: m.Portal, page: Shown, lang: str) -> str:
    """The page's title as plain text: its program's or its phase's."""
    view, program = page
    return portal.title(program, lang) if program else portal.t(view.phase.name, lang)


def description(portal: m.Portal, page: Shown | None, src: str, lang: str) -> str | None:
    """What a page is about, in a line: its program's, phase's or (home) portal's summary."""
    if page is None:
        return _plain(portal, portal.info.description, lang) if src == HOME else None
    view, program = page
    return _plain(portal, program.summary if program else view.phase.summary, lang)


def organizer(portal: m.Portal, where: Where) -> dict:
    """The vendor, who runs every session and publishes every program."""
    found: dict = {"@type": "Organization", "name": portal.info.vendor}
    if where.root_url:
        found["url"] = where.root_url
    return found


def _program(portal: m.Portal, where: Where, program: m.ProgramBase) -> list[dict]:
    """A program page's own entities: the program, its upcoming sessions, its video."""
    found = [] if program.touch == "tech" else [_course(portal, where, program)]
    found += [_event(portal, where, program, s) for s in portal.upcoming(program)]
    video = _video(portal, where, program)
    return found + ([video] if video else [])


def _course(portal: m.Portal, where: Where, program: m.ProgramBase) -> dict:
    """A one-to-many or one-to-one program as a course the vendor provides."""
    lang, page = where.lang, where.url(program_src(program))
    course: dict = {
        "@type": "Course",
        "name": portal.title(program, lang),
        "description": _about(portal, program, lang),
        "provider": organizer(portal, where),
        "inLanguage": portal.languages(program),
        "isAccessibleForFree": not portal.tier(program.tier).paid,
    }
    if page:
        course |= {"@id": f"{page}#course", "url": page}
    course |= _dates(portal, program)
    if program.level:
        course["educationalLevel"] = program.level
    if program.topics:
        course["about"] = [portal.t(topic, lang) for topic in program.topics]
    course["hasCourseInstance"] = [
        {
            "@type": "CourseInstance",
            "courseMode": "onsite" if program.in_person else "online",
            "startDate": _at(portal, session.starts),
            "endDate": _at(portal, m.session_ends(program, session)),
            "inLanguage": session.language,
        }
        for session in portal.upcoming(program)
    ]
    return course


def _dates(portal: m.Portal, program: m.ProgramBase) -> dict:
    """When the program was published and last changed, as its page says (what's new)."""
    dated = portal.dates.get(program.id)
    if dated is None:
        return {}
    found = {"datePublished": dated.published, "dateModified": dated.changed}
    return {key: _at(portal, when) for key, when in found.items() if when is not None}


def _event(portal: m.Portal, where: Where, program: m.ProgramBase, session: m.Session) -> dict:
    """One upcoming session, with what Google's event rich result requires (name, startDate,
    location) and recommends (endDate, attendance mode, status, organizer, offers, image)."""
    lang, page = where.lang, where.url(program_src(program))
    event: dict = {
        "@type": "Event",
        "name": portal.title(program, lang),
        "description": _about(portal, program, lang),
        "startDate": _at(portal, session.starts),
        "endDate": _at(portal, m.session_ends(program, session)),
        "duration": _duration(program.length()),
        "eventStatus": f"{SCHEMA}EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}{_attendance(program)}EventAttendanceMode",
        "location": _location(portal, program, session, page, lang),
        "inLanguage": session.language,
        "organizer": organizer(portal, where),
        "isAccessibleForFree": not portal.tier(program.tier).paid,
        "offers": _offer(portal, program, session, page, lang),
    }
    if page:
        key = session.starts.strftime("%Y%m%dT%H%M%z")
        event |= {"@id": f"{page}#session-{key}-{session.language}", "url": page}
    if where.tree_url:
        event["image"] = [og_image_url(where)]
    return event


def _attendance(program: m.ProgramBase) -> str:
    return "Offline" if program.in_person else "Online"


def _location(
    portal: m.Portal, program: m.ProgramBase, session: m.Session, page: str | None, lang: str
) -> dict:
    """Online: where to join (the registration, else the program's page). In person: the
    venue, the one line the YAML gives, as name and address (Google asks for both)."""
    if program.in_person:
        venue = portal.t(program.venue, lang)  # type: ignore[attr-defined]
        return {"@type": "Place", "name": venue, "address": venue}
    url = session.register_url or page
    return {"@type": "VirtualLocation", **({"url": url} if url else {})}


def _offer(
    portal: m.Portal, program: m.ProgramBase, session: m.Session, page: str | None, lang: str
) -> dict:
    """Registration as an offer: free (price 0) for a free tier; a paid tier's sessions are
    part of a plan with no price of their own, which the offer says in words."""
    tier = portal.tier(program.tier)
    offer: dict = {"@type": "Offer", "availability": f"{SCHEMA}InStock"}
    url = session.register_url or page
    if url:
        offer["url"] = url
    if not tier.paid:
        return offer | {"price": 0}
    plan = words.gettext(lang, "Included in the %(tier)s plan") % {
        "tier": portal.t(tier.name, lang)
    }
    return offer | {"description": plan, "category": portal.t(tier.name, lang)}


def _video(portal: m.Portal, where: Where, program: m.ProgramBase) -> dict | None:
    """The program's recording, or the program itself when it is a self-service video.
    Google requires `thumbnailUrl` (the link-preview image, with site_url) and
    `uploadDate`: a recording's is the start of its latest session that is over; a video's
    is when it was published (written, or its first commit)."""
    lang = where.lang
    url = getattr(program, "recording", None)
    if url is None and program.touch == "tech" and not program.written:
        url = getattr(program, "url", None)
    if url is None:
        return None
    video: dict = {
        "@type": "VideoObject",
        "name": portal.title(program, lang),
        "description": _about(portal, program, lang),
        "embedUrl": url,
        "url": url,
        "duration": _duration(program.length()),
        "inLanguage": portal.languages(program)[0],
        "publisher": organizer(portal, where),
    }
    dated = portal.dates.get(program.id)
    if dated is not None and dated.published is not None:
        video["uploadDate"] = _at(portal, dated.published)
    past = [s for s in getattr(program, "sessions", []) if portal.is_over(program, s)]
    if past:
        latest = max(past, key=lambda s: s.starts)
        video |= {"uploadDate": _at(portal, latest.starts), "inLanguage": latest.language}
    if where.tree_url:
        video["thumbnailUrl"] = [og_image_url(where)]
    return video


def _breadcrumbs(
    portal: m.Portal, where: Where, view: m.PhaseView, program: m.ProgramBase | None = None
) -> list[dict]:
    """Stage → phase (→ program), the stage by its page's title ("Stage: Onboard"), so a
    stage and a phase of the same name read apart. A stage that is a single phase of the
    same name has no page and is left out; a trail of one item (that phase's own page) is
    no trail. Without site_url there is no absolute URL to give, and Google refuses a
    breadcrumb without one: none is written."""
    if where.tree_url is None:
        return []
    lang = where.lang
    stage = stage_src(portal, view.stage)
    trail = [] if stage is None else [(stage_title(portal, view.stage, lang), where.url(stage))]
    trail.append((portal.t(view.phase.name, lang), where.url(phase_src(view.phase.id))))
    if program is not None:
        trail.append((portal.title(program, lang), where.url(program_src(program))))
    if len(trail) < 2:
        return []
    items = [
        {"@type": "ListItem", "position": n, "name": name, "item": url}
        for n, (name, url) in enumerate(trail, start=1)
    ]
    return [{"@type": "BreadcrumbList", "itemListElement": items}]


def og_image_url(where: Where) -> str:
    """The link-preview image, in the first language's tree: one picture for every
    language, since it carries no words but Latin ones (og_image.py)."""
    base = where.root_url or where.tree_url or ""
    return base.rstrip("/") + "/" + OG_IMAGE


def _at(portal: m.Portal, moment) -> str:
    """A moment with its offset, in the portal's time zone (2026-12-03T10:00:00+09:00)."""
    return moment.astimezone(portal.zone).isoformat()


def _duration(length: timedelta) -> str:
    """ISO 8601, as schema.org reads a duration: PT90M."""
    return f"PT{int(length.total_seconds() // 60)}M"


def _about(portal: m.Portal, program: m.ProgramBase, lang: str) -> str:
    """A program's summary, or its title where it has none (Google wants a description)."""
    return _plain(portal, program.summary, lang) or portal.title(program, lang)


def _plain(portal: m.Portal, value: dict[str, str] | None, lang: str) -> str | None:
    """A localized text on one line, or None when there is none."""
    text = " ".join(portal.t(value, lang).split())
    return text or None
