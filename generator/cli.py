"""`phasebook`: the CS team's commands: validate, report, new, build, search, serve, schema.

The click group only: each command parses its options and calls generator/build/ or
generator/authoring/ to do the work. A problem is one message and a non-zero exit, never a
traceback (`Command.invoke`); no command writes on, in or above the sources (outputs.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.authoring import new as n
from generator.authoring import plan, sessions
from generator.authoring import report as r
from generator.authoring.edit import ScaffoldError
from generator.authoring.init import STARTER_LANGUAGES, init_portal
from generator.authoring.schema import write_schemas
from generator.build import command, outputs
from generator.build.choices import PAGE_KINDS, PROGRAM_KINDS
from generator.build.lookup import search_portal
from generator.build.project import CommandError, checked, open_portal, say, summary
from generator.i18n import messages
from generator.i18n.messages import tr
from generator.source import language

# The project: the working directory, which `-C DIR` has made DIR before anything runs.
HERE = Path(".")


def fail(text: str, code: int = 1):
    say(text, err=True)
    sys.exit(code)


class _Translated:
    """Help in the team's language: the English help text is the message id."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.help = tr(self.help) if self.help else self.help
        for param in self.get_params(ctx):
            if getattr(param, "help", None):
                param.help = tr(param.help)
        super().format_help(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        english, self.help = self.help, tr(self.help) if self.help else self.help
        try:
            return super().get_short_help_str(limit)
        finally:
            self.help = english


class Command(_Translated, click.Command):
    def invoke(self, ctx: click.Context):
        """The one place a command's problem becomes its message on stderr and its exit
        status: no traceback for the person at the terminal."""
        try:
            return super().invoke(ctx)
        except CommandError as exc:
            fail(str(exc), exc.code)
        except ScaffoldError as exc:
            fail(tr("Error: {error}").format(error=exc))


class Group(_Translated, click.Group):
    command_class = Command
    group_class = type  # subgroups are Groups too


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        messages.use(value)


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


def _enter(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """`-C DIR` works as in git and make: the command runs as if started in DIR."""
    if value is not None:
        os.chdir(value)
        language.use_portal_language(Path.cwd())


directory_option = click.option(
    "-C",
    "--directory",
    default=None,
    is_eager=True,
    callback=_enter,
    expose_value=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run as if started in this folder (the project).",
)
cli.add_command(plan.command(Command, directory_option))  # the plan, for account teams


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


def project_options(command):
    """-C and --index, shared by the commands that read the search index."""
    command = click.option(
        "--index",
        "index_dir",
        help="Relative to the project; rebuilt when the sources changed. "
        "[default: search_index of mkdocs.yml, or .phasebook/index]",
    )(command)
    return directory_option(command)


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
@project_options
def serve(host: str, port: int, site_dir: str, index_dir: str | None) -> None:
    """Serve the built site and GET /api/search (JSON results and facet counts)."""
    command.serve_site(HERE, site_dir, index_dir, (host, port))


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
    portal = open_portal(project)
    found = r.gaps(portal, project / "content")
    render = {"text": r.as_text, "markdown": r.as_markdown, "json": r.as_json}[form]
    say(render(r.phase_rows(portal), found))
    if strict and r.open_gaps(found):
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
    say(
        "\n"
        + tr("Next: cd {target} && phasebook build (or mkdocs serve to preview)").format(
            target=target
        )
    )


@cli.group(commands=[n.plan_command(Command, directory_option)])  # a success-plan template
def new() -> None:
    """Add a stage, phase, program, session or plan template; comments and layout are kept."""


@new.command("stage")
@click.argument("stage_id")
@click.option("--name", help="The stage's name (default: its id).")
@directory_option
def new_stage(stage_id: str, name: str | None) -> None:
    """Add a stage, with no phase yet, at the end of phases/lifecycle.yml."""
    _scaffold(n.new_stage, stage_id, name)


@new.command("phase")
@click.argument("phase_id")
@click.option("--name", help="The phase's name (default: its id).")
@click.option("--stage", help="The stage it belongs to, at its end (default: the last).")
@directory_option
def new_phase(phase_id: str, name: str | None, stage: str | None) -> None:
    """Create phases/PHASE_ID.yml and list it in phases/lifecycle.yml."""
    _scaffold(n.new_phase, phase_id, name, stage)


@new.command("program")
@click.argument("phase_id")
@click.argument("program_id")
@click.option("--kind", required=True, type=PROGRAM_KINDS)
@click.option("--title", help="Its title (default: a placeholder to replace).")
@click.option("--tier", help="Its tier (default: the first; for an accelerator the first paid).")
@click.option("--url", help="A video's address, or where an accelerator is requested.")
@directory_option
def new_program(
    phase_id: str,
    program_id: str,
    kind: str,
    title: str | None,
    tier: str | None,
    url: str | None,
) -> None:
    """Add a program to a phase (a guide also gets content/guides/PROGRAM_ID.md)."""
    _scaffold(n.new_program, phase_id, program_id, kind, title=title, tier=tier, url=url)


@new.command("session")
@click.argument("program_id")
@click.option("--starts", required=True, help="With its UTC offset: 2027-03-04T14:00:00+09:00")
@click.option("--register", required=True, help="The https: registration page.")
@click.option("--language", help="Default: the portal's first language.")
@directory_option
def new_session(program_id: str, starts: str, register: str, language: str | None) -> None:
    """Add a live session to an ATX."""
    _scaffold(sessions.new_session, program_id, starts, register, language)


def _scaffold(action, *args, **kwargs) -> None:
    """Run an edit of the project's sources and list the files it wrote."""
    for name in action(HERE, *args, **kwargs):
        say(tr("wrote {file}").format(file=name))


@cli.group("import")
def import_group() -> None:
    """Bring many sessions in at once, from a spreadsheet or a webinar tool."""


@import_group.command("sessions")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--program", help="The ATX every event of an .ics file is a session of.")
@click.option("--language", help="The events' language (.ics; default: the portal's first).")
@directory_option
def import_sessions(source: Path, program: str | None, language: str | None) -> None:
    """Add the sessions of a CSV (program,starts,language,register[,note]) or an .ics file;
    rows already in the portal are skipped, and nothing is written unless every row is good."""
    from generator.authoring.imports import import_sessions as run

    done = run(HERE, source.resolve(), program=program, language=language)
    for name in done.files:
        say(tr("wrote {file}").format(file=name))
    say(
        tr("imported {added} sessions, skipped {skipped} already in the portal").format(
            added=done.added, skipped=done.skipped
        )
    )


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
    checked(out, outputs.layout(HERE), "--out")
    for path in write_schemas(out):
        say(tr("wrote {file}").format(file=path))


if __name__ == "__main__":
    main()
