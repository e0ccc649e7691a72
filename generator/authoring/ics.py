"""The sessions of an iCalendar export (`phasebook import sessions FILE.ics --program ID`).

Every event is read as RFC 5545 and the calendar libraries read it: icalendar for the
properties and their time zones, dateutil.rrule for the repeat rule, EXDATE taken out, RDATE
added, an instance moved or cancelled under the same UID (RECURRENCE-ID) taken out of its
series. What cannot be read exactly is refused by name rather than guessed: a time zone
that is neither an IANA name, nor defined by a VTIMEZONE in the file, nor a Windows name
(CLDR's windowsZones table, as tzlocal ships it); a COUNT or INTERVAL that is not a whole
number from 1; a rule without end; a DTSTART its own rule would not produce (RFC 5545
leaves that set undefined); a URL the phase files would refuse.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import islice

from dateutil.rrule import rrulestr
from icalendar import Calendar, vRecur
from pydantic import TypeAdapter, ValidationError
from tzlocal.windows_tz import win_tz

from generator.authoring.edit import ScaffoldError
from generator.authoring.sessions import NewSession, session_start
from generator.i18n.messages import tr
from generator.source import model as m

_HTTPS = TypeAdapter(m.HttpsUrl)
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The parts of RFC 5545 that dateutil reads; RSCALE, SKIP (RFC 7529) and X- parts are not.
PARTS = frozenset(
    {"FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST", "BYSETPOS", "BYMONTH", "BYMONTHDAY"}
    | {"BYYEARDAY", "BYWEEKNO", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND"}
)
MAX_INTERVAL = 999  # as a phase file's `every` (1 to 999 days, weeks or months)
_USED = ("DTSTART", "RRULE", "RDATE", "EXDATE", "URL", "RECURRENCE-ID")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def visible(text: str) -> str:
    """`text` safe to print in a message: control characters as \\uXXXX, not as themselves."""
    return _CONTROL.sub(lambda c: f"\\u{ord(c.group()):04x}", text)


@dataclass(frozen=True)
class _Zones:
    """Where an event's times are: the zones its file defines, and the portal's own zone
    for a floating time (one without a zone)."""

    defined: frozenset[str]
    portal: tzinfo

    def of(self, tzid: object, when: datetime) -> tzinfo:
        name = str(tzid)
        if name in self.defined and when.tzinfo is not None:
            return when.tzinfo  # icalendar read the file's VTIMEZONE
        zone = _iana(name) or (_iana(win_tz[name]) if name in win_tz else None)
        if zone is None:
            raise ScaffoldError(tr("unknown time zone '{zone}'").format(zone=visible(name)))
        return zone


def _iana(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    # ValueError: a path such as ../../etc/passwd; OSError: a folder such as `Asia`.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def ics_sessions(
    text: str, label: str, portal: m.Portal, program: str, language: str
) -> tuple[list[NewSession], list[str]]:
    """Every session of the file, or the problems (`FILE: event N: …`) that stop it."""
    try:
        calendar = Calendar.from_ical(text)
        events = calendar.walk("VEVENT")
        zones = _Zones(
            frozenset(str(z.get("TZID")) for z in calendar.walk("VTIMEZONE")), portal.zone
        )
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ScaffoldError(
            tr("{file}: not an iCalendar file ({error})").format(
                file=label, error=visible(str(exc))
            )
        ) from None
    moved = _moved(events, zones)
    rows: list[NewSession] = []
    problems: list[str] = []
    for number, event in enumerate(events, 1):
        try:
            url = _url(event)
            rows += [
                NewSession(program, session_start(s, "DTSTART"), language, url)
                for s in _occurrences(event, zones, moved)
            ]
        except ScaffoldError as exc:
            problems.append(f"{_where(label, number, event)}: {exc}")
        except (ValueError, KeyError, IndexError, TypeError, OverflowError) as exc:
            problems.append(
                f"{_where(label, number, event)}: "
                + tr("cannot be read ({error})").format(error=visible(str(exc)))
            )
    return rows, problems


def _where(label: str, number: int, event) -> str:
    summary = visible(str(event.get("SUMMARY", "")).strip())[:60]
    if not summary:
        return tr("{file}: event {number}").format(file=label, number=number)
    return tr("{file}: event {number} ({summary})").format(
        file=label, number=number, summary=summary
    )


def _url(event) -> str | None:
    """The event's URL as its registration page, checked as a phase file's `register`."""
    url = event.get("URL")
    if url is None or not str(url).strip():
        return None
    try:
        if isinstance(url, list):
            raise ValueError
        return _HTTPS.validate_python(str(url))
    except (ValidationError, ValueError):
        raise ScaffoldError(
            tr(
                "URL '{url}' is not a valid https: URL: correct it, or delete the URL line to "
                "import the event without a registration page"
            ).format(url=visible(str(url))[:200])
        ) from None


def _moved(events: list, zones: _Zones) -> set[tuple[str, float]]:
    """The instances of a series that an event of their own moves or cancels: (UID, start)."""
    found = set()
    for event in events:
        broken = any(p == "RECURRENCE-ID" for p, _ in event.errors)
        if "RECURRENCE-ID" in event and "UID" in event and not broken:
            try:
                when = _moment(event["RECURRENCE-ID"], None, zones, "RECURRENCE-ID")
            except ScaffoldError:
                continue  # reported as the event's own problem
            found.add((str(event.get("UID")), when.timestamp()))
    return found


def _occurrences(event, zones: _Zones, moved: set[tuple[str, float]]) -> list[datetime]:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return []
    for name, error in event.errors:
        if name == "RRULE" and isinstance(event.get("RRULE"), str):
            _broken_rule(str(event["RRULE"]))
        if name in _USED:
            raise ScaffoldError(
                tr("{name} cannot be read ({error})").format(name=name, error=visible(error))
            )
    if "RECURRENCE-ID" in event:
        _moment(event["RECURRENCE-ID"], None, zones, "RECURRENCE-ID")  # its zone is known
    if "DTSTART" not in event:
        raise ScaffoldError(tr("the event has no DTSTART"))
    starts = _moment(event["DTSTART"], None, zones, "DTSTART")
    rule = event.get("RRULE")
    found = _expand(rule, starts) if rule is not None else [starts]
    found += _dates(event, "RDATE", zones)
    gone = {d.timestamp() for d in _dates(event, "EXDATE", zones)}
    if "RECURRENCE-ID" not in event and "UID" in event:
        uid = str(event.get("UID"))
        gone |= {when for key, when in moved if key == uid}
    kept = {s.timestamp(): s for s in found if s.timestamp() not in gone}
    if len(kept) > m.MAX_OCCURRENCES:
        raise ScaffoldError(
            tr("more than {most} sessions in one event: split the series").format(
                most=m.MAX_OCCURRENCES
            )
        )
    return [kept[k] for k in sorted(kept)]


def _moment(value, tzid: object, zones: _Zones, name: str) -> datetime:
    """A DTSTART, RDATE or EXDATE as an instant: in its TZID, or the portal's zone if it
    has none (a floating time)."""
    tzid = tzid or value.params.get("TZID")
    when = value.dt[0] if isinstance(value.dt, tuple) else value.dt  # a PERIOD: its start
    if not isinstance(when, datetime):
        if name == "DTSTART":
            raise ScaffoldError(tr("an all-day event is not a session: give it a start time"))
        raise ScaffoldError(
            tr("{name} {date} is a date without a time: give the session's start time").format(
                name=name, date=when.isoformat() if isinstance(when, date) else when
            )
        )
    if tzid is not None:
        return when.replace(tzinfo=zones.of(tzid, when))
    return when if when.tzinfo is not None else when.replace(tzinfo=zones.portal)


def _dates(event, name: str, zones: _Zones) -> list[datetime]:
    found = event.get(name)
    lists = found if isinstance(found, list) else [] if found is None else [found]
    # icalendar drops an unknown TZID from each value: the list's own is the one written.
    return [_moment(v, lst.params.get("TZID"), zones, name) for lst in lists for v in lst.dts]


def _expand(rule, starts: datetime) -> list[datetime]:
    """The rule's occurrences as dateutil.rrule reads it, at most MAX_OCCURRENCES + 1 of
    them (one more is refused)."""
    if isinstance(rule, list):
        raise ScaffoldError(tr("more than one RRULE: export each series as an event of its own"))
    unknown = sorted(set(rule) - PARTS)
    freq = (rule.get("FREQ") or [""])[0]
    if unknown or freq not in FREQUENCIES:
        raise ScaffoldError(
            tr(
                "a repeat rule with {parts}: only FREQ=DAILY, WEEKLY, MONTHLY or YEARLY and the "
                "parts of RFC 5545 are read; export each occurrence as an event of its own"
            ).format(parts=visible(", ".join(unknown) or f"FREQ={freq}"))
        )
    interval = _whole(rule, "INTERVAL", MAX_INTERVAL) or 1
    count = _whole(rule, "COUNT", m.MAX_OCCURRENCES)
    until = _until(rule, starts)
    if count is None and until is None:
        raise ScaffoldError(tr("the repeat rule has no end: give it an UNTIL or a COUNT"))
    if count is not None and until is not None:
        raise ScaffoldError(tr("the repeat rule has both COUNT and UNTIL: RFC 5545 allows one"))
    bare = vRecur({k: v for k, v in rule.items() if k not in ("COUNT", "UNTIL")})
    series = rrulestr(bare.to_ical().decode(), dtstart=starts)
    if list(series.replace(until=starts)) != [starts]:  # type: ignore[union-attr]
        raise ScaffoldError(
            tr(
                "DTSTART {when} is not an occurrence of its RRULE: move DTSTART to the first "
                "session"
            ).format(when=starts.isoformat())
        )
    reach = _reach(starts, freq, interval)
    bounded = series.replace(until=min(until, reach) if until else reach)  # type: ignore[union-attr]
    found = list(islice(bounded, count or SEARCHED))
    if (until is None or until > reach) and len(found) < (count or SEARCHED):
        raise ScaffoldError(
            tr(
                "the repeat rule's sessions spread past {most} times its FREQ and INTERVAL, or "
                "past {last}: export them as events of their own"
            ).format(most=m.MAX_OCCURRENCES, last=m.LAST_YEAR)
        )
    return found


SEARCHED = m.MAX_OCCURRENCES + 1
_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}


def _reach(starts: datetime, freq: str, interval: int) -> datetime:
    """How far a rule is searched: MAX_OCCURRENCES of its steps, and not past LAST_YEAR.
    dateutil searches a rule that rarely matches (DAILY;BYMONTH=2;BYMONTHDAY=29) a day at
    a time, seconds for each event up to 2199: a file of them must not take an hour."""
    last = datetime.combine(date(m.LAST_YEAR, 12, 31), time(23, 59, 59), starts.tzinfo)
    days = _DAYS[freq] * interval * m.MAX_OCCURRENCES
    return last if days > (last - starts).days else starts + timedelta(days=days)


def _broken_rule(raw: str) -> None:
    """A COUNT or INTERVAL that icalendar could not read at all (a word, 20 digits) is
    named as the part it is."""
    for part in raw.replace("\\;", ";").split(";"):
        key, _, value = part.partition("=")
        most = {"COUNT": m.MAX_OCCURRENCES, "INTERVAL": MAX_INTERVAL}.get(key.strip().upper())
        digits = value.strip().isascii() and value.strip().isdigit()
        if most is not None and not (digits and 1 <= int(value) <= most):
            _whole({key.strip().upper(): [value.strip()]}, key.strip().upper(), most)


def _whole(rule, part: str, most: int) -> int | None:
    values = rule.get(part)
    if values is None:
        return None
    value = values[0] if len(values) == 1 else None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= most:
        raise ScaffoldError(
            tr("{part}={value} must be a whole number from 1 to {most}").format(
                part=part, value=visible(",".join(str(v) for v in values)), most=most
            )
        )
    return value


def _until(rule, starts: datetime) -> datetime | None:
    """UNTIL as an instant: in UTC as RFC 5545 asks, or a floating time or a date in the
    event's zone (a date: that whole day, as the rule bounds it inclusively)."""
    values = rule.get("UNTIL")
    if not values:
        return None
    until = values[0]
    if isinstance(until, datetime):
        local = until if until.tzinfo else until.replace(tzinfo=starts.tzinfo)
        return local.astimezone(starts.tzinfo)
    return datetime.combine(until, time(23, 59, 59), starts.tzinfo)
