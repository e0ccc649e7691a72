"""When each program and guide was published and last changed: the `published:`,
`updated:` and `review_by:` its source writes (a phase file's program, a guide's front
matter), else the portal's git history (history.py).

Written dates are checked here, each located at file:line:col: a date must parse, come no
later than the build's "now" (else What's new would list it as the newest change until that
day, though it is on the portal already), and a program cannot be updated before it was
published. Once any date is written for an item, its history is not asked: what the author
wrote wins, and a portal whose every item is dated never runs git at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError

from generator.i18n.messages import language, tr
from generator.source import model as m
from generator.source.history import History, history
from generator.source.memo import Kept
from generator.source.sourcefiles import page_text
from generator.source.urls import translation_src
from generator.source.validate import PhaseSource
from generator.source.yamlfile import parse_yaml
from generator.text.errors import Problem

KEYS = ("published", "updated", "review_by")
# Front matter as MkDocs reads it (mkdocs/utils/meta.py): between two `---` lines at the top.
_FRONT = re.compile(r"\A-{3}[ \t]*\r?\n(.*?\r?\n)(?:\.{3}|-{3})[ \t]*\r?\n", re.DOTALL)

At = Callable[[str], tuple[str, int, int]]  # a key → where its value is written


class Dating:
    """Dates every item of one load, gathering every problem before the load fails."""

    def __init__(self, lifecycle: m.Lifecycle, now: datetime, phases_dir: Path) -> None:
        self.zone = ZoneInfo(lifecycle.portal.timezone)
        self.languages = lifecycle.portal.languages
        self.now, self.phases_dir = now, phases_dir
        self.problems: list[Problem] = []
        self._history: History | None = None

    @property
    def history(self) -> History:
        """Asked once, and only when an item has no written date."""
        if self._history is None:
            self._history = history(self.phases_dir)
        return self._history

    @property
    def notice(self) -> str | None:
        return self._history.notice if self._history else None

    def written(self, values: dict[str, object], at: At) -> m.Dated | None:
        """The dates written for one item, checked; None when it writes no date."""
        found: dict[str, date] = {}
        for key in KEYS:
            value = values.get(key)
            if value is None:
                continue
            try:
                found[key] = m.stamp(value)  # the model's own rule
            except PydanticCustomError as exc:
                self._problem(at(key), tr(m.ERRORS[exc.type]).format(**(exc.context or {})))
        published, updated = self.moment(found.get("published")), self.moment(found.get("updated"))
        for key, moment in (("published", published), ("updated", updated)):
            if moment and moment > self.now:
                self._problem(at(key), self._future(found[key]))
        if published and updated and published > updated:
            message = tr(
                "updated ({updated}) is earlier than published ({published}): an item changes "
                "after it is published, so correct one of the two"
            )
            self._problem(
                at("updated"),
                message.format(updated=found["updated"], published=found["published"]),
            )
        review = found.get("review_by")
        review_day = review.date() if isinstance(review, datetime) else review
        if not (published or updated):
            return m.Dated(review_by=review_day, written=at("review_by")) if review else None
        # Where `report` points: at the review date when there is one, else the first date.
        where = at("review_by" if review else "published" if published else "updated")
        return m.Dated(published, updated or published, review_day, where)

    def moment(self, value: date | None) -> datetime | None:
        """A written date as a moment: a date alone is its midnight in the portal's zone."""
        if value is None or isinstance(value, datetime):
            return value
        return datetime.combine(value, time(), self.zone)

    def _future(self, value: date) -> str:
        return tr(
            "{value} is later than this build's date ({now}): What's new and the feeds would "
            "list it as the newest change until then, though it is on the portal now; write "
            "the date the change was made (the build's date is SOURCE_DATE_EPOCH, else today)"
        ).format(value=value.isoformat(), now=self.now.astimezone(self.zone).date().isoformat())

    def _problem(self, where: tuple[str, int, int], message: str) -> None:
        file, line, column = where
        self.problems.append(Problem(file, line, column, "", message))


def portal_dates(
    phases: list[PhaseSource],
    lifecycle: m.Lifecycle,
    content_dir: Path,
    now: datetime,
    phases_dir: Path,
    label: Callable[[Path], str],
    pages: dict[str, str],
) -> tuple[dict[str, m.Dated], list[Problem], str | None]:
    """Every program's dates by id, the problems with what is written, and the notice
    saying why git could not date the items that write none. `pages` are the content
    pages' texts as the load read them (check_tree)."""
    dating = Dating(lifecycle, now, phases_dir)
    dates = _phase_dates(dating, phases, phases_dir)
    for phase in phases:
        for program in phase.model.programs if phase.model else []:
            if program.written:
                entry = dates.get(program.id)
                dates[program.id] = _guide_dates(
                    dating, content_dir, pages, program.page, entry, label
                )
    return dates, dating.problems, dating.notice


