"""The words each kind of program is called by, in English: `words.gettext` translates them.

Pages, the search index and the calendar feeds name a kind through `kind_words(kind)`, so a
kind's words are written once. A kind registered by a site (`register_kind`) adds its own
entry; one without an entry is called by its `kind:` value.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.i18n.words import W_


@dataclass(frozen=True)
class KindWords:
    name: str  # after a program's badge: "ATX (one-to-many webinar)"
    short: str  # in lists, the plans matrix and calendar events: "ATX"
    catalogue: str | None = None  # the heading of its catalogue page, when it has one
    nav: str | None = None  # its catalogue in the site's navigation


KINDS: dict[str, KindWords] = {
    "atx": KindWords(
        W_("ATX (one-to-many webinar)"),
        W_("ATX"),
        W_("Ask the Experts (ATX) catalogue"),
        W_("ATX"),
    ),
    "accelerator": KindWords(
        W_("Accelerator (one-to-one)"),
        W_("Accelerator"),
        W_("Accelerator catalogue"),
        W_("Accelerators"),
    ),
    "guide": KindWords(W_("Guide"), W_("Guide")),
    "video": KindWords(W_("Video"), W_("Video")),
}


def kind_words(kind: str) -> KindWords:
    """The words of `kind` (its `kind:` value when it has none)."""
    return KINDS.get(kind) or KindWords(kind, kind, kind, kind)
