"""Sessions as iCalendar feeds that customers subscribe to or add one by one.

RFC 5545 is easy to get subtly wrong by hand (folding, escaping, VTIMEZONE), so icalendar
writes it. UIDs are derived from program, start and language so that a subscribed
calendar updates an event instead of duplicating it when the feed is rebuilt.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vText

from generator.i18n.words import gettext
from generator.source import model as m
from generator.source.memo import Keep, Kept, Same, make, per_phase
from generator.source.urls import absolute_url, page_url, program_src

FEED = "schedule.ics"
# Events are written with this DTSTAMP and each feed gets the build's in its place: a
# feed's bytes are then kept by the preview across the minutes (generator/source/memo.py)
# and only the stamp is written again, not every event (RFC 5545 folding leaves a line this
# short whole, and text cannot hold a line break, so the marker is only ever the stamp).
_STAMPED = datetime(1970, 1, 1, tzinfo=UTC)
_MARK = b"\r\nDTSTAMP:19700101T000000Z\r\n"


@dataclass(frozen=True)
class Scheduled:
    """One session with the program and phase it belongs to."""

    view: m.PhaseView
    program: m.ProgramBase  # of a `scheduled` kind
    session: m.Session

    @functools.cached_property
    def instant(self) -> datetime:
        """The start in UTC, by which sessions are sorted: datetimes in one zone compare
        without asking each zone its offset, which took a tenth of a second for 12,000."""
        return self.session.starts.astimezone(UTC)

    @functools.cached_property
    def key(self) -> str:  # asked for in every language's feeds, pages and data
        return session_key(self.session)

    @functools.cached_property
    def uid(self) -> str:  # asked for some ten times per session and build
        return f"{self.program.id}-{self.key}@phasebook"


def session_key(session: m.Session) -> str:
    """Stable across builds and unique within a program: used in UIDs and file names."""
    return f"{session.starts.astimezone(UTC):%Y%m%dT%H%MZ}-{session.language}"


def ics_path(program_id: str, session: m.Session) -> str:
    return _ics(program_id, session_key(session))


def _ics(program_id: str, key: str) -> str:
    return f"programs/{program_id}/{key}.ics"


def phase_feed(phase_id: str) -> str:
    return f"schedule/{phase_id}.ics"


# Each scheduled program's sessions, kept while its program and view are the very same (a
# preview save keeps the views of the phases it did not change: load._VIEWS): their UIDs and
# instants are worked out once, not for 12,000 sessions on every save.
_SCHEDULED = Kept()


def sessions(portal: m.Portal) -> list[Scheduled]:
    """Every session of every scheduled program in start order (then program order)."""
    if "sessions" not in portal.derived:
        found = [
            item
            for view, program in portal.programs()
            if program.scheduled
            for item in _SCHEDULED.get(
                program.id,
                (Same(view), Same(program)),
                lambda v=view, p=program: [
                    Scheduled(v, p, session)
                    for session in p.sessions  # type: ignore[attr-defined]
                ],
            )
        ]
        portal.derived["sessions"] = sorted(found, key=lambda s: s.instant)
    return list(portal.derived["sessions"])  # type: ignore[call-overload]


def by_program(portal: m.Portal) -> dict[str, list[Scheduled]]:
    """`sessions(portal)` by program id, each program's in start order (the feeds and
    catalog.json keep a program's together)."""
    if "sessions by program" not in portal.derived:
        found: dict[str, list[Scheduled]] = {}
        for item in sessions(portal):
            found.setdefault(item.program.id, []).append(item)
        portal.derived["sessions by program"] = found
    return portal.derived["sessions by program"]  # type: ignore[return-value]


def in_phase(portal: m.Portal, view: m.PhaseView) -> list[tuple[str, list[Scheduled]]]:
    """A phase's scheduled programs, in its order, each with its sessions (`by_program`):
    what the preview keeps of a phase file's feeds and catalog entries."""
    scheduled = by_program(portal)
    return [(p.id, scheduled[p.id]) for p in view.phase.programs if p.id in scheduled]