def _phase_dates(dating: Dating, phases: list[PhaseSource], phases_dir: Path) -> dict[str, m.Dated]:
    """The phase files' programs: as written, else by the lines of each in the history
    (one blame per phase file that has undated programs, run together)."""
    out: dict[str, m.Dated] = {}
    undated: list[tuple[PhaseSource, int, m.ProgramBase, m.Dated | None]] = []
    for phase in phases:
        for i, program, found in _written(dating, phase):
            if found is not None and found.changed:
                out[program.id] = found
            elif not program.written:  # a guide is dated by its page (_guide_dates)
                undated.append((phase, i, program, found))
            else:
                out[program.id] = found or m.Dated()
    # Each file's path made once: 7,000 programs without dates made and hashed one each.
    paths = {stem: phases_dir / f"{stem}.yml" for stem in {p.stem for p, *_ in undated}}
    files = sorted(set(paths.values()))
    lines = dating.history.line_dates(files) if undated and dating.history.top else {}
    blame = {stem: lines.get(path, []) for stem, path in paths.items()}
    for phase, i, program, found in undated:
        blamed = blame[phase.stem]
        if not blamed:  # no history (or none of the file): its lines date nothing
            out[program.id] = found or m.Dated()
            continue
        first, last = _span(phase.source, i, len(phase.model.programs), len(blamed))  # type: ignore[union-attr]
        known = [d for d in blamed[first:last] if d is not None]
        review = found.review_by if found else None
        out[program.id] = m.Dated(min(known), max(known), review) if known else found or m.Dated()
    return out


# The dates each phase file writes and their problems, while its model and the build's
# minute stay the same: a preview save checked every program's again.
_WRITTEN = Kept()


def _written(dating: Dating, phase: PhaseSource) -> list[tuple[int, m.ProgramBase, m.Dated | None]]:
    """Each program's written dates, checked (the problems go to `dating`)."""

    def check() -> tuple[list, list[Problem]]:
        src, before = phase.source, len(dating.problems)
        found = []
        for i, program in enumerate(phase.model.programs if phase.model else []):
            values = {name: getattr(program, name) for name in KEYS}
            at = lambda name, i=i: (src.label, *src.position(("programs", i, name)))  # noqa: E731
            found.append((i, program, dating.written(values, at)))
        problems = dating.problems[before:]
        del dating.problems[before:]
        return found, problems

    # Its source too: where each date is written goes into the problems and the dates.
    made_from = (phase.source, phase.model, dating.now, dating.zone.key, language())
    found, problems = _WRITTEN.get(phase.source.label, made_from, check)
    dating.problems += problems
    return found


def _span(src, index: int, count: int, length: int) -> tuple[int, int]:
    """The lines (0-based, end excluded) program `index` of a phase file is written on:
    from its first key to the next program, or to the next top-level key after the list."""
    start = src.position(("programs", index))[0] - 1
    if index + 1 < count:
        return start, src.position(("programs", index + 1))[0] - 1
    after = [line for path, (line, _) in src.keys.items() if len(path) == 1 and line - 1 > start]
    return start, min(after, default=length + 1) - 1


def _guide_dates(
    dating: Dating,
    content_dir: Path,
    pages: dict[str, str],
    page: str,
    entry: m.Dated | None,
    label: Callable[[Path], str],
) -> m.Dated:
    """A guide: its front matter's dates, else its entry's in the phase file, else its
    file's history; each translation by its own front matter or history (`pages`: the
    content pages as the load read them)."""
    path = content_dir / page
    own = _front_matter_dates(dating, page_text(pages, content_dir, page), label(path))
    if own is None or own.changed is None:
        review = own.review_by if own else None
        base = entry if entry and entry.changed else _git_file(dating, path)
        own = m.Dated(base.published, base.updated, review or (entry and entry.review_by))
    translations = {}
    for lang in dating.languages[1:]:
        other = translation_src(page, lang)
        text = page_text(pages, content_dir, other)
        if text is not None:
            found = _front_matter_dates(dating, text, label(content_dir / other))
            if not (found and found.changed):
                found = _git_file(dating, content_dir / other)
            translations[lang] = found
    return m.Dated(own.published, own.updated, own.review_by, own.written, translations)


def _git_file(dating: Dating, path: Path) -> m.Dated:
    if not dating.history.top:
        return m.Dated()
    found = dating.history.file_dates([path]).get(path)
    return m.Dated(*found) if found else m.Dated()


def _front_matter_dates(dating: Dating, text: str | None, name: str) -> m.Dated | None:
    """The dates a Markdown page's front matter writes, located in the page."""
    block = _FRONT.match(text) if text is not None else None
    if not block:
        return None
    src = parse_yaml(block.group(1), name)
    if not isinstance(src.data, dict) or not any(key in src.data for key in KEYS):
        return None

    def at(key: str) -> tuple[str, int, int]:
        line, column = src.position((key,))
        return name, line + 1, column  # the block starts on the page's second line

    return dating.written(src.data, at)
