"""The lifecycle drawn as a loop of chevrons: one clickable segment per phase, coloured by stage.

Generated from the model, so a vendor with five phases or twelve gets a correct picture
without drawing anything. The SVG scales to its container; sizes below are in viewBox units
and chosen so that phase names stay at least ~12 px high on a 375 px phone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from generator.source import model as m

SIZE = 460  # viewBox width and height
CENTER = SIZE / 2
OUTER, INNER = 168.0, 98.0  # the phase ring
LABEL = 196.0  # where stage names sit, outside the ring
TIP = 5.0  # degrees a chevron's point reaches into the next segment
GAP = 1.2  # degrees of white between segments
FONT = 17.0
# Dark enough for white text (WCAG AA at this size), distinct for the common colour blindness.
STAGE_COLOURS = ("#283593", "#00695c", "#ad1457", "#5d4037", "#6a1b9a", "#1565c0")


@dataclass(frozen=True)
class _Segment:
    view: m.PhaseView
    number: int
    start: float  # degrees, clockwise from 12 o'clock
    end: float
    colour: str


def lifecycle_svg(
    portal: m.Portal, href: Callable[[str], str], lang: str | None = None, title: str = ""
) -> Markup:
    """The loop as inline SVG; `href(phase_id)` gives each phase's link from the page."""
    segments = _segments(portal)
    parts = [
        # A group of links, not an image: an image may not contain what can be focused.
        f'<svg class="pb-loop" viewBox="0 0 {SIZE} {SIZE}" role="group" '
        f'aria-labelledby="pb-loop-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="pb-loop-title">{escape(title)}</title>',
    ]
    parts += [_phase(portal, s, href(s.view.phase.id), lang) for s in segments]
    parts += _stage_labels(portal, segments, lang)
    parts.append(
        f'<text class="pb-loop__centre" x="{CENTER}" y="{CENTER - 6}" text-anchor="middle">'
        f"{escape(portal.info.product)}</text>"
    )
    parts.append("</svg>")
    return Markup("\n".join(parts))


Point = tuple[float, float]


def outline(portal: m.Portal) -> list[tuple[int, str, list[Point], Point]]:
    """Each phase's number, colour, chevron and middle in viewBox units, its arcs cut into
    straight pieces of at most two degrees: the same picture for what draws no SVG path
    (the link-preview PNG, og_image.py)."""
    found = []
    for seg in _segments(portal):
        a0, a1 = seg.start + GAP / 2, seg.end - GAP / 2
        steps = max(2, math.ceil((a1 - a0) / 2))
        mid = (OUTER + INNER) / 2
        outer = [_point(a0 + (a1 - a0) * i / steps, OUTER) for i in range(steps + 1)]
        inner = [_point(a1 - (a1 - a0) * i / steps, INNER) for i in range(steps + 1)]
        front = [_point(a1 + TIP, mid)]
        back = [_point(a0 + TIP, mid)]
        middle = _point((seg.start + seg.end) / 2, mid)
        found.append((seg.number, seg.colour, [*back, *outer, *front, *inner], middle))
    return found


def stage_colour(portal: m.Portal, stage_id: str) -> str:
    ids = [s.id for s in portal.lifecycle.stages]
    return STAGE_COLOURS[ids.index(stage_id) % len(STAGE_COLOURS)]


def _segments(portal: m.Portal) -> list[_Segment]:
    step = 360.0 / len(portal.phases)
    return [
        _Segment(view, i + 1, i * step, (i + 1) * step, stage_colour(portal, view.stage.id))
        for i, view in enumerate(portal.phases)
    ]


