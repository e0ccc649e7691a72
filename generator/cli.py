"""`phasebook`: validate the sources and export their schema without building the site."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import model as m
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


@main.command()
@click.option("--out", default="schema", show_default=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write the schemas into.")  # fmt: skip
def schema(out: Path) -> None:
    """Write JSON Schemas: lifecycle.yml and phase files (for editors), api/catalog.json."""
    for path in write_schemas(out):
        click.echo(f"wrote {path}")
