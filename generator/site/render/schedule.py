"""The schedule: every session not over at build time, a page of `page_size` at a time."""

from __future__ import annotations

from markupsafe import Markup

from generator.feeds import calendar
from generator.i18n import words
from generator.site.render.base import RendererBase
from generator.source.urls import SCHEDULE


def schedule_files(r: RendererBase) -> list[tuple[str, str, bool]]:
    """Sessions that had not ended at build time, `page_size` a page (the browser hides
    those that end later), as (src, content, in nav)."""
    items = r.upcoming_sessions()
    chunks, srcs = r.pages(items, SCHEDULE)
    title = words.gettext(r.lang, "Schedule")

    def row(src: str, item: calendar.Scheduled) -> Markup:
        """A session's row, kept while its program and phase stay the same: a page of them
        is made again whenever one of its programs changes."""
        made = lambda: Markup(r.render("schedule_row.md.j2", src=src, item=item))  # noqa: E731
        return r.keep(made, f"session {src} {item.uid}", [item.program.id], item.view.phase.id)

    def page(n: int, src: str, chunk: list[calendar.Scheduled]) -> str:
        return r.keep(
            lambda: r.render(
                "schedule.md.j2",
                src=src,
                items=chunk,
                rows=[row(src, item) for item in chunk],
                pages=srcs,
                number=n,
                total=len(items),
                page_title=title,
            ),
            f"schedule {n}/{len(srcs)} {len(items)} {[i.uid for i in chunk]}",
            [i.program.id for i in chunk],
        )

    return [
        (src, page(n, src, chunk), n == 1)
        for n, (src, chunk) in enumerate(zip(srcs, chunks, strict=True), 1)
    ]
