"""What every `phasebook` command shares: help in the team's language, a problem as one
message and a non-zero exit (never a traceback), and `-C DIR`."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import click

from generator.authoring.edit import ScaffoldError
from generator.build.project import CommandError, say
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


def project_options(command):
    """-C and --index, shared by the commands that read the search index."""
    command = click.option(
        "--index",
        "index_dir",
        help="Relative to the project; rebuilt when the sources changed. "
        "[default: search_index of mkdocs.yml, or .phasebook/index]",
    )(command)
    return directory_option(command)


def scaffold(action, *args, **kwargs) -> None:
    """Run an edit of the project's sources and list the files it wrote."""
    for name in action(HERE, *args, **kwargs):
        say(tr("wrote {file}").format(file=name))


class Seconds(click.FloatRange):
    """A number of seconds within a range. click's FloatRange lets `nan` through (every
    comparison with it is false), and a nan timeout would make each request time out at once."""

    name = "number"

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if math.isnan(seconds):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        return seconds
