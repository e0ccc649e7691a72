"""Check parsed YAML against the models and across files, turning every failure into a Problem.

Pydantic's messages are precise but speak Python; authors need the file, the line and what to
write instead. Every check here collects instead of raising, so one run reports everything.
"""

from __future__ import annotations

import difflib
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from generator.i18n.messages import N_, tr
from generator.source import model as m
from generator.source.yamlfile import Path_, YamlFile, format_path
from generator.text.errors import Problem
from generator.text.keyboard import key_mistake, narrow, value_mistake

T = TypeVar("T", bound=BaseModel)
KINDS = m.KINDS


def _all_field_names() -> set[str]:
    names: set[str] = set()
    for cls in (
        m.Lifecycle,
        m.PortalInfo,
        m.Stage,
        m.Tier,
        m.PhaseFile,
        m.ExitCriterion,
        m.Session,
        m.Atx,
        m.Accelerator,
        m.Guide,
        m.Video,
    ):
        names.update(cls.model_fields)
    return names


FIELD_NAMES = _all_field_names()


def against_schema(cls: type[T], source: YamlFile) -> T | None:
    """Validate one file's data; on failure add located problems to `source` and return None."""
    if source.problems:
        return None
    if not isinstance(source.data, dict):  # a list, a lone value, or `null`
        source.problems.append(
            source.problem((), tr("expected a mapping of keys (e.g. 'id: ...') at the top level"))
        )
        return None
    try:
        return cls.model_validate(source.data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        moved = _misindented(source, errors)
        source.problems += [problem for problem, _ in moved]
        paired = {id(e) for _, pair in moved for e in pair}
        source.problems += [_located(source, e) for e in errors if id(e) not in paired]
        return None


def _misindented(source: YamlFile, errors: list) -> list[tuple[Problem, tuple]]:
    """A key typed in full width, or written at the wrong indentation, shows up twice:
    unknown where it landed and missing where it belongs. Said once, as what it is."""
    extras = [e for e in errors if e["type"] == "extra_forbidden"]
    found, used = [], set()
    for error in (e for e in errors if e["type"] == "missing"):
        key = error["loc"][-1]
        extra = next(
            (x for x in extras if id(x) not in used and narrow(str(x["loc"][-1])).strip() == key),
            None,
        )
        if extra is None:
            continue
        used.add(id(extra))
        landed, _ = _data_path(source.data, extra["loc"])
        belongs, _ = _data_path(source.data, error["loc"][:-1])
        line, column = source.position(landed, key=True)
        if landed[:-1] == belongs:
            message = key_mistake(str(landed[-1]), FIELD_NAMES) or ""
        else:
            message = tr(
                "'{key}' is indented as a key of {landed}, but belongs to {belongs}: line it "
                "up with the other keys of {belongs}"
            ).format(
                key=key,
                landed=format_path(landed[:-1]) or tr("the top level"),
                belongs=format_path(belongs) or tr("the top level"),
            )
        problem = Problem(source.label, line, column, format_path(landed), message)
        found.append((problem, (error, extra)))
    return found


def _located(source: YamlFile, error: Any) -> Problem:
    path, missing = _data_path(source.data, error["loc"])
    if error["type"].startswith("union_tag") and not missing:
        missing = ("kind",)  # point at the wrong kind, not at the whole program
        if _has_key(source.data, path, "kind"):
            path, missing = (*path, "kind"), ()
    label = format_path(path + missing)
    line, column = source.position(path, key=error["type"] == "extra_forbidden")
    return Problem(source.label, line, column, label, _message(error, (path + missing)[-1:]))


def _has_key(data: object, path: Path_, key: str) -> bool:
    for part in path:
        data = data[part]  # type: ignore[index]
    return isinstance(data, dict) and key in data


def _data_path(data: object, loc: tuple) -> tuple[Path_, Path_]:
    """Split pydantic's loc into the part present in the data and the missing rest.

    A discriminated union puts the tag ('atx') into loc although the data has no such key;
    those steps are dropped.
    """
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        elif isinstance(current, dict) and part == current.get("kind"):
            continue
        else:
            return tuple(path), tuple(p for p in loc[i:] if p not in KINDS)
        path.append(part)
    return tuple(path), ()


def _message(error: Any, last: Path_) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    name = last[0] if last else ""
    if kind in ("slug", "language", "every", "timezone") and value_mistake(value):
        return value_mistake(value) or ""  # an id or code typed in full width
    if kind in m.ERRORS:
        return tr(m.ERRORS[kind]).format(**ctx)
    if kind == "missing":
        return tr("required field '{name}' is missing (add it)").format(name=name)
    if kind == "extra_forbidden":
        return _unknown_key(str(name))
    if kind == "union_tag_not_found":
        return tr("'kind' is missing (one of: {kinds})").format(kinds=", ".join(KINDS))
    if kind == "union_tag_invalid":
        return tr("unknown kind '{kind}' (one of: {kinds})").format(
            kind=ctx.get("tag"), kinds=", ".join(KINDS)
        )
    if kind == "literal_error":
        return tr("'{value}' is not allowed (one of: {allowed})").format(
            value=value, allowed=ctx.get("expected", "").replace(" or ", ", ")
        )
    if kind == "timezone_aware":
        return tr("date and time has no UTC offset (write it like 2026-12-03T10:00:00+09:00)")
    if kind.startswith(("datetime_", "date_")):
        return value_mistake(value) or _not_a_date(kind, value)
    return _type_message(kind, ctx, value) or error["msg"]


def _unknown_key(name: str) -> str:
    typed = key_mistake(name, FIELD_NAMES)
    if typed:
        return typed
    close = difflib.get_close_matches(name, FIELD_NAMES, n=1, cutoff=0.75)
    if close:
        return tr("unknown key '{name}' (did you mean '{close}'?)").format(
            name=name, close=close[0]
        )
    return tr("unknown key '{name}' (remove it, or prefix it with 'x-')").format(name=name)


def _not_a_date(kind: str, value: object) -> str:
    if kind.startswith("date_"):
        return tr("'{value}' is not a date (write it like 2027-02-28)").format(value=value)
    return tr("'{value}' is not a date and time (write it like 2026-12-03T10:00:00+09:00)").format(
        value=value
    )


# What a value of each type looks like in YAML, for "expected …, got …".
_EXPECTED = {
    "string_type": N_("text"),
    "list_type": N_("a list (lines starting with '- ')"),
    "dict_type": N_("a mapping (lines of 'key: value')"),
    "model_type": N_("a mapping (lines of 'key: value')"),
    "model_attributes_type": N_("a mapping (lines of 'key: value')"),
    "bool_type": N_("true or false"),
    "bool_parsing": N_("true or false"),
    "int_type": N_("a whole number"),
    "int_parsing": N_("a whole number"),
    "int_from_float": N_("a whole number"),
}


def _type_message(kind: str, ctx: dict, value: object) -> str | None:
    got = _describe(value)
    typed = value_mistake(value) if kind != "string_type" else None
    if typed:
        return typed
    if kind in ("string_type", "dict_type") and isinstance(value, bool | int | float):
        return tr(
            "expected text, got {got}: YAML reads yes, no, on, off, numbers and times such as "
            "12:30 as values, so put the text in quotes"
        ).format(got=got)
    if kind in _EXPECTED:
        return tr("expected {expected}, got {got}").format(expected=tr(_EXPECTED[kind]), got=got)
    if kind == "greater_than":
        return tr("{value} is out of range (must be greater than {bound})").format(
            value=value, bound=ctx.get("gt")
        )
    if kind == "less_than_equal":
        return tr("{value} is out of range (must be at most {bound})").format(
            value=value, bound=ctx.get("le")
        )
    if kind == "too_short":
        return tr("needs at least {count} item(s)").format(count=ctx.get("min_length"))
    return None


def _describe(value: object) -> str:
    if value is None:
        return tr("nothing")
    if isinstance(value, dict):
        return tr("a mapping")
    if isinstance(value, list):
        return tr("a list")
    if isinstance(value, bool):
        return str(value).lower()
    return repr(value) if isinstance(value, str) else f"{type(value).__name__} {value}"


@dataclass
class PhaseSource:
    """A phase file on its way through validation; `model` is None when it did not pass."""

    stem: str
    source: YamlFile
    model: m.PhaseFile | None


def cross_check(
    lifecycle_src: YamlFile,
    lifecycle: m.Lifecycle | None,
    phases: list[PhaseSource],
    content_dir: Path,
) -> list[Problem]:
    """Everything a single file cannot tell: references, uniqueness, files that must exist."""
    problems: list[Problem] = []
    problems += _program_ids(phases)
    if lifecycle is not None:
        problems += _stages_and_files(lifecycle_src, lifecycle, phases)
        problems += _tiers_and_languages(lifecycle_src, lifecycle, phases)
    problems += _prerequisites(phases)
    zone = ZoneInfo(lifecycle.portal.timezone) if lifecycle is not None else ZoneInfo("UTC")
    problems += _sessions(phases, zone)
    problems += _guide_pages(phases, content_dir)
    return problems


def _stages_and_files(
    src: YamlFile, lifecycle: m.Lifecycle, phases: list[PhaseSource]
) -> Iterator[Problem]:
    stems = {p.stem for p in phases}
    listed: dict[str, Path_] = {}
    for si, stage in enumerate(lifecycle.stages):
        for pi, phase_id in enumerate(stage.phases):
            at = ("stages", si, "phases", pi)
            if phase_id in listed:
                line = src.position(listed[phase_id])[0]
                yield src.problem(
                    at,
                    tr("phase '{phase}' is listed twice (first at line {line})").format(
                        phase=phase_id, line=line
                    ),
                )
            listed.setdefault(phase_id, at)
            if phase_id not in stems:
                yield src.problem(
                    at,
                    tr(
                        "no file for phase '{phase}' (create phases/{phase}.yml, or remove the id "
                        "from this stage)"
                    ).format(phase=phase_id),
                )
    stage_twice = N_("duplicate stage id '{id}' (first at {first})")
    tier_twice = N_("duplicate tier id '{id}' (first at {first})")
    yield from _unique(src, "stages", [s.id for s in lifecycle.stages], stage_twice)
    yield from _unique(src, "tiers", [t.id for t in lifecycle.tiers], tier_twice)
    yield from _free_before_paid(src, lifecycle.tiers)
    for phase in phases:
        if phase.stem not in listed:
            yield phase.source.problem(
                ("id",),
                tr(
                    "phase '{phase}' is not listed in any stage (add it to a stage's phases "
                    "in {file})"
                ).format(phase=phase.stem, file=src.label),
            )
        if phase.model is not None and phase.model.id != phase.stem:
            yield phase.source.problem(
                ("id",),
                tr(
                    "id '{id}' does not match the file name '{stem}.yml' (rename the file or "
                    "change the id)"
                ).format(id=phase.model.id, stem=phase.stem),
            )


def _unique(src: YamlFile, key: str, ids: list[str], what: str) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, item in enumerate(ids):
        if item in seen:
            line = src.position((key, seen[item], "id"))[0]
            yield src.problem(
                (key, i, "id"),
                tr(what).format(id=item, first=f"{src.label}:{line}"),
            )
        seen.setdefault(item, i)


def _program_ids(phases: list[PhaseSource]) -> Iterator[Problem]:
    seen: dict[str, str] = {}
    for phase, i, program_id in _raw_programs(phases, "id"):
        at = ("programs", i, "id")
        if not isinstance(program_id, str):
            continue
        if program_id in seen:
            yield phase.source.problem(
                at,
                tr("duplicate program id '{id}' (first at {first})").format(
                    id=program_id, first=seen[program_id]
                ),
            )
            continue
        line, column = phase.source.position(at)
        seen[program_id] = f"{phase.source.label}:{line}:{column}"


def _raw_programs(phases: list[PhaseSource], key: str) -> Iterator[tuple[PhaseSource, int, Any]]:
    """Program fields straight from the YAML, so that a file failing its schema still counts
    as defining its ids (and no reference to them is reported as unknown)."""
    for phase in phases:
        data = phase.source.data
        programs = data.get("programs") if isinstance(data, dict) else None
        for i, program in enumerate(programs if isinstance(programs, list) else []):
            if isinstance(program, dict) and key in program:
                yield phase, i, program[key]


def _free_before_paid(src: YamlFile, tiers: list[m.Tier]) -> Iterator[Problem]:
    """Tiers are cumulative: a free tier after a paid one would include paid programs."""
    paid = next((t for t in tiers if t.paid), None)
    for i, tier in enumerate(tiers):
        if paid is not None and not tier.paid and tiers.index(paid) < i:
            yield src.problem(
                ("tiers", i, "paid"),
                tr(
                    "free tier '{free}' follows paid tier '{paid}': each tier includes the ones "
                    "before it, so list free tiers first"
                ).format(free=tier.id, paid=paid.id),
            )


def _tiers_and_languages(
    src: YamlFile, lifecycle: m.Lifecycle, phases: list[PhaseSource]
) -> Iterator[Problem]:
    tiers = [t.id for t in lifecycle.tiers]
    languages = lifecycle.portal.languages
    for phase in phases:
        if phase.model is None:
            continue
        for i, program in enumerate(phase.model.programs):
            if program.tier not in tiers:
                yield phase.source.problem(
                    ("programs", i, "tier"),
                    tr("unknown tier '{tier}' (known: {known})").format(
                        tier=program.tier, known=", ".join(tiers)
                    ),
                )
            yield from _offered_in(phase.source, i, program, languages)
        yield from _languages(phase.source, phase.model, languages)
    yield from _languages(src, lifecycle, languages)


def _offered_in(
    src: YamlFile, index: int, program: m.ProgramT, languages: list[str]
) -> Iterator[Problem]:
    """A program or session in a language the portal does not speak could never be shown."""
    places = [(("languages", j), lang) for j, lang in enumerate(program.languages)]
    if isinstance(program, m.Atx):
        places += [
            (("sessions", j, "language"), s.language) for j, s in enumerate(program.sessions)
        ]
    for path, lang in places:
        if lang not in languages:
            yield src.problem(
                ("programs", index, *path),
                _foreign(lang, languages),
            )


def _languages(src: YamlFile, model: BaseModel, languages: list[str]) -> Iterator[Problem]:
    for path, value in _texts(model, ()):
        for lang in value:
            if lang != m.ANY_LANGUAGE and lang not in languages:
                yield src.problem(
                    (*path, lang),
                    _foreign(lang, languages),
                    key=True,
                )
        if m.ANY_LANGUAGE not in value and languages[0] not in value:
            yield src.problem(
                path,
                tr("no '{lang}' text (the portal's first language is the fallback)").format(
                    lang=languages[0]
                ),
            )


def _texts(value: object, path: Path_) -> Iterator[tuple[Path_, dict[str, str]]]:
    """Every localized text in a model: the only dicts our models hold."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _texts(getattr(value, name), (*path, name))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, (*path, i))
    elif isinstance(value, dict):
        yield path, value


def _foreign(lang: str, languages: list[str]) -> str:
    return tr("language '{lang}' is not one of the portal's ({known})").format(
        lang=lang, known=", ".join(languages)
    )


def _unknown_program(program_id: str, known: set[str]) -> str:
    close = difflib.get_close_matches(program_id, known, n=1)
    if close:
        return tr("unknown program '{id}' (did you mean '{close}'?)").format(
            id=program_id, close=close[0]
        )
    return tr("unknown program '{id}' (check the program's id)").format(id=program_id)


def _prerequisites(phases: list[PhaseSource]) -> Iterator[Problem]:
    known = {pid for _, _, pid in _raw_programs(phases, "id") if isinstance(pid, str)}
    # A file that does not parse may define any id: its own error is the one to fix first,
    # and "unknown program" in another, untouched file would be a false alarm.
    unsure = any(p.source.data is None for p in phases)
    graph: dict[str, list[str]] = {}
    where: dict[str, tuple[PhaseSource, int]] = {}
    for phase in phases:
        for i, program in enumerate(phase.model.programs if phase.model else []):
            if not isinstance(program, m.Accelerator):
                continue
            where[program.id] = (phase, i)
            graph[program.id] = []
            for j, prerequisite in enumerate(program.prerequisites):
                at = ("programs", i, "prerequisites", j)
                if prerequisite == program.id:
                    yield phase.source.problem(at, tr("a program cannot be its own prerequisite"))
                elif prerequisite not in known and unsure:
                    continue
                elif prerequisite not in known:
                    yield phase.source.problem(at, _unknown_program(prerequisite, known))
                else:
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


def _sessions(phases: list[PhaseSource], zone: ZoneInfo) -> Iterator[Problem]:
    """Repeats that end before they start or never end, and the same instant in the same
    language twice, however its offset is written or whichever repeat gives it: the two
    would share a calendar UID, and subscribers would see one of them vanish."""
    for phase in phases:
        for i, program in enumerate(phase.model.programs if phase.model else []):
            first: dict[tuple, int] = {}
            for j, session in enumerate(getattr(program, "sessions", [])):
                at = ("programs", i, "sessions", j)
                occurrences = m.occurrences(session, zone)
                problem = _repeat_problem(phase.source, at, session, zone, len(occurrences))
                if problem is not None:
                    yield problem
                    continue
                for occurrence in occurrences:
                    key = (occurrence.starts.timestamp(), session.language)
                    if key in first:
                        line = phase.source.position(("programs", i, "sessions", first[key]))[0]
                        yield phase.source.problem(
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


def _guide_pages(phases: list[PhaseSource], content_dir: Path) -> Iterator[Problem]:
    used: dict[str, str] = {}
    for phase in phases:
        for i, program in enumerate(phase.model.programs if phase.model else []):
            if not isinstance(program, m.Guide):
                continue
            at = ("programs", i, "page")
            page = program.page
            normal = posixpath.normpath(page)
            if page.startswith("/") or normal.startswith("..") or "\\" in page:
                yield phase.source.problem(
                    at,
                    tr(
                        "page '{page}' must be a path inside content/ (e.g. guides/setup.md)"
                    ).format(page=page),
                )
            elif not page.endswith(".md"):
                yield phase.source.problem(
                    at, tr("page '{page}' must be a Markdown file (.md)").format(page=page)
                )
            elif not (content_dir / normal).is_file():
                yield phase.source.problem(
                    at,
                    tr("page '{page}' does not exist (create {path})").format(
                        page=page, path=f"{content_dir.name}/{normal}"
                    ),
                )
            elif normal in used:
                yield phase.source.problem(
                    at,
                    tr("page '{page}' is already the page of program '{program}'").format(
                        page=page, program=used[normal]
                    ),
                )
            used.setdefault(normal, program.id)
