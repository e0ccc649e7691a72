"""`phasebook search`: the results on a terminal, in a file or pipe, or as JSON."""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import click

from generator.build.project import CommandError, ensure_index, refuse_other_languages, say
from generator.i18n.messages import tr
from generator.search.index import open_index
from generator.search.query import QueryError
from generator.search.scoring import search
from generator.text.errors import printable


def search_portal(
    root: Path, index_dir: str | None, query: str, filters: dict, *, as_json: bool
) -> None:
    """Print what the project's index finds for `query`; `filters` are search()'s
    keyword arguments (phase, tier, kind, limit, lang)."""
    index = open_index(ensure_index(root, index_dir))
    lang = filters.get("lang")
    refuse_other_languages([lang] if lang is not None else [], index.languages)
    if as_json:  # HTML-ready, as the search API gives it
        marks, escape = ("<mark>", "</mark>"), html.escape
    else:  # bold on a terminal, **word** in a file or pipe
        marks = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("**", "**")
        escape = printable
    try:
        found = search(index, query, marks=marks, escape=escape, **filters)
    except QueryError as exc:
        message = tr("Cannot search for {query}: {error}")
        raise CommandError(message.format(query=repr(query), error=exc), 2) from None
    if as_json:
        hits = [hit.__dict__ for hit in found.hits]
        data = {"query": query, "total": found.total, "results": hits, "facets": found.facets}
        text = json.dumps(data, ensure_ascii=False, indent=1)  # C0 controls come escaped
        click.echo(re.sub("[\x7f-\x9f\u2028\u2029]", lambda c: f"\\u{ord(c.group()):04x}", text))
    else:
        _print(query, found)


def _print(query: str, found) -> None:
    """Numbered results, each with its kind, phase and tier, its link and its snippet."""
    if not found.hits:
        say(tr("No results for {query}.").format(query=repr(query)))
        return
    for n, hit in enumerate(found.hits, 1):
        tier_part = f" · {hit.tier}" if hit.tier else ""
        click.echo(
            click.style(printable(f"{n}. {hit.title}"), bold=True)
            + printable(f"  [{' · '.join(filter(None, [hit.kind, hit.phase_name]))}{tier_part}]")
        )
        say(f"   {hit.url}")
        click.echo(f"   {hit.snippet}")  # its text went through `printable` already
    say(tr("{count} results").format(count=found.total))
