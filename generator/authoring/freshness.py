"""Content that stays true: what is past its `review_by:` date, and translations older than
the guide they translate. Gaps of `phasebook report` (`--strict` fails on them), because
help centres verify articles on a schedule and a customer cannot tell a stale page."""

from __future__ import annotations

from pathlib import Path

from generator.authoring.gaps import Gap
from generator.feeds.whatsnew import stale_translation
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.urls import translation_src


def freshness_gaps(portal: m.Portal, content_dir: Path) -> list[Gap]:
    """Every program or guide past its review date, and every stale translation."""
    return [*_past_review(portal), *_stale_translations(portal, content_dir)]


def _past_review(portal: m.Portal) -> list[Gap]:
    today = portal.now.astimezone(portal.zone).date()
    out = []
    for _, program in portal.programs():
        dated = portal.dates.get(program.id)
        if dated is None or dated.review_by is None or dated.review_by > today:
            continue
        file, line, column = dated.written or portal.located.get(program.id, ("", 1, 1))
        message = tr(
            "due for review since {date}: check that it is still true, then move review_by: "
            "to the next date (and set updated: if customers should hear of a change)"
        ).format(date=dated.review_by.isoformat())
        out.append(Gap(file, line, column, program.id, "past-review-by", message))
    return out


def _stale_translations(portal: m.Portal, content_dir: Path) -> list[Gap]:
    out = []
    for _, program in portal.programs():
        for lang in portal.dates.get(program.id, m.Dated()).translations:
            if not stale_translation(portal, program, lang):
                continue
            page = translation_src(program.page, lang)  # type: ignore[attr-defined]
            label = (content_dir / page).relative_to(content_dir.parent).as_posix()
            original = portal.dates[program.id].changed
            message = tr(
                "this translation is older than {page}, changed on {date}: translate what "
                "changed, then set updated: in its front matter (its page says the original "
                "has changed until then)"
            ).format(page=program.page, date=original.date().isoformat() if original else "")  # type: ignore[attr-defined]
            out.append(Gap(label, 1, 1, page, "translation-older", message))
    return out
