"""A command-line choice read when the command runs: click copies its choices when the CLI
module is imported, which is before a site's hook or a test registers a kind of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import click

from generator.search import documents
from generator.source import model as m


class LiveChoice(click.Choice):
    """`click.Choice` over `read()`, asked each time the choices are needed (parsing,
    help, completion) instead of once at import."""

    def __init__(self, read: Callable[[], Iterable[str]]) -> None:
        self.read = read
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        return tuple(self.read())

    @choices.setter
    def choices(self, _given: Iterable[str]) -> None:
        """click's __init__ sets the choices it was given: `read` stands for them."""


# `phasebook search --kind`: phase, every kind of program, plan.
PAGE_KINDS = LiveChoice(lambda: documents.KINDS)
# `phasebook new program --kind`: every kind of program.
PROGRAM_KINDS = LiveChoice(lambda: m.KINDS)
