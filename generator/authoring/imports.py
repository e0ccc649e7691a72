"""`phasebook import sessions`: a season of sessions from a spreadsheet or a webinar tool.

A CSV (the header names `program,starts,language,register` and optionally `note`) or an
iCalendar export (`.ics`, every event a session of one `--program`). Every row is checked
before anything is written: one bad row, reported as `FILE:ROW: …`, and nothing changes.
Rows already in the portal (same program, same instant, same language) are skipped and
counted, so importing the same file twice adds nothing. The sessions are then added as
`phasebook new session` adds one: round trip, comments kept, every file in one change,
each phase file parsed and written once however many rows there are. How an .ics file is
read (repeat rules, EXDATE, RDATE, time zones) is in ics.py.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from generator.authoring.edit import ScaffoldError, editing
from generator.authoring.ics import ics_sessions, visible
from generator.authoring.sessions import NewSession, add_sessions, atx_program, session_start
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.sourcefiles import MAX_BYTES, SourceProblem, read_text
from generator.source.validate.messages import message

COLUMNS = ("program", "starts", "language", "register")
OPTIONAL = ("note",)
MAX_SHOWN = 50  # problems listed; a file of 60,000 bad rows needs the first few, and a count
_HTTPS = TypeAdapter(m.HttpsUrl)
_LINE = TypeAdapter(m.Line)


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
    # A note may be as long as the file may be (the csv module stops at 128 KB).
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows, problems = [], []
    try:
        header = _header([h.strip() for h in next(reader, [])], label)
        ended = reader.line_num
        for cells in reader:
            row, ended = ended + 1, reader.line_num  # where the row starts: a note may wrap
            if not any(c.strip() for c in cells):
                continue  # a blank line between blocks of a spreadsheet
            try:
                rows.append(_session(portal, _record(header, cells)))
            except ScaffoldError as exc:
                problems.append(f"{label}:{row}: {exc}")
    except csv.Error as exc:
        raise ScaffoldError(
            tr("{file}:{row}: not a CSV file ({error})").format(
                file=label, row=reader.line_num, error=exc
            )
        ) from None
    if problems:
        raise ScaffoldError(_nothing_written(problems))
    return rows


def _header(header: list[str], label: str) -> list[str]:
    """The columns, each named once: a second `starts` would silently win over the first."""
    missing = [c for c in COLUMNS if c not in header]
    unknown = [h for h in header if h not in COLUMNS + OPTIONAL]
    if missing or unknown:
        raise ScaffoldError(
            tr("{file}:1: the header must name {columns} (and may name note); {what}").format(
                file=label,
                columns=",".join(COLUMNS),
                what=tr("missing: {names}").format(names=", ".join(missing))
                if missing
                else tr("unknown: {names}").format(names=visible(", ".join(unknown))),
            )
        )
    twice = sorted({h for h in header if header.count(h) > 1})
    if twice:
        raise ScaffoldError(
            tr("{file}:1: the header names {names} twice: keep one column of each").format(
                file=label, names=", ".join(twice)
            )
        )
    return header


def _record(header: list[str], cells: list[str]) -> dict[str, str]:
    """A row's cells by column; more cells than columns is refused, not cut off."""
    if len(cells) > len(header):
        raise ScaffoldError(
            tr(
                "{cells} cells, but the header names {columns} columns: a comma in a field "
                'that is not in double quotes? Write it as "…, …"'
            ).format(cells=len(cells), columns=len(header))
        )
    record = {column: cell.strip() for column, cell in zip(header, cells, strict=False)}
    for column, cell in record.items():
        _one_line(column, cell)
    return record


def _one_line(column: str, cell: str) -> None:
    """A cell holds one line of text, by the rules of a one-line text in a phase file: a
    line break, control character or bidi control is named, where a spreadsheet shows
    nothing."""
    if not cell or (cell.isascii() and cell.isprintable()):
        return  # nothing the rules refuse (most cells: ids, times, URLs)
    try:
        _LINE.validate_python(cell)
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ScaffoldError(f"{column}: {message(error, (column,))}") from None


def _nothing_written(problems: list[str]) -> str:
    shown = problems[:MAX_SHOWN]
    if len(problems) > MAX_SHOWN:
        shown.append(tr("… and {count} more").format(count=len(problems) - MAX_SHOWN))
    return "\n".join([tr("nothing was imported: fix these rows first"), *shown])


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
    return NewSession(program, starts, language, register, record.get("note") or None)


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
    rows, problems = ics_sessions(text, label, portal, program, language)
    if problems:
        raise ScaffoldError(_nothing_written(problems))
    return rows
