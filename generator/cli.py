"""`phasebook`: the CS team's commands: validate, report, new, build, search, serve, schema.

Every command reports a problem as one clear message and a non-zero exit, never a
traceback; none writes on, in or above the sources (generator/build/outputs.py), and none leaves
half of what it writes (generator/system/atomic.py).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import click

from generator.authoring import report as r
from generator.authoring import scaffold
from generator.authoring.schema import write_schemas
from generator.build import engine, outputs
from generator.i18n import messages
from generator.i18n.messages import tr
from generator.search import job as indexjob
from generator.search.documents import KINDS as PAGE_KINDS
from generator.search.documents import documents
from generator.search.index import fingerprint, index_stamp, open_index
from generator.search.query import QueryError
from generator.search.related import related
from generator.search.scoring import search
from generator.source import language
from generator.source import model as m
from generator.source.load import load_portal
from generator.system import atomic, processes
from generator.text.errors import ContentError, printable

STATE = ".phasebook"  # the lock, the journals and (by default) the index, per project
# The project: the working directory, which `-C DIR` has made DIR before anything runs.
HERE = Path(".")


def say(text: str, *, err: bool = False) -> None:
    click.echo(printable(text), err=err)


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
    pass


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
    say(summary(load_or_exit(project, phases_dir, content_dir)))


def summary(portal: m.Portal) -> str:
    programs = [p for _, p in portal.programs()]
    kinds = {k: sum(p.kind == k for p in programs) for k in m.KINDS}
    upcoming = sum(len(portal.upcoming(p)) for p in programs if isinstance(p, m.Atx))
    return tr(
        "OK: {phases} phases, {programs} programs ({atx} ATX, {accelerator} accelerators, "
        "{guide} guides, {video} videos), {upcoming} upcoming sessions"
    ).format(phases=len(portal.phases), programs=len(programs), upcoming=upcoming, **kinds)


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
@click.option("--kind", type=click.Choice(PAGE_KINDS), help="Only this kind of page.")
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
    index = open_index(ensure_index(index_dir))
    refuse_other_languages([lang] if lang is not None else [], index.languages)
    if as_json:  # HTML-ready, as the search API gives it
        marks, escape = ("<mark>", "</mark>"), html.escape
    else:  # bold on a terminal, **word** in a file or pipe
        marks = ("\x1b[1m", "\x1b[22m") if sys.stdout.isatty() else ("**", "**")
        escape = printable
    try:
        found = search(
            index,
            query,
            phase=phase,
            tier=tier,
            kind=kind,
            limit=limit,
            marks=marks,
            escape=escape,
            lang=lang,
        )
    except QueryError as exc:
        fail(tr("Cannot search for {query}: {error}").format(query=repr(query), error=exc), 2)
    if as_json:
        hits = [hit.__dict__ for hit in found.hits]
        data = {"query": query, "total": found.total, "results": hits, "facets": found.facets}
        text = json.dumps(data, ensure_ascii=False, indent=1)  # C0 controls come escaped
        click.echo(re.sub("[\x7f-\x9f\u2028\u2029]", lambda c: f"\\u{ord(c.group()):04x}", text))
        return
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
    if not config_file.is_file():
        fail(
            tr("{file}: no such file (run this in the portal's folder, or pass -C or -f)").format(
                file=config_file
            )
        )
    project = outputs.layout(config_file.resolve().parent, config_file.resolve())
    try:
        target = outputs.check_output(site_dir or project.root / "site", project, "-d")
        index = outputs.check_output(project.index_dir, project, "search_index")
    except outputs.OutputError as exc:
        fail(str(exc))
    state = project.root / STATE
    try:
        with atomic.exclusive(state / "build.lock", "phasebook build"):
            _build(config_file, project, target, index, strict_content)
    except atomic.Busy as exc:
        fail(str(exc))
    say(tr("Built {target}").format(target=target))


def _build(config_file: Path, project, target: Path, index: Path, strict: bool) -> None:
    state = project.root / STATE
    atomic.recover(state / "swap.json")  # a killed build's swap, finished
    for folder in {target.parent, index.parent}:
        atomic.sweep(folder)  # and what killed builds left beside the targets
    site_staging, index_staging = atomic.staging_dir(target), atomic.staging_dir(index)
    env = {
        **os.environ,  # NO_MKDOCS_2_WARNING included: the command group sets it
        outputs.SITE_TARGET_ENV: str(target),
        indexjob.STAGING_ENV: str(index_staging),
    }
    if strict:
        env[r.STRICT_CONTENT_ENV] = "1"
    try:
        command = engine.command(
            "build", "--strict", "-f", str(config_file), "-d", str(site_staging)
        )
    except engine.NoEngine as exc:
        fail(str(exc))
    with atomic.removing_on_failure(site_staging, index_staging):
        try:
            code = processes.run(command, env)
        except processes.Interrupted as exc:
            say(
                tr("Build stopped ({signal}): {target} is unchanged.").format(
                    signal=exc, target=target
                ),
                err=True,
            )
            raise SystemExit(128 + exc.signum) from None
        if code != 0:
            say(tr("Build failed: {target} is unchanged.").format(target=target), err=True)
            raise SystemExit(1)
        atomic.swap([(site_staging, target), (index_staging, index)], state / "swap.json")


EXPORT_MARK = ".phasebook-export"  # in every export: what may be replaced by the next one


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
    from generator.build import export as x  # ruamel round trip, only for this command

    config_file = HERE / "mkdocs.yml"
    if not config_file.is_file():
        fail(
            tr("{file}: no such file (run this in the portal's folder, or pass -C)").format(
                file=config_file
            )
        )
    project = outputs.layout(HERE, config_file)
    try:
        config = x.read_config(config_file)
        target = outputs.check_output(out, project, "--out")
    except (x.ConfigProblem, outputs.OutputError) as exc:
        fail(str(exc))
    if target.exists() and not target.is_dir():
        fail(tr("{folder} is a file: choose a new or empty folder").format(folder=out))
    if target.exists() and not _replaceable(target):
        fail(
            tr(
                "{folder} is not empty and not an earlier export: choose a new or empty folder"
            ).format(folder=out)
        )
    portal = load_or_exit(HERE, project.phases_dir, project.docs_dir)
    refuse_other_languages(langs, portal.info.languages)
    source = x.Source(project, config, related(documents(portal, project.docs_dir)))
    chosen = [g for g in portal.info.languages if not langs or g in langs]
    staging = atomic.staging_dir(target)
    with atomic.removing_on_failure(staging):
        for lang in chosen:
            x.write_tree(x.export_tree(portal, source, lang), staging / lang)
            x.copy_theme_dir(source, staging / lang)
        (staging / EXPORT_MARK).write_text(", ".join(chosen) + "\n", encoding="utf-8")
        atomic.discard(atomic.install(staging, target))
    example = out / chosen[0] / "mkdocs.yml"
    say(
        tr("Exported {languages} to {folder}: build one with `mkdocs build -f {example}`").format(
            languages=", ".join(chosen), folder=out, example=example
        )
    )


def _replaceable(folder: Path) -> bool:
    """An export may replace an empty folder or an earlier export, nothing else."""
    return folder.is_dir() and (not any(folder.iterdir()) or (folder / EXPORT_MARK).is_file())


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
    site = HERE / site_dir
    if not (site / "index.html").is_file():
        fail(
            tr("No built site in {site}: run ./dev build (or mkdocs build) first.").format(
                site=site
            )
        )
    index = ensure_index(index_dir)
    from generator.search.server import port_in_use
    from generator.search.server import serve as run  # Starlette and uvicorn only for this command

    if port_in_use(host, port):
        fail(
            tr("port {port} is in use: `phasebook serve --port {next}`").format(
                port=port, next=port % 65535 + 1
            )
        )
    say(
        tr("Serving {site} with /api/search at {url} (Ctrl+C stops)").format(
            site=site.resolve(), url=f"http://{host}:{port}/"
        )
    )
    messages.use("en")  # the API answers tools, whatever the team reads
    run(site, index, host, port)


def refuse_other_languages(given: list[str] | tuple[str, ...], known: tuple | list) -> None:
    """`--lang` names one of the portal's languages, or the command stops (exit 2)."""
    for lang in given:
        if lang not in known:
            fail(
                tr("--lang {lang}: the portal's languages are {known}").format(
                    lang=repr(lang), known=", ".join(known)
                ),
                2,
            )


