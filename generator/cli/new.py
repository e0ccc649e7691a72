"""`phasebook new` and `phasebook import`: the commands that edit the sources, keeping
their comments and layout."""

from __future__ import annotations

from pathlib import Path

import click

from generator.authoring import faq, sessions
from generator.authoring import new as n
from generator.build.choices import PROGRAM_KINDS
from generator.build.project import say
from generator.cli.common import HERE, Command, Group, directory_option, scaffold
from generator.i18n.messages import tr


@click.group(
    cls=Group, commands=[n.plan_command(Command, directory_option)]
)  # a success-plan template
def new() -> None:
    """Add a stage, phase, program, session, question or plan; comments and layout are kept."""


@new.command("stage")
@click.argument("stage_id")
@click.option(
    "--name",
    multiple=True,
    help="Its name, or one per portal language: --name ja=利用 --name en=Use (default: its id).",
)
@directory_option
def new_stage(stage_id: str, name: tuple[str, ...]) -> None:
    """Add a stage, with no phase yet, at the end of phases/lifecycle.yml."""
    scaffold(n.new_stage, stage_id, name)


@new.command("phase")
@click.argument("phase_id")
@click.option(
    "--name",
    multiple=True,
    help="Its name, or one per portal language: --name ja=定着 --name en=Adopt (default: its id).",
)
@click.option("--stage", help="The stage it belongs to, at its end (default: the last).")
@directory_option
def new_phase(phase_id: str, name: tuple[str, ...], stage: str | None) -> None:
    """Create phases/PHASE_ID.yml and list it in phases/lifecycle.yml."""
    scaffold(n.new_phase, phase_id, name, stage)


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
    scaffold(n.new_program, phase_id, program_id, kind, title=title, tier=tier, url=url)


@new.command("faq")
@click.argument("phase_id")
@click.option("--question", help="The question, in the portal's first language.")
@click.option("--answer", help="Its answer in Markdown (default: a placeholder to replace).")
@directory_option
def new_faq(phase_id: str, question: str | None, answer: str | None) -> None:
    """Add a question customers ask, and its answer, to a phase's FAQ."""
    scaffold(faq.new_faq, phase_id, question, answer)


@new.command("session")
@click.argument("program_id")
@click.option("--starts", required=True, help="With its UTC offset: 2027-03-04T14:00:00+09:00")
@click.option("--register", required=True, help="The https: registration page.")
@click.option("--language", help="Default: the portal's first language.")
@directory_option
def new_session(program_id: str, starts: str, register: str, language: str | None) -> None:
    """Add a live session to an ATX."""
    scaffold(sessions.new_session, program_id, starts, register, language)


@click.group("import", cls=Group)
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
