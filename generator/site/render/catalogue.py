"""A kind's catalogue: every program of the kind in pages of `page_size` rows, filterable,
and when there is more than one page, all rows as JSON to filter across pages."""

from __future__ import annotations

import json

from generator.i18n import words
from generator.site.render.base import RendererBase
from generator.site.render.helpers import LEVELS
from generator.source import model as m
from generator.source.urls import CATALOGUES, catalogue_rows


def catalogue_files(r: RendererBase, kind: str) -> list[tuple[str, str, bool]]:
    """Every program of one kind as (src, content, in nav): pages of `page_size` rows,
    so that a phone never gets one huge table."""
    items = [(v, p) for v, p in r.portal.programs() if p.kind == kind]
    chunks, srcs = r.pages(items, CATALOGUES[kind])
    data = catalogue_rows(kind) if len(chunks) > 1 else None
    files = [
        (
            src,
            r.keep(
                lambda n=number, c=chunk: _page(r, kind, n, c, len(items), srcs, data),
                f"catalogue {kind} {number}/{len(srcs)} {len(items)}",
                [p.id for _, p in chunk],
            ),
            number == 1,
        )
        for number, (src, chunk) in enumerate(zip(srcs, chunks, strict=True), 1)
    ]
    if data is not None:
        rows = r.keep(
            lambda: _rows_json(r, kind, items, srcs[0]),
            f"rows {kind} {srcs[0]} {len(srcs)}",
            [p.id for _, p in items],
        )
        files.append((data, rows, False))
    return files


def _page(
    r: RendererBase,
    kind: str,
    number: int,
    items: list,
    total: int,
    pages: list[str],
    data: str | None,
) -> str:
    heading = words.gettext(r.lang, m.KIND_MODELS[kind].catalogue.heading)
    return r.render(
        "catalogue.md.j2",
        src=pages[number - 1],
        kind=kind,
        scheduled=m.KIND_MODELS[kind].scheduled,
        heading=heading,
        items=items,
        total=total,
        pages=pages,
        number=number,
        rows=data,
        levels=tuple(LEVELS),
        page_title=heading if number == 1 else f"{heading} ({number}/{len(pages)})",
        wide=True,
    )


def _rows_json(r: RendererBase, kind: str, items: list, first: str) -> str:
    """Rows as the first page shows them (its links), with what the filters compare."""
    scheduled = m.KIND_MODELS[kind].scheduled

    def row(view: m.PhaseView, program: m.ProgramT) -> dict:
        html_row = r.render(
            "catalogue_row.md.j2",
            src=first,
            kind=kind,
            scheduled=scheduled,
            view=view,
            program=program,
        ).strip()
        return {
            "phase": view.phase.id,
            "rank": r.portal.rank(program.tier),
            "level": program.level or "",
            "lang": r.portal.languages(program),
            "html": html_row,
        }

    data = [
        r.keep(lambda v=v, p=p: row(v, p), f"row {kind} {first}", [p.id], v.phase.id)
        for v, p in items
    ]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
