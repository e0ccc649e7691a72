"""Program kinds: what every program has, what a kind can do, and the four built-in kinds.

The rest of the code asks a program what it can do (`program.scheduled`, `program.written`,
`program.catalogue` …), never which kind or class it is: so a new kind is one class here or
anywhere else, registered with `register_kind` (registry.py), plus its template and words.
"""

# pydantic copies a mutable default for each instance; ruff cannot tell that Strict, imported
# from fields.py, is a pydantic model, and would ask for ClassVar.
# ruff: noqa: RUF012

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator

from generator.source.model.fields import (
    HttpsUrl,
    Language,
    Level,
    Line,
    LineStr,
    Minutes,
    RequestUrl,
    Slug,
    Strict,
    Text,
    content_page,
    unique,
)
from generator.source.model.sessions import Session


class ProgramBase(Strict):
    """What every kind of program has, and the capabilities a kind declares.

    Adding a kind takes one class: a subclass of this with `kind: Literal["<kind>"]`, its
    fields and its capabilities, registered with `register_kind` (the built-in kinds are
    registered in registry.py; a site's MkDocs hook or a test fixture may register its own).
    Besides the class, a kind has its words (generator/i18n/kinds.py: its name, short name
    and catalogue heading in English, translated in the portal's catalogs; without an entry
    it is called by its `kind:` value) and, when it has a page of its own,
    `templates/kinds/<kind>.md.j2` (packaged, or in a site's `templates_dir`). Validation,
    the JSON Schema, the catalogue data, feeds, search, the report and the CLI read the
    registry and these capabilities; none of them names a kind. tests/fixtures/workshop
    adds a kind from a site's MkDocs hook.
    """

    # What the customer gets: tech (self-service), low (one-to-many), high (one-to-one).
    touch: ClassVar[str]
    section: ClassVar[str]  # where a phase page lists it: self-service, atx or accelerators
    starter: ClassVar[dict] = {}  # what `phasebook new program` writes besides id, tier, title
    # Capabilities: what the rest of the code asks of a kind, never its name or class.
    scheduled: ClassVar[bool] = False  # has dated live `sessions`, a `recording` and length()
    written: ClassVar[bool] = False  # its page is the Markdown file `page` under content/
    catalogue: ClassVar[str | None] = None  # the source of its catalogue page ("atx.md")
    requested: ClassVar[bool] = False  # the customer asks for it through its `request` link
    in_person: ClassVar[bool] = False  # held at its `venue` (a one-line text), else online
    # The word a calendar event's title starts with ("[ATX] …"), an English msgid for the
    # portal's words; None: the title alone.
    feed_label: ClassVar[str | None] = None
    id: Slug
    tier: Slug
    level: Level | None = None
    summary: Text | None = None
    topics: list[Line] = []
    # What the program is offered in. Default: the languages of its sessions, else the
    # portal's first language.
    languages: Annotated[list[Language], AfterValidator(unique)] = []

    def length(self) -> timedelta:
        """How long one session lasts: `duration_minutes`, unless a kind counts otherwise
        (a workshop over several days). Only asked of `scheduled` kinds."""
        return timedelta(minutes=getattr(self, "duration_minutes", 0))


class Atx(ProgramBase):
    """Ask the Experts: one-to-many, live sessions and/or a recording."""

    touch, section = "low", "atx"
    scheduled = True
    catalogue = "atx.md"
    feed_label = "ATX"
    starter: ClassVar[dict] = {"level": "beginner", "duration_minutes": 60, "sessions": []}
    kind: Literal["atx"]
    title: Line
    level: Level
    duration_minutes: Minutes
    recording: HttpsUrl | None = None
    sessions: list[Session] = []


class Accelerator(ProgramBase):
    """One-to-one session with a customer success engineer, requested by the customer."""

    touch, section = "high", "accelerators"
    catalogue = "accelerators.md"
    requested = True
    starter: ClassVar[dict] = {"duration_minutes": 90, "prerequisites": [], "outcomes": []}
    kind: Literal["accelerator"]
    title: Line
    duration_minutes: Minutes
    prerequisites: list[Slug] = []
    outcomes: list[Line] = []
    request: RequestUrl


class Guide(ProgramBase):
    """Self-service article whose Markdown lives under `content/`."""

    touch, section = "tech", "self-service"
    written = True
    kind: Literal["guide"]
    page: Annotated[LineStr, AfterValidator(content_page)]
    title: Line | None = None  # defaults to the page's first heading


class Video(ProgramBase):
    """A recorded how-to, hosted elsewhere."""

    touch, section = "tech", "self-service"
    starter: ClassVar[dict] = {"duration_minutes": 10}
    kind: Literal["video"]
    title: Line
    url: HttpsUrl
    duration_minutes: Minutes


BUILT_IN = (Atx, Accelerator, Guide, Video)  # in the order phase pages and schemas list them
