"""`phasebook import sessions`: a season of sessions from a spreadsheet or a webinar tool.

A CSV (the header names `program,starts,language,register` and optionally `note`) or an
iCalendar export (`.ics`, every event a session of one `--program`). Every row is checked
before anything is written: one bad row, reported as `FILE:ROW: …`, and nothing changes.
Rows already in the portal (same program, same instant, same language) are skipped and
counted, so importing the same file twice adds nothing. The sessions are then added as
`phasebook new session` adds one: round trip, comments kept, every file in one change.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from icalendar import Calendar
from pydantic import TypeAdapter, ValidationError

from generator.authoring.edit import ScaffoldError, editing
from generator.authoring.sessions import NewSession, add_sessions, atx_program, session_start
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.sourcefiles import SourceProblem, read_text

COLUMNS = ("program", "starts", "language", "register")
OPTIONAL = ("note",)
_HTTPS = TypeAdapter(m.HttpsUrl)


@dataclass(frozen=True)
class Imported:
    added: int
    skipped: int  # already in the portal, or twice in the file
    files: list[str]


def import_sessions(
    root: Path, source: Path, *, program: str | None = None, language: str | None = None
) -> Imported:
    """Add every session of `source` (CSV, or iCalendar with `program`) to the portal."""
    label = source.name
    try:
        text = read_text(source, label)
    except SourceProblem as exc:
        raise ScaffoldError(str(exc.problem)) from None
    with editing(root) as (project, portal):
        if source.suffix.lower() == ".ics":
            if program is None:
                raise ScaffoldError(tr("an .ics file needs --program: the ATX its events are"))
            rows = _ics_rows(text, label, portal, program, language or portal.language)
        else:
            rows = _csv_rows(text, label, portal)
        fresh, skipped = _new_only(portal, rows)
        if fresh:
            add_sessions(project, portal, fresh)
        return Imported(len(fresh), skipped, project.written())


def _new_only(portal: m.Portal, rows: list[NewSession]) -> tuple[list[NewSession], int]:
    seen = {
        (program_id, s.starts.timestamp(), s.language)
        for program_id, (_, p) in portal.by_id.items()
        if p.scheduled
        for s in p.sessions  # type: ignore[attr-defined]
    }
    fresh = []
    for row in rows:
        key = (row.program, row.starts.timestamp(), row.language)
        if key not in seen:
            fresh.append(row)
            seen.add(key)
    return fresh, len(rows) - len(fresh)


# -- CSV -------------------------------------------------------------------------------------


def _csv_rows(text: str, label: str, portal: m.Portal) -> list[NewSession]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS + OPTIONAL]
    if missing or unknown:
        raise ScaffoldError(
            tr("{file}:1: the header must name {columns} (and may name note); {what}").format(
                file=label,
                columns=",".join(COLUMNS),
                what=tr("missing: {names}").format(names=", ".join(missing))
                if missing
                else tr("unknown: {names}").format(names=", ".join(unknown)),
            )
        )
    reader.fieldnames = header
    rows, problems = [], []
    for record in reader:
        if not any((v or "").strip() for v in record.values() if isinstance(v, str)):
            continue  # a blank line between blocks of a spreadsheet
        try:
            rows.append(
                _session(
                    portal, {k: (v or "").strip() for k, v in record.items() if isinstance(v, str)}
                )
            )
        except ScaffoldError as exc:
            problems.append(f"{label}:{reader.line_num}: {exc}")
    if problems:
        raise ScaffoldError(_nothing_written(problems))
    return rows


def _nothing_written(problems: list[str]) -> str:
    return "\n".join([tr("nothing was imported: fix these rows first"), *problems])


def _session(portal: m.Portal, record: dict[str, str]) -> NewSession:
    program = record.get("program", "")
    atx_program(portal, program)
    starts = session_start(record.get("starts", ""), "starts")
    language = _spoken(portal, record.get("language") or portal.language)
    register = record.get("register") or None
    if register is not None:
        try:
            register = _HTTPS.validate_python(register)
        except ValidationError:
            raise ScaffoldError(
                tr("register '{url}' is not a valid https: URL").format(url=register)
            ) from None
    note = record.get("note") or None
    if note is not None and m.control_character(note):
        raise ScaffoldError(tr("note must be one line of text"))
    return NewSession(program, starts, language, register, note)


def _spoken(portal: m.Portal, language: str) -> str:
    """A session's language, if the portal speaks it (else no page could show it)."""
    if language not in portal.info.languages:
        raise ScaffoldError(
            tr("language '{language}' is not one of the portal's ({known})").format(
                language=language, known=", ".join(portal.info.languages)
            )
        )
    return language


