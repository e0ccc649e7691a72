"""What's new: every dated program and guide as one change, newest first, the single list
that /new/, the start page and the Atom feeds all show (so they can never disagree)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from generator.source import model as m

LATEST = 50  # changes /new/ and each feed list: a feed reader keeps what it has seen


@dataclass(frozen=True)
class Change:
    """A program or guide as What's new lists it, dated as its page in one language is."""

    view: m.PhaseView
    program: m.ProgramBase
    dated: m.Dated
    moment: datetime  # its latest change

    @property
    def is_new(self) -> bool:
        """Published and not changed since: "new" rather than "updated"."""
        return self.dated.updated is None or self.dated.updated == self.dated.published


def changes(
    portal: m.Portal, lang: str, phase_id: str | None = None, limit: int = LATEST
) -> list[Change]:
    """The latest `limit` changes in `lang` (of one phase, when given), newest first; items
    of the same moment in lifecycle order, so that every build lists them alike."""
    every = _every_change(portal, lang)
    return every.get(phase_id, [])[:limit]


def _every_change(portal: m.Portal, lang: str) -> dict[str | None, list[Change]]:
    """Every change in `lang`, newest first, and each phase's (by its id; None: all of
    them). Worked out once per portal and language: the start page, /new/ and each feed
    ask, eleven times a save at 10,000 programs, and each went through every program."""
    name = f"changes {lang}"
    if name not in portal.derived:
        found = []
        for order, (view, program) in enumerate(portal.programs()):
            dated = portal.dated(program, lang)
            if dated.changed is not None:
                found.append((order, Change(view, program, dated, dated.changed)))
        found.sort(key=lambda item: (-item[1].moment.timestamp(), item[0]))
        every: dict[str | None, list[Change]] = {None: [change for _, change in found]}
        for change in every[None]:
            every.setdefault(change.view.phase.id, []).append(change)
        portal.derived[name] = every
    return portal.derived[name]  # type: ignore[return-value]


def stale_translation(portal: m.Portal, program: m.ProgramBase, lang: str) -> bool:
    """A guide's translation into `lang` last changed before the guide it translates did:
    its readers may miss what the original now says."""
    dated = portal.dates.get(program.id)
    translated = dated.translations.get(lang) if dated else None
    if dated is None or translated is None or not (dated.changed and translated.changed):
        return False
    return translated.changed < dated.changed
