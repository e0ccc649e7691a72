"""The built-in kinds of programs, each registered where it is written, in the order
schemas, error messages and the navigation list them.

A kind is one class here: its fields, its capabilities and its words (English, inside
`W_()`: the portal's catalogs translate them). The rest of the code asks a program what it
can do (`program.scheduled`, `program.written`, `program.catalogue` …), never which kind or
class it is; ProgramBase (program.py) says what a new kind takes.
"""

# pydantic copies a mutable default for each instance; ruff cannot tell that Strict, imported
# from fields.py, is a pydantic model, and would ask for ClassVar.
# ruff: noqa: RUF012

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import AfterValidator

from generator.i18n.words import W_
from generator.source.model.fields import (
    HttpsUrl,
    Level,
    Line,
    LineStr,
    Minutes,
    RequestUrl,
    Slug,
    content_page,
)
from generator.source.model.program import Catalogue, ProgramBase, Section
from generator.source.model.registry import register_kind
from generator.source.model.sessions import Session

__all__ = ["Accelerator", "Atx", "Guide", "ProgramBase", "Video"]

# The sections of a phase page that more than one kind shares.
SELF_SERVICE = Section(
    "self-service",
    W_("Self-service (guides and videos)"),
    W_("Guides and videos: for everyone, at any time."),
    order=10,
)


@register_kind
class Atx(ProgramBase):
    """Ask the Experts: one-to-many, live sessions and/or a recording."""

    touch = "low"
    section = Section(
        "atx",
        W_("Ask the Experts (ATX)"),
        W_("One-to-many webinars with experts: ask live, or watch the recording."),
        order=20,
    )
    name, short = W_("ATX (one-to-many webinar)"), W_("ATX")
    scheduled = True
    catalogue = Catalogue(
        "atx.md",
        W_("Ask the Experts (ATX) catalogue"),
        nav=W_("ATX"),
        recordings=W_("ATX with recordings"),
    )
    feed_label = W_("ATX")
    starter: ClassVar[dict] = {"level": "beginner", "duration_minutes": 60, "sessions": []}
    kind: Literal["atx"]
    title: Line
    level: Level
    duration_minutes: Minutes
    recording: HttpsUrl | None = None
    sessions: list[Session] = []


@register_kind
class Accelerator(ProgramBase):
    """One-to-one session with a customer success engineer, requested by the customer."""

    touch = "high"
    section = Section(
        "accelerators",
        W_("Accelerators"),
        W_("One-to-one sessions with a customer success engineer, on your setup."),
        order=30,
    )
    name, short = W_("Accelerator (one-to-one)"), W_("Accelerator")
    catalogue = Catalogue("accelerators.md", W_("Accelerator catalogue"), nav=W_("Accelerators"))
    requested = True
    starter: ClassVar[dict] = {"duration_minutes": 90, "prerequisites": [], "outcomes": []}
    kind: Literal["accelerator"]
    title: Line
    duration_minutes: Minutes
    prerequisites: list[Slug] = []
    outcomes: list[Line] = []
    request: RequestUrl


@register_kind
class Guide(ProgramBase):
    """Self-service article whose Markdown lives under `content/`."""

    touch, section = "tech", SELF_SERVICE
    name = short = W_("Guide")
    written = True
    kind: Literal["guide"]
    page: Annotated[LineStr, AfterValidator(content_page)]
    title: Line | None = None  # defaults to the page's first heading


@register_kind
class Video(ProgramBase):
    """A recorded how-to, hosted elsewhere."""

    touch, section = "tech", SELF_SERVICE
    name = short = W_("Video")
    starter: ClassVar[dict] = {"duration_minutes": 10}
    kind: Literal["video"]
    title: Line
    url: HttpsUrl
    duration_minutes: Minutes
