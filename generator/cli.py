"""`phasebook`: validate the sources and export their schema without building the site."""

from __future__ import annotations

import html
import json
import shutil
import sys
from pathlib import Path

import click

from generator import model as m
from generator import search as s
from generator.errors import ContentError
from generator.load import load_portal
from generator.schema import write_schemas
from generator.validate import KINDS


@click.group()
def main() -> None:
    """Phasebook: a customer-success portal from phases/*.yml and content/*.md."""


@main.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--phases", "phases_dir", default="phases", show_default=True,
              help="Phase definitions, relative to DIRECTORY.")  # fmt: skip
@click.option("--content", "content_dir", default="content", show_default=True,
              help="Markdown pages (guides), relative to DIRECTORY.")  # fmt: skip
def validate(directory: Path, phases_dir: str, content_dir: str) -> None:
    """Check every source file; list all problems, or print a summary."""
    try:
        portal = load_portal(directory / phases_dir, directory / content_dir, root=directory)
    except ContentError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(1)
    click.echo(summary(portal))


def summary(portal: m.Portal) -> str:
    programs = [p for _, p in portal.programs()]
    kinds = {k: sum(p.kind == k for p in programs) for k in KINDS}
    upcoming = sum(len(portal.upcoming(p)) for p in programs if isinstance(p, m.Atx))
    return (
        f"OK: {len(portal.phases)} phases, {len(programs)} programs "
        f"({kinds['atx']} ATX, {kinds['accelerator']} accelerators, {kinds['guide']} guides, "
        f"{kinds['video']} videos), {upcoming} upcoming sessions"
    )


def project_options(command):
    """-C and --index, shared by the commands that read the search index."""
    command = click.option("--index", "index_dir", default=".phasebook/index",
                           show_default=True,
                           help="Relative to the project; rebuilt when the sources changed.",
                           )(command)  # fmt: skip
    return click.option("-C", "--directory", default=".", show_default=True,
                        type=click.Path(file_okay=False, path_type=Path),
                        help="The project: phases/, content/ and the index live here.",
                        )(command)  # fmt: skip


@main.command("search")
@click.argument("query")
@click.option("--phase", help="Only this phase (id).")
@click.option("--tier", help="Only programs of this tier (id).")
@click.option("--kind", type=click.Choice(s.KINDS), help="Only this kind of page.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@project_options
def search_command(
    query: str,
    phase: str | None,
    tier: str | None,
    kind: str | None,
    limit: int,
    as_json: bool,
    directory: Path,
    index_dir: str,
) -> None:
    """Search phases, programs and guides, Japanese and English alike."""
    index = ensure_index(directory, directory / index_dir)
    if as_json:  # HTML-ready, as the search API gives it
        marks, escape = ("<mark>", "</mark>"), html.escape
    else:  # bold on a terminal, **word** in a file or pipe
        marks = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("**", "**")
        escape = str
    try:
        found = s.search(index, query, phase=phase, tier=tier, kind=kind, limit=limit,
                         marks=marks, escape=escape)  # fmt: skip
    except s.QueryError as exc:
        click.echo(f"Cannot search for {query!r}: {exc}", err=True)
        sys.exit(2)
    if as_json:
        hits = [hit.__dict__ for hit in found.hits]
        data = {"query": query, "total": found.total, "results": hits, "facets": found.facets}
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    if not found.hits:
        click.echo(f"No results for {query!r}.")
        return
    for n, hit in enumerate(found.hits, 1):
        tier_part = f" · {hit.tier}" if hit.tier else ""
        click.echo(
            click.style(f"{n}. {hit.title}", bold=True)
            + f"  [{hit.kind} · {hit.phase_name}{tier_part}]"
        )
        click.echo(f"   {hit.url}")
        click.echo(f"   {hit.snippet}")
    click.echo(f"{found.total} results")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Loopback by default: only this machine can connect.")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--site", "site_dir", default="site", show_default=True,
              help="The built site (./dev build), relative to the project.")  # fmt: skip
@project_options
def serve(host: str, port: int, site_dir: str, directory: Path, index_dir: str) -> None:
    """Serve the built site and GET /api/search (JSON results and facet counts)."""
    site = directory / site_dir
    if not (site / "index.html").is_file():
        click.echo(f"No built site in {site}: run ./dev build (or mkdocs build) first.", err=True)
        sys.exit(1)
    index = ensure_index(directory, directory / index_dir)
    from generator.server import serve as run  # Starlette and uvicorn only for this command

    click.echo(f"Serving {site} with /api/search at http://{host}:{port}/ (Ctrl+C stops)")
    run(site, index, host, port)


def ensure_index(directory: Path, index: Path) -> Path:
    """The index, rebuilt from the sources first if they changed since it was written."""
    phases, content = directory / "phases", directory / "content"
    stamp = s.fingerprint(phases, content)
    if s.index_stamp(index) == stamp:
        return index
    try:
        portal = load_portal(phases, content, root=directory)
    except ContentError as exc:
        click.echo(exc.report(), err=True)
        sys.exit(1)
    staging = s.staging_dir(index)
    s.build_index(s.documents(portal, content), staging, stamp)
    kept = s.install(staging, index)
    if kept is not None:
        shutil.rmtree(kept)
    return index


@main.command()
@click.option("--out", default="schema", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the schemas into.")  # fmt: skip
def schema(out: Path) -> None:
    """Write JSON Schemas: lifecycle.yml and phase files (for editors), api/catalog.json."""
    for path in write_schemas(out):
        click.echo(f"wrote {path}")


if __name__ == "__main__":
    main()