# -- iCalendar ---------------------------------------------------------------------------------


def _ics_rows(
    text: str, label: str, portal: m.Portal, program: str, language: str
) -> list[NewSession]:
    atx_program(portal, program)
    _spoken(portal, language)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as exc:
        raise ScaffoldError(
            tr("{file}: not an iCalendar file ({error})").format(file=label, error=exc)
        ) from None
    rows, problems = [], []
    for number, event in enumerate(calendar.walk("VEVENT"), 1):
        where = tr("{file}: event {number} ({summary})").format(
            file=label, number=number, summary=str(event.get("SUMMARY", "")).strip()[:60]
        )
        try:
            rows += _event_rows(event, portal, program, language)
        except ScaffoldError as exc:
            problems.append(f"{where}: {exc}")
    if problems:
        raise ScaffoldError(_nothing_written(problems))
    return rows


def _event_rows(event, portal: m.Portal, program: str, language: str) -> list[NewSession]:
    """One event: its start (a floating time is taken in the portal's time zone), its URL
    as the registration page, and for a simple weekly/daily/monthly RRULE every
    occurrence."""
    if "DTSTART" not in event:
        raise ScaffoldError(tr("the event has no DTSTART"))
    starts = event.decoded("DTSTART")
    if not isinstance(starts, datetime):
        raise ScaffoldError(tr("an all-day event is not a session: give it a start time"))
    if starts.tzinfo is None:
        starts = starts.replace(tzinfo=portal.zone)
    url = str(event.get("URL", "")).strip() or None
    if url is not None and not url.startswith("https://"):
        url = None  # a meeting link of another kind: the session still counts
    first = NewSession(program, session_start(starts, "DTSTART"), language, url)
    rule = event.get("RRULE")
    if rule is None:
        return [first]
    return [NewSession(program, s, language, url) for s in _expand(starts, rule)]


def _expand(starts: datetime, rule) -> list[datetime]:
    """FREQ=DAILY|WEEKLY|MONTHLY with INTERVAL and UNTIL or COUNT: what webinar tools write.
    Anything else is refused rather than guessed."""
    freq = (rule.get("FREQ") or [""])[0]
    if set(rule) - {"FREQ", "INTERVAL", "UNTIL", "COUNT"} or freq not in (
        "DAILY",
        "WEEKLY",
        "MONTHLY",
    ):
        raise ScaffoldError(
            tr(
                "a repeat rule other than FREQ=DAILY/WEEKLY/MONTHLY with INTERVAL, UNTIL or "
                "COUNT: export each occurrence as an event of its own"
            )
        )
    interval = int((rule.get("INTERVAL") or [1])[0])
    count = int((rule.get("COUNT") or [m.MAX_OCCURRENCES])[0])
    until = (rule.get("UNTIL") or [None])[0]
    if isinstance(until, datetime):
        until = until.astimezone(starts.tzinfo).date() if until.tzinfo else until.date()
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}[freq]
    last = until or date(m.LAST_YEAR, 12, 31)
    return m.repeated(starts, interval, unit, last, starts.tzinfo)[:count]  # type: ignore[arg-type]
