"""`phasebook`: the CS team's commands: validate, report, new, build, search, serve, schema,
check-links.

The click group only: each command parses its options and calls generator/build/ or
generator/authoring/ to do the work. A problem is one message and a non-zero exit, never a
traceback (`Command.invoke`); no command writes on, in or above the sources (outputs.py).
A command imports what does its work when it runs (as MkDocs' own commands do): MkDocs,
Whoosh and the site's renderer cost `phasebook validate` half of its time otherwise.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

import click

from generator.authoring import plan
from generator.authoring.init import STARTER_LANGUAGES, init_portal
from generator.build import outputs
from generator.build.choices import PAGE_KINDS
from generator.build.project import checked, open_portal, say, summary
from generator.cli.common import HERE, Command, Group, directory_option, fail, project_options
from generator.cli.links import check_links_command
from generator.cli.new import import_group, new
from generator.i18n import messages
from generator.i18n.messages import tr
from generator.source import language
from generator.system import processes

WORKERS_PER_CORE = 4


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        messages.use(value)


def _workers(ctx: click.Context, param: click.Parameter, value: str | None) -> int:
    """One worker per core unless told; more than WORKERS_PER_CORE per core only queue
    for the same cores, each with its own copy of the index in memory."""
    cores = processes.cores()
    if value is None:
        return cores
    most = WORKERS_PER_CORE * cores
    if not (value.isascii() and value.isdigit() and len(value) <= 6 and 1 <= int(value) <= most):
        fail(
            tr(
                "--workers must be a whole number from 1 to {most} ({per} per core on this "
                "machine; got {value!r}): leave it out for one per core ({cores})"
            ).format(most=most, per=WORKERS_PER_CORE, value=value[:20], cores=cores),
            2,
        )
    return int(value)


@click.group(cls=Group)
@click.option(
    "--lang",
    type=click.Choice(messages.LANGUAGES),
    is_eager=True,
    expose_value=False,
    callback=_language,
    help="The language of messages (default: the portal's first language).",
)
def cli() -> None:
    """Phasebook: a customer-success portal from phases/*.yml and content/*.md."""
    # Material's "MkDocs 2.0" banner is for MkDocs users deciding on an upgrade; CS staff
    # running Phasebook get the pins and the engine-free generator instead (README).
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def main() -> None:
    """The `phasebook` command: messages in the language of the portal it is run in."""
    language.use_portal_language(Path.cwd())
    cli()


cli.add_command(plan.command(Command, directory_option))  # the plan, for account teams
cli.add_command(new)
cli.add_command(import_group)
cli.add_command(check_links_command)  # link health, weekly in the CI workflow init writes


@cli.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
@directory_option
@click.option(
    "--phases",
    "phases_dir",
    default="phases",
    show_default=True,
    help="Phase definitions, relative to DIRECTORY.",
)
@click.option(
    "--content",
    "content_dir",
    default="content",
    show_default=True,
    help="Markdown pages (guides), relative to DIRECTORY.",
)
def validate(project: Path, phases_dir: str, content_dir: str) -> None:
    """Check every source file; list all problems, or print a summary."""
    say(summary(open_portal(project, phases_dir, content_dir)))


@cli.command("search")
@click.argument("query")
@click.option("--phase", help="Only this phase (id).")
@click.option("--tier", help="Only programs of this tier (id).")
@click.option("--kind", type=PAGE_KINDS, help="Only this kind of page.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
@click.option(
    "--lang", "lang", help="Titles and links in this portal language (default: the first)."
)
@project_options
def search_command(
    query: str,
    phase: str | None,
    tier: str | None,
    kind: str | None,
    limit: int,
    as_json: bool,
    lang: str | None,
    index_dir: str,
) -> None:
    """Search phases, programs and guides, Japanese and English alike."""
    from generator.build.lookup import search_portal

    filters = {"phase": phase, "tier": tier, "kind": kind, "limit": limit, "lang": lang}
    search_portal(HERE, index_dir, query, filters, as_json=as_json)


@cli.command()
@directory_option
@click.option(
    "-f",
    "--config-file",
    default="mkdocs.yml",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
)
@click.option(
    "-d",
    "--site-dir",
    type=click.Path(path_type=Path),
    help="Where the site goes.  [default: site/ beside mkdocs.yml]",
)
@click.option(
    "--strict-content",
    is_flag=True,
    help="Fail on stale content (an ATX without session or recording).",
)
def build(config_file: Path, site_dir: Path | None, strict_content: bool) -> None:
    """Build the site and its search index beside their targets and swap both in only if
    the build succeeds: a failed or killed build leaves the previous ones as they were."""
    from generator.build import command

    target = command.build_site(config_file, site_dir, strict_content)
    say(tr("Built {target}").format(target=target))


@cli.command()
@directory_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    help="A new or empty folder, or an earlier export (replaced).",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    help="Only this portal language (repeat for more).  [default: all]",
)
def export(out: Path, langs: tuple[str, ...]) -> None:
    """Write the portal as plain docs trees (OUT/<lang>/mkdocs.yml and docs/) that MkDocs,
    ProperDocs or Zensical build without the phasebook plugin."""
    from generator.build import command

    chosen = command.export_portal(HERE, out, langs)
    example = out / chosen[0] / "mkdocs.yml"
    say(
        tr("Exported {languages} to {folder}: build one with `mkdocs build -f {example}`").format(
            languages=", ".join(chosen), folder=out, example=example
        )
    )


@cli.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback by default: only this machine can connect.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--site",
    "site_dir",
    default="site",
    show_default=True,
    help="The built site (./dev build), relative to the project.",
)
@click.option(
    "--workers",
    default=None,
    callback=_workers,
    metavar="N",
    help="Processes answering requests, each with the index open.  [default: one per core]",
)
@project_options
def serve(host: str, port: int, site_dir: str, index_dir: str | None, workers: int) -> None:
    """Serve the built site and GET /api/search (JSON results and facet counts)."""
    from generator.build import command

    command.serve_site(HERE, site_dir, index_dir, (host, port), workers)


@cli.command()
@click.argument("project", default=".", type=click.Path(file_okay=False, path_type=Path))
@directory_option
@click.option(
    "--format",
    "form",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--strict", is_flag=True, help="Exit 1 when anything is missing (for CI).")
def report(project: Path, form: str, strict: bool) -> None:
    """Coverage per phase (the four questions) and every gap, with file and line."""
    from generator.authoring import report as r
    from generator.authoring.gaps import gaps, open_gaps

    portal = open_portal(project)
    found = gaps(portal, project / "content")
    render = {"text": r.as_text, "markdown": r.as_markdown, "json": r.as_json}[form]
    say(render(r.phase_rows(portal), found))
    if strict and open_gaps(found):
        sys.exit(1)


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(STARTER_LANGUAGES),
    default=None,
    help="The portal's first language (default: the language of messages, if a starter "
    "speaks it, else English).",
)
def init(target: Path, lang: str | None) -> None:
    """Start a portal in TARGET (new or empty): it validates and builds at once."""
    for name in init_portal(target, lang):
        say(tr("wrote {file}").format(file=target / name))
    run, folder = shlex.join(_this_phasebook()), shlex.quote(str(target))
    say(
        "\n"
        + tr(
            "Next, from this folder: build the portal into {site}, then look at it on "
            "http://127.0.0.1:8000"
        ).format(site=target / "site")
    )
    for step in ("build", "serve"):  # each a line of its own, to copy as it is
        say(f"  {run} {step} -C {folder}")


def _this_phasebook() -> list[str]:
    """This Phasebook, as a command that works where it is printed: `phasebook` when PATH
    finds this one, else the script beside this Python (a venv's bin/, not on PATH after
    the README's steps), else `python -m generator.cli`."""
    script = Path(sys.executable).parent / "phasebook"
    if not script.is_file():
        return [sys.executable, "-m", "generator.cli"]
    found = shutil.which("phasebook")
    if found and Path(found).resolve() == script.resolve():
        return ["phasebook"]
    return [str(script.absolute())]


@cli.command()
@directory_option
@click.option(
    "--out",
    default="schema",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to write the schemas into.",
)
def schema(out: Path) -> None:
    """Write JSON Schemas: lifecycle.yml and phase files (for editors), api/catalog.json."""
    from generator.authoring.schema import write_schemas

    checked(out, outputs.layout(HERE), "--out")
    for path in write_schemas(out):
        say(tr("wrote {file}").format(file=path))
