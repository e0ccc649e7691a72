"""Live sessions of a program: `phasebook new session`, and the checks and edits that
`phasebook import sessions` shares with it."""

from __future__ import annotations

import difflib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import yaml

from generator.authoring.edit import Project, ScaffoldError, block_list, editing, literal
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.sourcefiles import MAX_BYTES


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
    """Append sessions to their programs' files: each file parsed once and written once."""
    by_file: dict[Path, dict[str, list[NewSession]]] = {}
    for new in sessions:
        path = project.root / portal.by_id[new.program][0].source
        by_file.setdefault(path, {}).setdefault(new.program, []).append(new)
    for path, programs in by_file.items():
        text = _with_sessions(project, path, programs)
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise ScaffoldError(
                tr(
                    "{file} would grow to {size} MB, over the {limit} MB a phase file may hold: "
                    "import fewer sessions at a time"
                ).format(
                    file=project.label(path),
                    size=f"{size / 1024 / 1024:.1f}",
                    limit=MAX_BYTES // (1024 * 1024),
                )
            )
        project.write_text(path, text)


def _with_sessions(project: Project, path: Path, programs: dict[str, list[NewSession]]) -> str:
    """The file's text with the new sessions at the end of each program's `sessions`.

    ruamel.yaml writes the file round trip (comments and layout kept) with one marker entry
    per program; the new entries are written by libyaml in the marker's place. Written by
    ruamel's pure-Python emitter, a season of 60,000 rows took minutes; this way the cost
    of a row is a line of C."""
    data = project.read(path)
    marks: dict[str, list[NewSession]] = {}
    for new in programs.values():
        item = next(p for p in data["programs"] if p["id"] == new[0].program)
        mark = f"phasebook-new-sessions-{uuid.uuid4().hex}"
        block_list(item, "sessions").append({"starts": mark})
        marks[mark] = new
    text = project.dump(data)
    for mark, new in marks.items():
        found = re.search(rf"^( *)- starts: {mark}\n", text, re.MULTILINE)
        if found is None:  # a layout the marker does not fit: ruamel writes every entry
            return _slowly(project, path, programs)
        text = text[: found.start()] + _entries(new, found.group(1)) + text[found.end() :]
    return text


def _slowly(project: Project, path: Path, programs: dict[str, list[NewSession]]) -> str:
    data = project.read(path)
    for new in programs.values():
        item = next(p for p in data["programs"] if p["id"] == new[0].program)
        block_list(item, "sessions").extend(_entry(s, literal) for s in new)
    return project.dump(data)


def _entry(new: NewSession, text=str) -> dict[str, object]:
    entry: dict[str, object] = {"starts": new.starts, "language": text(new.language)}
    if new.register:
        entry["register"] = new.register
    if new.note:
        entry["note"] = text(new.note)
    return entry


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """libyaml's emitter where PyYAML has it: it quotes what the loader (YAML 1.1) would
    read as something else (`yes`, `12:30`, `Q&A # 2`), as `literal` does for ruamel."""


# A text YAML reads back as itself when written plain: it starts with a letter, holds no
# quote, backslash or tab, no ': ' or ' #', and is not a word YAML 1.1 reads as true or null.
_PLAIN = re.compile(r"[^\W\d_](?:[^\s:#'\"\\]|:(?=\S)|(?<=\S)#|[ ](?=\S))*")
_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n"})


def _scalar(key: str, value: str) -> str:
    """`key: value` as one line; libyaml decides the quotes where a plain text would not do
    (a line of C for the common case was the difference between seconds and minutes)."""
    if _PLAIN.fullmatch(value) and value.isprintable() and value.lower() not in _WORDS:
        return f"{key}: {value}\n"
    return yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, width=1 << 30)


def _entries(sessions: list[NewSession], indent: str) -> str:
    """The entries as the file's other list items are written, one key a line."""
    lines = []
    for new in sessions:
        lines.append(f"{indent}- starts: {new.starts.isoformat()}\n")
        lines.append(f"{indent}  {_scalar('language', new.language)}")
        if new.register:
            lines.append(f"{indent}  {_scalar('register', new.register)}")
        if new.note:
            lines.append(f"{indent}  {_scalar('note', new.note)}")
    return "".join(lines)


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
