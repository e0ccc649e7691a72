"""Load a portal's sources (phases/*.yml and the guides' Markdown) into one checked model."""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from generator.i18n.messages import language, tr
from generator.source import model as m
from generator.source.dates import portal_dates
from generator.source.memo import Kept, Same
from generator.source.sourcefiles import SourceProblem, check_tree, read_text
from generator.source.urls import translation_src
from generator.source.validate import PhaseSource, against_schema, cross_check
from generator.source.validate.plans import check_plans
from generator.source.yamlfile import parse_yaml, read_yaml
from generator.source.yamlparts import parse_in_parts
from generator.text.errors import ContentError, Problem

LIFECYCLE = "lifecycle.yml"
PLANS = "plans.yml"  # optional: the success-plan templates (model/plans.py)
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


# The last second sessions may take place in (see model.LAST_YEAR).
_LAST_EPOCH = int(datetime(m.LAST_YEAR, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())


def build_time() -> datetime:
    """The build's notion of "now": SOURCE_DATE_EPOCH when set, so builds are reproducible.

    A value that is not a plain number of seconds is an error, not the clock: a build that
    silently ignored it would no longer be reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or not epoch.strip():
        # To the minute, as sessions are timed: a preview rebuilt within the minute reuses
        # every session list and feed it made before (generator/source/memo.py).
        return datetime.now(UTC).replace(second=0, microsecond=0)
    text = epoch.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12 and int(text) <= _LAST_EPOCH):
        message = tr(
            "{value} is not a number of seconds since 1970 up to {last} (e.g. "
            "$(git log -1 --format=%ct)), or unset it"
        ).format(value=ascii(epoch[:40]), last=m.LAST_YEAR)
        raise ContentError([Problem("SOURCE_DATE_EPOCH", 0, 0, "", message)])
    return datetime.fromtimestamp(int(text), UTC)


def load_portal(
    phases_dir: Path,
    content_dir: Path,
    *,
    root: Path | None = None,
    now: datetime | None = None,
) -> m.Portal:
    """Read and check every source; raise one ContentError listing all problems.

    `root` is what file names in messages are relative to (the project directory).
    """
    root = root or phases_dir.parent
    label = _labels(root)
    lifecycle_path = phases_dir / LIFECYCLE
    if not lifecycle_path.is_file():
        raise ContentError(
            [Problem.of_file(label(lifecycle_path), tr("missing: create it (see README)"))]
        )
    lifecycle_src = read_yaml(lifecycle_path, label(lifecycle_path))
    lifecycle = against_schema(m.Lifecycle, lifecycle_src)
    phases = [_read_phase(path, label(path)) for path in _phase_files(phases_dir)]
    problems = list(lifecycle_src.problems)
    problems += _stray_files(phases_dir, label)
    problems += check_tree(phases_dir, label)[0]
    tree_problems, pages = check_tree(content_dir, label)
    problems += tree_problems
    for phase in phases:
        problems += phase.source.problems
    problems += cross_check(lifecycle_src, lifecycle, phases, content_dir)
    plans, plan_problems = _read_plans(phases_dir / PLANS, label, lifecycle, phases)
    problems += plan_problems
    now = now or build_time()
    dates, notice = {}, None
    if lifecycle is not None and not problems:
        dates, date_problems, notice = portal_dates(
            phases, lifecycle, content_dir, now, phases_dir, label, pages
        )
        problems += date_problems
    if problems or lifecycle is None:
        raise ContentError(problems)
    portal = _assemble(lifecycle, phases, content_dir, pages, now)
    return dataclasses.replace(portal, plans=plans, dates=dates, dates_notice=notice, pages=pages)


def _read_plans(
    path: Path, label, lifecycle: m.Lifecycle | None, phases: list[PhaseSource]
) -> tuple[tuple[m.PlanTemplate, ...], list[Problem]]:
    """The success-plan templates, if the portal has any, and what is wrong with them."""
    if not path.is_file():
        return (), []
    src = read_yaml(path, label(path))
    plans = against_schema(m.PlansFile, src)
    if plans is None or lifecycle is None:
        return (), list(src.problems)
    return tuple(plans.templates), [*src.problems, *check_plans(src, plans, lifecycle, phases)]


def _labels(root: Path) -> Callable[[Path], str]:
    """The name an author knows a file by: a link is named as itself, not its target. Each
    folder is resolved once per load, and the names are joined as strings: resolving and
    joining paths took a twentieth of a preview save at 10,000 programs."""
    base = os.path.realpath(root)
    prefix = base.rstrip("/") + "/"
    folders: dict[str, str | None] = {}  # a folder → its name under the root, if it is

    def under_root(folder: str) -> str | None:
        if folder == base:
            return ""
        return folder.removeprefix(prefix) if folder.startswith(prefix) else None

    def label(path: Path) -> str:
        parent, name = os.path.split(os.fspath(path))
        if parent not in folders:
            folders[parent] = under_root(os.path.realpath(parent or "."))
        folder = folders[parent]
        if folder is None:
            return path.as_posix()
        return f"{folder}/{name}" if folder else name

    return label


def _phase_files(phases_dir: Path) -> list[Path]:
    return sorted(p for p in phases_dir.glob("*.yml") if p.name not in (LIFECYCLE, PLANS))


def _stray_files(phases_dir: Path, label) -> list[Problem]:
    """A `.yaml` file would otherwise be ignored without a word."""
    return [
        Problem.of_file(label(p), tr("phase files end in .yml: rename it"))
        for p in sorted(phases_dir.glob("*.yaml"))
    ]


def _read_phase(path: Path, label: str) -> PhaseSource:
    try:
        text = read_text(path, label)
    except SourceProblem:
        source = read_yaml(path, label)  # which says what is wrong with the file
        return PhaseSource(path.stem, source, against_schema(m.PhaseFile, source))
    return _parsed_phase(path.stem, label, text, language(), m.PhaseFile)


@functools.lru_cache(maxsize=256)
def _parsed_phase(stem: str, label: str, text: str, messages: str, model: type) -> PhaseSource:
    """Parsed and checked once per text (and language of the messages, and phase model: a
    kind registered since makes a new one): a preview rebuild parses only the files that
    changed. The models are never modified afterwards (a view copies what it changes)."""
    source = parse_in_parts(text, label) or parse_yaml(text, label)
    return PhaseSource(stem, source, against_schema(model, source))


def _assemble(
    lifecycle: m.Lifecycle,
    phases: list[PhaseSource],
    content_dir: Path,
    pages: dict[str, str],
    now: datetime,
) -> m.Portal:
    zone = ZoneInfo(lifecycle.portal.timezone)
    by_stem = {p.stem: p for p in phases}
    models = {
        p.stem: _OCCURRENCES.get(
            p.stem, (Same(p.model), zone.key), lambda p=p: _with_occurrences(p.model, zone)
        )
        for p in phases
        if p.model is not None
    }
    ordered = [(stage, by_stem[pid]) for stage in lifecycle.stages for pid in stage.phases]
    views: list[m.PhaseView] = []
    for i, (stage, phase) in enumerate(ordered):
        model, label = models[phase.stem], phase.source.label
        previous = models[ordered[i - 1][1].stem] if i > 0 else None
        following = models[ordered[i + 1][1].stem] if i + 1 < len(ordered) else None
        # The models by identity (kept above), the stage by its fields (read again each load).
        made_from = (Same(model), stage, label, Same(previous), Same(following))
        make = lambda v=(model, stage, label, previous, following): m.PhaseView(*v)  # noqa: E731
        views.append(_VIEWS.get(phase.stem, made_from, make))
    by_id = {p.id: (view, p) for view in views for p in view.phase.programs}
    guides = {p.page: (v, p) for v, p in by_id.values() if p.written}
    titles = {page: _guide_titles(content_dir, page, pages, lifecycle) for page in guides}
    located: dict[str, tuple[str, int, int]] = {}
    for phase in phases:
        located |= _LOCATED.get(phase.stem, (Same(phase.source),), lambda p=phase: _located(p))
    return m.Portal(lifecycle, tuple(views), titles, by_id, guides, now, located)


# Where each phase file writes its phase and programs, while its parsed source is the same.
_LOCATED = Kept()


def _located(phase: PhaseSource) -> dict[str, tuple[str, int, int]]:
    assert phase.model is not None
    src = phase.source
    located = {phase.model.id: (src.label, *src.position(("id",)))}
    for i, program in enumerate(phase.model.programs):
        located[program.id] = (src.label, *src.position(("programs", i), key=True))
    return located


# Each phase as every view sees it, and its view, kept while what they are made of stays the
# same: a preview save then hands every page, feed and key the very objects of the phases it
# did not change, which they compare by identity (memo.Kept), not field by field.
_OCCURRENCES = Kept()
_VIEWS = Kept()


def _with_occurrences(phase: m.PhaseFile, zone: ZoneInfo) -> m.PhaseFile:
    """The phase as every view sees it: a repeating session is each of its occurrences."""
    scheduled = [p for p in phase.programs if p.scheduled]
    if not any(s.repeat for p in scheduled for s in p.sessions):
        return phase
    programs = [
        p.model_copy(update={"sessions": [o for s in p.sessions for o in m.occurrences(s, zone)]})
        if p.scheduled
        else p
        for p in phase.programs
    ]
    return phase.model_copy(update={"programs": programs})


def _guide_titles(
    content_dir: Path, page: str, pages: dict[str, str], lifecycle: m.Lifecycle
) -> dict[str, str]:
    """A guide's title as written (else its file name), and in each language it is
    translated into (x.en.md); a translation without a title keeps the original's."""
    path = content_dir / page
    # check_tree has read every page, but those in dot folders, which MkDocs skips.
    text = pages[page] if page in pages else read_text(path, path.name)
    titles = {m.ANY_LANGUAGE: _written_title(text) or path.stem}
    for lang in lifecycle.portal.languages[1:]:
        translation = translation_src(page, lang)
        found = _written_title(pages[translation]) if translation in pages else None
        if found:
            titles[lang] = found
    return titles


def _written_title(text: str) -> str | None:
    """A page's title, as MkDocs would show it: front matter `title`, else the first heading."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            try:
                meta = yaml.safe_load(text[3:end])
            except yaml.YAMLError:
                meta = None
            if isinstance(meta, dict) and isinstance(meta.get("title"), str):
                return meta["title"]
    match = _HEADING.search(text)
    return match.group(1) if match else None
