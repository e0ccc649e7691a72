"""A phase's questions: each asked once, so that every question has one answer and one
anchor on the phase page, and each answer inside its own widget."""

from __future__ import annotations

import re
from collections.abc import Iterator

from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.model.files import same_question
from generator.source.validate.phases import PhaseSource
from generator.text.errors import Problem


def questions(phases: list[PhaseSource], languages: list[str]) -> Iterator[Problem]:
    """A question asked twice in one phase (as any portal language reads it), or an `id`
    used twice, reported at the second one with where the first is."""
    for phase in phases:
        seen: dict[tuple[str, str], int] = {}
        ids: dict[str, int] = {}
        for i, item in enumerate(phase.model.faq if phase.model is not None else []):
            shown = {(g, same_question(m.text(item.question, g, languages[0]))) for g in languages}
            first = min((seen[key] for key in shown if key in seen), default=None)
            if first is not None:
                yield _twice(phase, i, "question", first, tr("this question is already asked"))
            for key in shown:
                seen.setdefault(key, i)
            if item.id and item.id in ids:
                yield _twice(phase, i, "id", ids[item.id], tr("this id is already used"))
            if item.id:
                ids.setdefault(item.id, i)
            yield from _contained(phase, i, item)


# What would end an answer's widget early, or hide the rest of the page in a comment: the
# answer is Markdown and may hold HTML (checked for script when the page is built, as a
# guide's is), but it is shown inside <details><div>, which it must not close.
_ESCAPING = re.compile(r"</\s*(details|summary|div)\b[^>]*>?|<!--", re.I)
_CODE = re.compile(r"```.*?```|~~~.*?~~~|(`+).+?\1", re.S)


def _contained(phase: PhaseSource, i: int, item: m.FaqItem) -> Iterator[Problem]:
    for lang, text in item.answer.items():
        found = _ESCAPING.search(_CODE.sub("", text))
        if found:
            at = ("faq", i, "answer") if lang == m.ANY_LANGUAGE else ("faq", i, "answer", lang)
            yield phase.source.problem(
                at,
                tr(
                    "'{html}' would end the answer's box on the page: remove it (to show it, "
                    "put it in backticks: `{html}`)"
                ).format(html=found.group()),
            )


def _twice(phase: PhaseSource, i: int, field: str, first: int, what: str) -> Problem:
    line, column = phase.source.position(("faq", first, field))
    return phase.source.problem(
        ("faq", i, field),
        tr("{what} (first at {place}): merge the two, or remove one").format(
            what=what, place=f"{phase.source.label}:{line}:{column}"
        ),
    )
