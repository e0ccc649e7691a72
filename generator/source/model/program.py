"""What every program has, and what a kind of program declares: its capabilities, its words,
the section of a phase page it is listed in and, when it has one, its catalogue.

The kinds themselves are in kinds.py, each registered where it is written (registry.py).
"""

# pydantic copies a mutable default for each instance; ruff cannot tell that Strict, imported
# from fields.py, is a pydantic model, and would ask for ClassVar.
# ruff: noqa: RUF012

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, ClassVar

from pydantic import AfterValidator

from generator.source.model.fields import (
    Language,
    Level,
    Line,
    Slug,
    Stamp,
    Strict,
    Text,
    unique,
)


@dataclass(frozen=True)
class Section:
    """A part of a phase page that lists programs, shared by the kinds it lists. Its words
    are English message ids marked `W_`: the portal's catalogs translate them."""

    id: str  # the heading's anchor: phases/<id>/#atx
    heading: str  # its heading on a phase page, and its entry in the start page's list
    about: str  # what the start page says of it
    order: int  # phase pages and the start page list sections by this, smallest first


@dataclass(frozen=True)
class Catalogue:
    """A kind's catalogue: every program of the kind, in a page of its own."""

    src: str  # the source path of its first page: "atx.md" is /atx/
    heading: str  # the page's heading (an English message id, as all words here)
    nav: str  # its entry in the site's navigation
    # Where "no session is scheduled, watch a recording" leads, when the kind's programs
    # have recordings: the words of the link to this catalogue.
    recordings: str | None = None


class ProgramBase(Strict):
    """What every kind of program has, and the capabilities a kind declares.

    Adding a kind takes three files. Its model: a subclass of this in
    generator/source/model/kinds.py (or, for a site's own kind, in a MkDocs hook), decorated
    with `@register_kind`, with `kind: Literal["<kind>"]`, its fields, its capabilities and
    its words (`name`, `short`, its `section` and `catalogue`), written in English inside
    `W_()`. Its template: `generator/site/templates/kinds/<kind>.md.j2` (or in a site's
    `templates_dir`), what its page adds to the facts every program page shows. Its words
    in the other languages: `./dev messages` adds the new English ids to each
    generator/i18n/locale/<lang>/LC_MESSAGES/portal.po (ja, ko), where they are translated
    and compiled (a site's kind may leave them English). Everything else (validation, the
    JSON Schema, phase pages, catalogues, the navigation, the start page, feeds, search, the
    report and the CLI) reads the registry and these capabilities, and names no kind.
    """

    # What the customer gets: tech (self-service), low (one-to-many), high (one-to-one).
    touch: ClassVar[str]
    section: ClassVar[Section]  # where a phase page lists it
    starter: ClassVar[dict] = {}  # what `phasebook new program` writes besides id, tier, title
    # Its words: after a program's badge ("ATX (one-to-many webinar)"), and in lists, the
    # plans matrix and search ("ATX"). None: its `kind:` value.
    name: ClassVar[str | None] = None
    short: ClassVar[str | None] = None
    # Capabilities: what the rest of the code asks of a kind, never its name or class.
    scheduled: ClassVar[bool] = False  # has dated live `sessions`, a `recording` and length()
    written: ClassVar[bool] = False  # its page is the Markdown file `page` under content/
    catalogue: ClassVar[Catalogue | None] = None  # a page listing every program of the kind
    requested: ClassVar[bool] = False  # the customer asks for it through its `request` link
    in_person: ClassVar[bool] = False  # held at its `venue` (a one-line text), else online
    # The word a calendar event's title starts with ("[ATX] …"); None: the title alone.
    feed_label: ClassVar[str | None] = None
    id: Slug
    tier: Slug
    level: Level | None = None
    summary: Text | None = None
    topics: list[Line] = []
    # What the program is offered in. Default: the languages of its sessions, else the
    # portal's first language.
    languages: Annotated[list[Language], AfterValidator(unique)] = []
    # What's new (generator/source/dates.py): when it was first published and last changed
    # in a way customers should hear of. Unwritten, a git repository's history says.
    published: Stamp | None = None
    updated: Stamp | None = None
    # When its content should next be checked: `phasebook report` lists it once past.
    review_by: Stamp | None = None

    def length(self) -> timedelta:
        """How long one session lasts: `duration_minutes`, unless a kind counts otherwise
        (a workshop over several days). Only asked of `scheduled` kinds."""
        return timedelta(minutes=getattr(self, "duration_minutes", 0))
