"""`phasebook report`: the four questions per phase, counted, and the gaps (gaps.py), as
text for the terminal, Markdown for a pull request, or JSON for tools.

A phase's FAQ is self-service: its questions are counted in a column of their own, and a
FAQ is something the vendor provides (it closes `no-provided`, gaps.py). It does not close
`no-free-self-service`: answers to questions do not walk a customer through a phase's
tasks the way a guide, a video or a recorded ATX does.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass

from generator.authoring.gaps import Gap, on_their_own, open_gaps
from generator.i18n.messages import N_, tr
from generator.source import model as m


@dataclass(frozen=True)
class PhaseRow:
    """The four questions of one phase, counted, with its programs."""

    number: int
    id: str
    name: str
    tasks: int
    experiences: int
    provided: int
    exit_criteria: int
    with_target: int
    programs: int
    free_self_service: int
    # Questions of the phase's FAQ: self-service customers read on the phase page.
    faq: int = 0


def phase_rows(portal: m.Portal) -> list[PhaseRow]:
    rows = []
    for number, view in enumerate(portal.phases, 1):
        phase = view.phase
        free_self = [p for p in phase.programs if on_their_own(portal, p)]
        rows.append(
            PhaseRow(
                number,
                phase.id,
                portal.t(phase.name),
                len(phase.tasks),
                len(phase.experiences),
                len(phase.provided),
                len(phase.exit_criteria),
                sum(1 for c in phase.exit_criteria if c.target),
                len(phase.programs),
                len(free_self),
                len(phase.faq),
            )
        )
    return rows


# -- output ------------------------------------------------------------------------------

HEADINGS = (
    N_("phase"),
    N_("tasks"),
    N_("experiences"),
    N_("provided"),
    N_("exit criteria (target)"),
    N_("programs (free self-service)"),
    N_("FAQ"),
)


def _headings() -> list[str]:
    return [tr(h) for h in HEADINGS]


def _cells(row: PhaseRow) -> list[str]:
    return [
        f"{row.number}. {row.name} ({row.id})",
        str(row.tasks),
        str(row.experiences),
        str(row.provided),
        f"{row.exit_criteria} ({row.with_target})",
        f"{row.programs} ({row.free_self_service})",
        str(row.faq),
    ]


def _width(text: str) -> int:
    """Columns on a terminal: Japanese characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def as_text(rows: list[PhaseRow], every: list[Gap]) -> str:
    found, accepted = open_gaps(every), [g for g in every if g.accepted is not None]
    table = [_headings(), *map(_cells, rows)]
    widths = [max(_width(r[i]) for r in table) for i in range(len(HEADINGS))]
    lines = [
        "  ".join(
            cell + " " * (w - _width(cell)) for cell, w in zip(r, widths, strict=True)
        ).rstrip()
        for r in table
    ]
    lines += ["", _summary(rows, found)]
    lines += [f"  {g}" for g in found]
    if accepted:
        lines += ["", tr("Accepted ({count}):").format(count=len(accepted))]
        lines += [
            f"  {g} " + tr("(accepted: {reason})").format(reason=g.accepted) for g in accepted
        ]
    return "\n".join(lines)


def as_markdown(rows: list[PhaseRow], every: list[Gap]) -> str:
    found, accepted = open_gaps(every), [g for g in every if g.accepted is not None]
    lines = ["| " + " | ".join(_headings()) + " |", "|" + "---|" * len(HEADINGS)]
    lines += ["| " + " | ".join(map(markdown_text, _cells(r))) + " |" for r in rows]
    lines += ["", f"**{_summary(rows, found)}**", ""]
    lines += [
        f"- {markdown_text(f'{g.file}:{g.line}')} **{markdown_text(g.subject)}**: "
        f"{markdown_text(g.message)}"
        for g in found
    ]
    if accepted:
        lines += ["", "**" + tr("Accepted ({count}):").format(count=len(accepted)) + "**", ""]
        lines += [
            f"- {markdown_text(f'{g.file}:{g.line}')} **{markdown_text(g.subject)}**: "
            f"{markdown_text(g.message)} "
            + markdown_text(tr("(accepted: {reason})").format(reason=g.accepted))
            for g in accepted
        ]
    return "\n".join(lines)


# Inline Markdown syntax, escaped with a backslash (readable in the raw file too); `&`
# as an entity, so that no HTML entity or tag can form; a line break would end a table row.
_INLINE = re.compile(r"([\\`*_\[\]<>|~!])")


def markdown_text(text: str) -> str:
    """Names from the sources as literal text in Markdown (a wiki, a pull request)."""
    return _INLINE.sub(r"\\\1", text.replace("&", "&amp;")).replace("\n", " ")


def as_json(rows: list[PhaseRow], every: list[Gap]) -> str:
    data = {
        "phases": [asdict(r) for r in rows],
        "gaps": [asdict(g) for g in open_gaps(every)],
        "accepted": [asdict(g) for g in every if g.accepted is not None],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _summary(rows: list[PhaseRow], found: list[Gap]) -> str:
    if not found:
        return tr("No gaps in {phases} phases.").format(phases=len(rows))
    if len(found) == 1:
        return tr("1 gap:")
    return tr("{gaps} gaps in {phases} phases:").format(gaps=len(found), phases=len(rows))