def _phase(portal: m.Portal, seg: _Segment, href: str, lang: str | None) -> str:
    name = portal.t(seg.view.phase.name, lang)
    label = f"{seg.number}. {name}"
    middle = (seg.start + seg.end) / 2
    x, y = _point(middle, (OUTER + INNER) / 2)
    # The widest a name may be: the chord of the segment at mid-radius, less a margin; on
    # the sides of the ring, where a level line crosses it, the ring's own width.
    room = 2 * (OUTER + INNER) / 2 * math.sin(math.radians(seg.end - seg.start) / 2) * 0.82
    across = abs(math.sin(math.radians(middle)))
    room = min(room, (OUTER - INNER) * 0.8 / max(across, 0.01))
    lines = _lines(name, room)
    if len(lines) > 1:  # off the middle of the ring, where the segment is narrower
        room *= 0.85
    phase = seg.view.phase
    phase_id = phase.id
    # The keys of its checklists, so the start page can show progress kept by phase pages.
    tasks = " ".join(m.text_key(t) for t in phase.tasks)
    exits = " ".join(m.text_key(c.text) for c in phase.exit_criteria)
    # One line at the middle, or two around it with the number and progress moved apart.
    top = 6 - (len(lines) - 1) * FONT / 2
    names = "".join(
        f'<text class="pb-loop__name" x="{x:.1f}" y="{y + top + i * FONT:.1f}" '
        f'text-anchor="middle"{_fit(line, room)}>{escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    shift = (len(lines) - 1) * FONT / 2
    return (
        f'<a class="pb-loop__phase" href="{escape(href)}" data-pb-phase="{phase_id}" '
        f'data-pb-tasks="{tasks}" data-pb-exit="{exits}">'
        f"<title>{escape(label)}</title>"
        f'<path d="{_chevron(seg)}" fill="{seg.colour}"/>'
        f'<text class="pb-loop__number" x="{x:.1f}" y="{y - 14 - shift:.1f}" '
        f'text-anchor="middle">{seg.number}</text>{names}'
        f'<text class="pb-loop__progress" x="{x:.1f}" y="{y + 24 + shift:.1f}" '
        f'text-anchor="middle" data-pb-phase="{phase_id}"></text>'
        "</a>"
    )


def _stage_labels(portal: m.Portal, segments: list[_Segment], lang: str | None) -> list[str]:
    """Each stage's name outside the ring, at the middle of its phases, with an arc under it."""
    out = []
    for stage in portal.lifecycle.stages:
        mine = [s for s in segments if s.view.stage.id == stage.id]
        if not mine:
            continue
        start, end = mine[0].start + GAP, mine[-1].end - GAP
        colour = mine[0].colour
        x, y = _point((start + end) / 2, LABEL)
        out.append(
            f'<path class="pb-loop__stage-arc" d="{_arc(start, end, OUTER + 6)}" '
            f'stroke="{colour}" fill="none"/>'
            f'<text class="pb-loop__stage" x="{x:.1f}" y="{y + 5:.1f}" text-anchor="middle" '
            f'fill="{colour}">{escape(portal.t(stage.name, lang))}</text>'
        )
    return out


def _chevron(seg: _Segment) -> str:
    """A ring segment whose front edge points forward and whose back edge is notched."""
    a0, a1 = seg.start + GAP / 2, seg.end - GAP / 2
    mid = (OUTER + INNER) / 2
    points = [
        ("M", _point(a0, INNER)),
        ("L", _point(a0 + TIP, mid)),
        ("L", _point(a0, OUTER)),
    ]
    path = [f"{c}{x:.2f},{y:.2f}" for c, (x, y) in points]
    ox, oy = _point(a1, OUTER)
    path.append(f"A{OUTER},{OUTER} 0 0 1 {ox:.2f},{oy:.2f}")
    tx, ty = _point(a1 + TIP, mid)
    ix, iy = _point(a1, INNER)
    path.append(f"L{tx:.2f},{ty:.2f} L{ix:.2f},{iy:.2f}")
    sx, sy = _point(a0, INNER)
    path.append(f"A{INNER},{INNER} 0 0 0 {sx:.2f},{sy:.2f} Z")
    return " ".join(path)


def _arc(start: float, end: float, radius: float) -> str:
    (x0, y0), (x1, y1) = _point(start, radius), _point(end, radius)
    large = 1 if end - start > 180 else 0
    return f"M{x0:.2f},{y0:.2f} A{radius},{radius} 0 {large} 1 {x1:.2f},{y1:.2f}"


def _point(degrees: float, radius: float) -> tuple[float, float]:
    """Clockwise from 12 o'clock, as a lifecycle is read."""
    rad = math.radians(degrees - 90)
    return CENTER + radius * math.cos(rad), CENTER + radius * math.sin(rad)


def _lines(name: str, room: float) -> list[str]:
    """A name too wide for its segment on one line, on two, split at its middle space
    ("Onboarding prep"); Japanese names stay on one line and are narrowed instead."""
    if _width(name) <= room or " " not in name.strip():
        return [name]
    spaces = [i for i, c in enumerate(name) if c == " "]
    at = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return [name[:at], name[at + 1 :]]


def _fit(line: str, room: float) -> str:
    """Narrow a line that is still too wide to its room, letters and spacing alike."""
    if _width(line) <= room:
        return ""
    return f' textLength="{room:.1f}" lengthAdjust="spacingAndGlyphs"'


def _width(text: str) -> float:
    """Roughly how wide `text` sets at FONT in bold: full-width characters take a whole
    em, capitals about three quarters, other letters two thirds."""
    return sum(FONT if ord(c) > 0x2E7F else FONT * (0.75 if c.isupper() else 0.66) for c in text)
