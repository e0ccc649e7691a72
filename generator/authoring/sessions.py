"""Live sessions of a program: `phasebook new session`, and the checks and edits that
`phasebook import sessions` shares with it."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.authoring.edit import Project, ScaffoldError, block_list, editing, literal
from generator.i18n.messages import tr
from generator.source import model as m


def new_session(
    root: Path, program_id: str, starts: str, register: str, language: str | None
) -> list[str]:
    """Add a live session to an ATX."""
    when = session_start(starts, "--starts")
    with editing(root) as (project, portal):
        atx = atx_program(portal, program_id)
        language = language or portal.language
        if (when.timestamp(), language) in {
            (s.starts.timestamp(), s.language) for s in atx.sessions
        }:
            raise ScaffoldError(
                tr("'{id}' already has a {language} session at {when}").format(
                    id=program_id, language=language, when=when.isoformat()
                )
            )
        add_sessions(project, portal, [NewSession(program_id, when, language, register)])
        return project.written()


@dataclass(frozen=True)
class NewSession:
    program: str
    starts: datetime
    language: str
    register: str | None = None
    note: str | None = None


def atx_program(portal: m.Portal, program_id: str) -> m.ProgramBase:
    """The program with sessions `program_id` (of a `scheduled` kind, such as an ATX), or a
    ScaffoldError saying why it is not one."""
    if program_id not in portal.by_id:
        close = difflib.get_close_matches(program_id, list(portal.by_id), n=1)
        if close:
            raise ScaffoldError(
                tr("unknown program '{id}' (did you mean '{close}'?)").format(
                    id=program_id, close=close[0]
                )
            )
        raise ScaffoldError(tr("unknown program '{id}'").format(id=program_id))
    program = portal.by_id[program_id][1]
    if not program.scheduled:
        raise ScaffoldError(
            tr("'{id}' is {kind}, not an ATX: only ATX have sessions").format(
                id=program_id, kind=program.kind
            )
        )
    return program


def add_sessions(project: Project, portal: m.Portal, sessions: list[NewSession]) -> None:
    """Append sessions to their programs' files, each file read and written once."""
    documents: dict[Path, object] = {}
    for new in sessions:
        path = project.root / portal.by_id[new.program][0].source
        data = documents.setdefault(path, project.read(path))
        item = next(p for p in data["programs"] if p["id"] == new.program)
        entry = {"starts": new.starts, "language": new.language}
        if new.register:
            entry["register"] = new.register
        if new.note:
            entry["note"] = literal(new.note)
        block_list(item, "sessions").append(entry)
    for path, data in documents.items():
        project.write(path, data)


def session_start(value: str | datetime, option: str) -> datetime:
    """A session's start as `option` (--starts, a CSV's starts column, an event's DTSTART)
    gave it: a date and time with its UTC offset, in the years sessions take place."""
    when = value
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            raise ScaffoldError(
                tr(
                    "{option} '{text}' is not a date and time: write it like "
                    "2027-03-04T14:00:00+09:00"
                ).format(option=option, text=value)
            ) from None
    assert isinstance(when, datetime)
    if when.utcoffset() is None:
        raise ScaffoldError(
            tr(
                "{option} '{text}' has no UTC offset: add one, e.g. {text}+09:00 for Japan time"
            ).format(option=option, text=value)
        )
    if not m.FIRST_YEAR <= when.year <= m.LAST_YEAR:
        raise ScaffoldError(
            tr(
                "{option} {text} is out of range (a session takes place between {first} and {last})"
            ).format(option=option, text=when.isoformat(), first=m.FIRST_YEAR, last=m.LAST_YEAR)
        )
    return when