def ensure_index(index_dir: str | None) -> Path:
    """The index, rebuilt from the sources first if they changed since it was written."""
    project = outputs.layout(HERE)
    try:
        index = outputs.check_output(
            HERE / index_dir if index_dir else project.index_dir, project, "--index"
        )
    except outputs.OutputError as exc:
        fail(str(exc))
    stamp = fingerprint(project.phases_dir, project.docs_dir)
    if index_stamp(index) == stamp:
        return index
    portal = load_or_exit(HERE, project.phases_dir, project.docs_dir)
    indexjob.build_now(documents(portal, project.docs_dir), index, stamp)
    return index


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
    portal = load_or_exit(project)
    found = r.gaps(portal, project / "content")
    render = {"text": r.as_text, "markdown": r.as_markdown, "json": r.as_json}[form]
    say(render(r.phase_rows(portal), found))
    if strict and r.open_gaps(found):
        sys.exit(1)


def load_or_exit(
    directory: Path, phases: str | Path = "phases", content: str | Path = "content"
) -> m.Portal:
    """The project's portal, or its content errors on stderr and exit 1."""
    for done in scaffold.recover(directory):
        say(tr("completed an interrupted `phasebook new`: {file}").format(file=done), err=True)
    try:
        return load_portal(directory / phases, directory / content, root=directory)
    except ContentError as exc:
        fail(exc.report())


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
@click.option(
    "--lang",
    type=click.Choice(scaffold.STARTER_LANGUAGES),
    default="ja",
    show_default=True,
    help="The portal's first language.",
)
def init(target: Path, lang: str) -> None:
    """Start a portal in TARGET (new or empty): it validates and builds at once."""
    try:
        files = scaffold.init_portal(target, lang)
    except scaffold.ScaffoldError as exc:
        fail(tr("Error: {error}").format(error=exc))
    for name in files:
        say(tr("wrote {file}").format(file=target / name))
    say(
        "\n"
        + tr("Next: cd {target} && phasebook build (or mkdocs serve to preview)").format(
            target=target
        )
    )


