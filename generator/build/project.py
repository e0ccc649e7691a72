"""The project as every command opens it: its state folder, sources left whole by an
interrupted edit, the portal loaded or its problems reported, the search index kept fresh.

A command's problem is a `CommandError`: the message to show and the exit status, turned
into output once, by the CLI (generator/cli.py)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from generator.build import outputs
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.load import load_portal
from generator.system import atomic
from generator.text.errors import ContentError, printable

STATE = ".phasebook"  # the lock, the journals and (by default) the index, per project
JOURNAL = f"{STATE}/edit.json"  # the files one `phasebook new` or `import` replaces


class CommandError(Exception):
    """What stops a command: its message (shown on stderr) and exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def say(text: str, *, err: bool = False) -> None:
    """A line for the person at the terminal, its control characters made visible."""
    click.echo(printable(text), err=err)


def recover_edits(root: Path) -> list[str]:
    """Finish a `phasebook new` that was killed while it replaced the files, and remove
    the temporary files of one killed before: the sources are then old or new, never half."""
    done = atomic.recover(root / JOURNAL)
    for folder in {root / "phases", root / STATE, *(p.parent for p in done)}:
        atomic.sweep(folder)
    return [p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p) for p in done]


def open_portal(
    directory: Path, phases: str | Path = "phases", content: str | Path = "content"
) -> m.Portal:
    """The project's portal, whole again if an edit was interrupted; its content errors,
    all of them, as a CommandError."""
    for done in recover_edits(directory):
        say(tr("completed an interrupted `phasebook new`: {file}").format(file=done), err=True)
    try:
        return load_portal(directory / phases, directory / content, root=directory)
    except ContentError as exc:
        raise CommandError(exc.report()) from None


def checked(output: Path, project: outputs.Layout, what: str) -> Path:
    """`output`, resolved, if writing there leaves every source alone."""
    try:
        return outputs.check_output(output, project, what)
    except outputs.OutputError as exc:
        raise CommandError(str(exc)) from None


def refuse_other_languages(given: list[str] | tuple[str, ...], known: tuple | list) -> None:
    """`--lang` names one of the portal's languages, or the command stops (exit 2)."""
    for lang in given:
        if lang not in known:
            raise CommandError(
                tr("--lang {lang}: the portal's languages are {known}").format(
                    lang=repr(lang), known=", ".join(known)
                ),
                2,
            )


def ensure_index(root: Path, index_dir: str | None) -> Path:
    """The index, rebuilt from the sources first if they changed since it was written."""
    # Here: Whoosh and the search's analysis are a fifth of a second every command would pay.
    from generator.search import job as indexjob
    from generator.search.documents import documents
    from generator.search.index import fingerprint, index_stamp

    project = outputs.layout(root)
    index = checked(root / index_dir if index_dir else project.index_dir, project, "--index")
    stamp = fingerprint(project.phases_dir, project.docs_dir)
    if index_stamp(index) == stamp:
        return index
    portal = open_portal(root, project.phases_dir, project.docs_dir)
    indexjob.build_now(documents(portal, project.docs_dir), index, stamp)
    return index


def summary(portal: m.Portal) -> str:
    """What `phasebook validate` says of a portal that loads."""
    programs = [p for _, p in portal.programs()]
    kinds = {k: 0 for k in m.KINDS} | Counter(p.kind for p in programs)
    upcoming = sum(len(portal.upcoming(p)) for p in programs)  # none for unscheduled kinds
    return tr(
        "OK: {phases} phases, {programs} programs ({atx} ATX, {accelerator} accelerators, "
        "{guide} guides, {video} videos), {upcoming} upcoming sessions"
    ).format(phases=len(portal.phases), programs=len(programs), upcoming=upcoming, **kinds)
