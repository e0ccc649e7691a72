"""`phasebook check-links`: the command; the checking is generator/authoring/links.py."""

from __future__ import annotations

import sys

import click

from generator.authoring.links import check_links
from generator.authoring.linkwords import as_text
from generator.authoring.probe import Limits
from generator.build.project import open_portal, say
from generator.cli.common import HERE, Command, Seconds, directory_option

_DEFAULT = Limits()


@click.command("check-links", cls=Command)
@directory_option
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 on anything to look at too (a 5xx, a timeout, a permanent redirect), not "
    "only on dead links.",
)
@click.option(
    "--timeout",
    default=_DEFAULT.timeout,
    show_default=True,
    type=Seconds(0.1, 300),
    help="Seconds to wait for one answer.",
)
@click.option(
    "--max-time",
    default=_DEFAULT.total,
    show_default=True,
    type=Seconds(0.1, 24 * 3600),
    help="Seconds for the whole run; what is not checked by then is reported so.",
)
@click.option(
    "--jobs",
    default=_DEFAULT.jobs,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Requests at once (at most 2 to one host).",
)
@click.option(
    "--fresh",
    is_flag=True,
    help="Ask every address again, even one answered within the last day.",
)
def check_links_command(
    strict: bool, timeout: float, max_time: float, jobs: int, fresh: bool
) -> None:
    """Check every external link in phases/ and content/: dead or moved links with file,
    line and column, and what to do. Exit 1 on a dead link (--strict: on anything to look
    at)."""
    open_portal(HERE)  # the sources load, or their problems are the answer
    checked = check_links(HERE, Limits(timeout, max_time, jobs), fresh=fresh)
    say(as_text(checked))
    if checked.failed(strict):
        sys.exit(1)