@cli.group()
def new() -> None:
    """Add a stage, a phase, a program or a session; comments and formatting are kept."""


@new.command("stage")
@click.argument("stage_id")
@click.option("--name", help="The stage's name (default: its id).")
@directory_option
def new_stage(stage_id: str, name: str | None) -> None:
    """Add a stage, with no phase yet, at the end of phases/lifecycle.yml."""
    _scaffold(scaffold.new_stage, stage_id, name)


@new.command("phase")
@click.argument("phase_id")
@click.option("--name", help="The phase's name (default: its id).")
@click.option("--stage", help="The stage it belongs to, at its end (default: the last).")
@directory_option
def new_phase(phase_id: str, name: str | None, stage: str | None) -> None:
    """Create phases/PHASE_ID.yml and list it in phases/lifecycle.yml."""
    _scaffold(scaffold.new_phase, phase_id, name, stage)


@new.command("program")
@click.argument("phase_id")
@click.argument("program_id")
@click.option("--kind", required=True, type=click.Choice(m.KINDS))
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
    _scaffold(scaffold.new_program, phase_id, program_id, kind, title=title, tier=tier, url=url)


@new.command("session")
@click.argument("program_id")
@click.option("--starts", required=True, help="With its UTC offset: 2027-03-04T14:00:00+09:00")
@click.option("--register", required=True, help="The https: registration page.")
@click.option("--language", help="Default: the portal's first language.")
@directory_option
def new_session(program_id: str, starts: str, register: str, language: str | None) -> None:
    """Add a live session to an ATX."""
    _scaffold(scaffold.new_session, program_id, starts, register, language)


def _scaffold(action, *args, **kwargs) -> None:
    try:
        files = action(HERE, *args, **kwargs)
    except scaffold.ScaffoldError as exc:
        fail(tr("Error: {error}").format(error=exc))
    for name in files:
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

    try:
        done = run(HERE, source.resolve(), program=program, language=language)
    except scaffold.ScaffoldError as exc:
        fail(tr("Error: {error}").format(error=exc))
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
    try:
        outputs.check_output(out, outputs.layout(HERE), "--out")
    except outputs.OutputError as exc:
        fail(str(exc))
    for path in write_schemas(out):
        say(tr("wrote {file}").format(file=path))


if __name__ == "__main__":
    main()
