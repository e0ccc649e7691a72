"""Checks of programs across files: prerequisites that exist and form no cycle, sessions
that are not given twice, and pages under content/ that exist and belong to one program."""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.memo import Kept
from generator.source.validate.phases import (
    PhaseSource,
    checked_programs,
    per_phase,
    raw_programs,
)
from generator.source.yamlfile import Path_, YamlFile
from generator.text.errors import Problem


def _unknown_program(program_id: str, known: set[str]) -> str:
    close = difflib.get_close_matches(program_id, known, n=1)
    if close:
        return tr("unknown program '{id}' (did you mean '{close}'?)").format(
            id=program_id, close=close[0]
        )
    return tr("unknown program '{id}' (check the program's id)").format(id=program_id)


def prerequisites(phases: list[PhaseSource]) -> Iterator[Problem]:
    """Prerequisites that name a known program, not the program itself, and no cycle."""
    known = {pid for _, _, pid in raw_programs(phases, "id") if isinstance(pid, str)}
    # A file that does not parse may define any id: its own error is the one to fix first,
    # and "unknown program" in another, untouched file would be a false alarm.
    unsure = any(p.source.data is None for p in phases)
    graph: dict[str, list[str]] = {}
    where: dict[str, tuple[PhaseSource, int]] = {}
    for phase, i, program in checked_programs(phases):
        if not hasattr(program, "prerequisites"):  # a kind that cannot have any
            continue
        where[program.id] = (phase, i)
        graph[program.id] = []
        for j, prerequisite in enumerate(program.prerequisites):
            at = ("programs", i, "prerequisites", j)
            if prerequisite == program.id:
                yield phase.source.problem(at, tr("a program cannot be its own prerequisite"))
            elif prerequisite not in known and not unsure:
                yield phase.source.problem(at, _unknown_program(prerequisite, known))
            elif prerequisite in known:
                graph[program.id].append(prerequisite)
    for cycle in _cycles(graph):
        phase, i = where[cycle[0]]
        yield phase.source.problem(
            ("programs", i, "prerequisites"),
            tr("prerequisite cycle: {cycle} (remove one of these links)").format(
                cycle=" → ".join([*cycle, cycle[0]])
            ),
        )


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """One representative per cycle, found by depth-first search in a stable order. The
    search keeps its own stack: a chain of thousands of prerequisites is no recursion."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in state:
            continue
        state[root] = 1
        trail, stack = [root], [iter(graph.get(root, []))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[trail.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                found.append(trail[trail.index(nxt) :])
            elif nxt not in state:
                state[nxt] = 1
                trail.append(nxt)
                stack.append(iter(graph.get(nxt, [])))
    return found


def sessions(phases: list[PhaseSource], zone: ZoneInfo) -> Iterator[Problem]:
    """Repeats that end before they start or never end, and the same instant in the same
    language twice, however its offset is written or whichever repeat gives it: the two
    would share a calendar UID, and subscribers would see one of them vanish."""
    for phase in phases:
        yield from per_phase(_SESSIONS, phase, (zone.key,), lambda p=phase: _sessions(p, zone))


def _sessions(phase: PhaseSource, zone: ZoneInfo) -> Iterator[Problem]:
    for _, i, program in checked_programs([phase]):
        if program.scheduled:
            held = program.sessions  # type: ignore[attr-defined]
            yield from _program_sessions(phase.source, i, held, zone)


_SESSIONS = Kept()  # each phase file's problems with its sessions


def _program_sessions(
    src: YamlFile, index: int, sessions: list[m.Session], zone: ZoneInfo
) -> Iterator[Problem]:
    first: dict[tuple, int] = {}  # (instant, language) → the session that gave it first
    for j, session in enumerate(sessions):
        at = ("programs", index, "sessions", j)
        occurrences = m.occurrences(session, zone)
        problem = _repeat_problem(src, at, session, zone, len(occurrences))
        if problem is not None:
            yield problem
            continue
        for occurrence in occurrences:
            key = (occurrence.starts.timestamp(), session.language)
            if key in first:
                line = src.position(("programs", index, "sessions", first[key]))[0]
                yield src.problem(
                    (*at, "starts"),
                    tr(
                        "the same {language} session as the one at line {line} (the same "
                        "moment, perhaps with another UTC offset or from a repeat): "
                        "delete one"
                    ).format(language=session.language, line=line),
                )
                break
            first[key] = j


def _repeat_problem(
    src: YamlFile, at: Path_, session: m.Session, zone: ZoneInfo, count: int
) -> Problem | None:
    repeat = session.repeat
    if repeat is None:
        return None
    begins = session.starts.astimezone(zone).date()
    if repeat.until < begins:
        return src.problem(
            (*at, "repeat", "until"),
            tr(
                "until {until} is before the first session ({first}): give the date of the "
                "last session"
            ).format(until=repeat.until, first=begins),
        )
    if repeat.until.year > m.LAST_YEAR:
        return src.problem(
            (*at, "repeat", "until"),
            tr("until {until} is after {last}: give the date of the last session").format(
                until=repeat.until, last=m.LAST_YEAR
            ),
        )
    if count > m.MAX_OCCURRENCES:
        return src.problem(
            (*at, "repeat", "until"),
            tr("repeats more than {most} times before {until}: check until and every").format(
                most=m.MAX_OCCURRENCES, until=repeat.until
            ),
        )
    return None


def written_pages(phases: list[PhaseSource], content_dir: Path) -> Iterator[Problem]:
    """The page of a program written in content/: a Markdown file there, of one program."""
    used: dict[str, str] = {}  # page → the program it is the page of
    for phase, i, program in checked_programs(phases):
        if program.written:
            page = program.page  # type: ignore[attr-defined]
            problem = _page_problem(page, content_dir, used)
            if problem is not None:
                yield phase.source.problem(("programs", i, "page"), problem)
            used.setdefault(posixpath.normpath(page), program.id)


def _page_problem(page: str, content_dir: Path, used: dict[str, str]) -> str | None:
    normal = posixpath.normpath(page)
    if page.startswith("/") or normal.startswith("..") or "\\" in page:
        return tr("page '{page}' must be a path inside content/ (e.g. guides/setup.md)").format(
            page=page
        )
    if not page.endswith(".md"):
        return tr("page '{page}' must be a Markdown file (.md)").format(page=page)
    if not (content_dir / normal).is_file():
        return tr("page '{page}' does not exist (create {path})").format(
            page=page, path=f"{content_dir.name}/{normal}"
        )
    if normal in used:
        return tr("page '{page}' is already the page of program '{program}'").format(
            page=page, program=used[normal]
        )
    return None