def feed_files(
    portal: m.Portal,
    site_url: str | None,
    lang: str | None = None,
    keep: Keep = make,
    directory_urls: bool = True,
) -> Iterator[tuple[str, bytes]]:
    """Every feed the site serves in `lang`, as (path, content): all sessions, one per phase,
    one per session. Each event is written once and reused in the three feeds it is in; its
    UID is the same in every language, so a calendar subscribed to two keeps one event.
    `directory_urls` is MkDocs' `use_directory_urls`: an event links its program's page.
    A program's events and feeds are kept by the preview while it stays the same (`keep`),
    and a phase's under one key: one per session took a tenth of a save at 10,000 programs,
    one per program a twentieth."""
    every = sessions(portal)
    zone = ZoneInfo(portal.info.timezone)
    stamp = f"\r\nDTSTAMP:{stamped(portal):%Y%m%dT%H%M%SZ}\r\n".encode()
    link = Links(site_url, directory_urls)
    timezone = _vtimezone(portal.info.timezone).to_ical()
    scheduled = by_program(portal)
    order = {p.id: n for n, (_, p) in enumerate(portal.programs()) if p.id in scheduled}

    def own(items: list[Scheduled]) -> dict[str, tuple[bytes, bytes]]:
        """A program's events, and the feed of each session, by UID."""
        title = portal.title(items[0].program, lang)
        events = {i.uid: _event(portal, i, zone, link, lang).to_ical() for i in items}
        return {uid: (e, _calendar(portal, title, [timezone], [e])) for uid, e in events.items()}

    def events(view: m.PhaseView) -> dict[str, dict[str, tuple[bytes, bytes]]]:
        return {
            pid: keep(lambda i=items: own(i), "events", [pid], view.phase.id)
            for pid, items in in_phase(portal, view)
        }

    # One key per phase file (memo.per_phase), each program's kept within it.
    written = {}
    for phase_events in per_phase(keep, portal, "events by phase", events):
        written |= phase_events

    def calendar(items: list[Scheduled], name: str, phase: str | None = None) -> bytes:
        # Its programs in lifecycle order say which sessions, in which order: their digests
        # hold the sessions, and sessions at the same moment follow their programs' order.
        programs = sorted({i.program.id for i in items}, key=order.__getitem__)
        made = lambda: _calendar(  # noqa: E731
            portal,
            name,
            [timezone] if items else [],
            [written[i.program.id][i.uid][0] for i in items],
        )
        return keep(made, f"feed {phase or '*'}", programs, phase).replace(_MARK, stamp)

    name = portal.t(portal.info.title, lang)
    yield FEED, calendar(every, name)
    for view in portal.phases:
        items = [item for item in every if item.view is view]
        phase = portal.t(view.phase.name, lang)
        yield phase_feed(view.phase.id), calendar(items, f"{name} – {phase}", view.phase.id)

    def session_feeds(view: m.PhaseView) -> list[tuple[str, bytes]]:
        return [
            (_ics(pid, item.key), written[pid][item.uid][1].replace(_MARK, stamp))
            for pid, items in in_phase(portal, view)
            for item in items
        ]

    # One key per phase file and day (memo.per_phase), not 12,000 stamps set anew.
    day = f"session feeds {stamp.decode().strip()}"
    for feeds in per_phase(keep, portal, day, session_feeds):
        yield from feeds


def stamped(portal: m.Portal) -> datetime:
    """Every event's DTSTAMP: the day the portal was built (UTC), from SOURCE_DATE_EPOCH when
    set, so the same sources give the same feed. A feed without METHOD says by DTSTAMP when
    its events were last revised (RFC 5545, 3.8.7.2), which no clock of ours knows better
    than the day; to the minute, every session's file changed each minute, and the preview
    wrote 12,000 of them again at 10,000 programs (a third of a second of a save)."""
    return portal.now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _calendar(portal: m.Portal, name: str, timezone: list[bytes], events: list[bytes]) -> bytes:
    """A VCALENDAR around components already written: the same bytes icalendar gives for
    the whole calendar, as each component is written on its own lines."""
    cal = Calendar()
    cal.add("prodid", "-//Phasebook//Customer success portal//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # Non-standard properties are written raw unless typed: as vText they are escaped like
    # SUMMARY, so no text can end the line and start a property or an event of its own.
    cal.add("x-wr-calname", vText(name))
    cal.add("x-wr-timezone", vText(portal.info.timezone))
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return b"".join([head, *timezone, *events, b"END:VCALENDAR", end])


@functools.cache
def _vtimezone(tzid: str) -> Timezone:
    """Working out a zone's transitions takes ~25 ms: once per zone, not once per file."""
    return Timezone.from_tzid(tzid)


@dataclass(frozen=True)
class Links:
    """Where an event links to: its program's page, as MkDocs publishes it, made absolute
    (a calendar has no base URL), or nothing when the site does not say where it is."""

    site_url: str | None
    directory_urls: bool

    def program(self, program: m.ProgramBase) -> str | None:
        if not self.site_url:
            return None
        return absolute_url(page_url(program_src(program), self.directory_urls), self.site_url)


def _event(
    portal: m.Portal, item: Scheduled, zone: ZoneInfo, link: Links, lang: str | None
) -> Event:
    program, session = item.program, item.session
    event = Event()
    event.add("uid", item.uid)
    # DTSTAMP is the build's day, not the clock (`stamped`). Each feed puts it in place of
    # this mark (`feed_files`).
    event.add("dtstamp", _STAMPED)
    event.add("dtstart", session.starts.astimezone(zone))
    event.add("dtend", m.session_ends(program, session).astimezone(zone))
    title = portal.title(program, lang)
    label = program.feed_label and gettext(lang or portal.language, program.feed_label)
    event.add("summary", f"[{label}] {title}" if label else title)
    lines = [portal.t(program.summary, lang)] if program.summary else []
    if session.register_url:
        lines.append(session.register_url)
    event.add("description", "\n\n".join(lines))
    url = link.program(program) or session.register_url
    if url:
        event.add("url", url)
    event.add("location", _location(portal, program, lang))
    return event


def _location(portal: m.Portal, program: m.ProgramBase, lang: str | None) -> str:
    """Where the customer goes: the venue of a program held in person, else online."""
    if program.in_person:
        return portal.t(program.venue, lang)  # type: ignore[attr-defined]
    return gettext(lang or portal.language, "Online")
