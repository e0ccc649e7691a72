"""What a single file cannot tell: references between files, uniqueness across them, phase
files and stages that must match, texts and sessions in languages the portal speaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from generator.i18n.messages import N_, tr
from generator.source import model as m
from generator.source.memo import Kept
from generator.source.validate.faq import questions
from generator.source.validate.phases import PhaseSource, per_phase, raw_programs
from generator.source.validate.programs import prerequisites, sessions, written_pages
from generator.source.yamlfile import Path_, YamlFile
from generator.text.errors import Problem


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
        problems += questions(phases, lifecycle.portal.languages)
    problems += prerequisites(phases)
    zone = ZoneInfo(lifecycle.portal.timezone) if lifecycle is not None else ZoneInfo("UTC")
    problems += sessions(phases, zone)
    problems += written_pages(phases, content_dir)
    return problems


def _stages_and_files(
    src: YamlFile, lifecycle: m.Lifecycle, phases: list[PhaseSource]
) -> Iterator[Problem]:
    """Every phase listed in one stage, once, with a file of its own; ids unique."""
    listed: dict[str, Path_] = {}
    yield from _listed(src, lifecycle, {p.stem for p in phases}, listed)
    stage_twice = N_("duplicate stage id '{id}' (first at {first})")
    tier_twice = N_("duplicate tier id '{id}' (first at {first})")
    yield from _unique(src, "stages", [s.id for s in lifecycle.stages], stage_twice)
    yield from _unique(src, "tiers", [t.id for t in lifecycle.tiers], tier_twice)
    yield from _free_before_paid(src, lifecycle.tiers)
    yield from _unlisted(src, phases, listed)


def _listed(
    src: YamlFile, lifecycle: m.Lifecycle, stems: set[str], listed: dict[str, Path_]
) -> Iterator[Problem]:
    """The stages' phase ids: listed twice, or without a file. Fills `listed` (id → where)."""
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


def _unlisted(
    src: YamlFile, phases: list[PhaseSource], listed: dict[str, Path_]
) -> Iterator[Problem]:
    """Phase files in no stage, or whose id is not their file name."""
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
    seen: dict[str, tuple[YamlFile, Path_]] = {}  # where each id is first, located if twice
    for phase, i, program_id in raw_programs(phases, "id"):
        at = ("programs", i, "id")
        if not isinstance(program_id, str):
            continue
        if program_id in seen:
            src, first = seen[program_id]
            line, column = src.position(first)
            yield phase.source.problem(
                at,
                tr("duplicate program id '{id}' (first at {first})").format(
                    id=program_id, first=f"{src.label}:{line}:{column}"
                ),
            )
            continue
        seen[program_id] = (phase.source, at)


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
    made_from = (tuple(tiers), tuple(languages))
    for phase in phases:
        if phase.model is not None:
            check = lambda p=phase: _phase_tiers_and_languages(p, tiers, languages)  # noqa: E731
            yield from per_phase(_TIERS, phase, made_from, check)
    yield from _languages(src, lifecycle, languages)


_TIERS = Kept()  # each phase file's problems with tiers and languages


def _phase_tiers_and_languages(
    phase: PhaseSource, tiers: list[str], languages: list[str]
) -> Iterator[Problem]:
    assert phase.model is not None
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


def _offered_in(
    src: YamlFile, index: int, program: m.ProgramBase, languages: list[str]
) -> Iterator[Problem]:
    """A program or session in a language the portal does not speak could never be shown."""
    places = [(("languages", j), lang) for j, lang in enumerate(program.languages)]
    if program.scheduled:
        places += [
            (("sessions", j, "language"), s.language) for j, s in enumerate(program.sessions)
        ]
    for path, lang in places:
        if lang not in languages:
            yield src.problem(
                ("programs", index, *path),
                _foreign(lang, languages),
            )


_TEXTS = Kept()  # each file's texts: a preview save walked every program's fields again


def _languages(src: YamlFile, model: BaseModel, languages: list[str]) -> Iterator[Problem]:
    texts = _TEXTS.get(src.label, (model,), lambda: list(_texts(model, ())))
    for path, value in texts:
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
