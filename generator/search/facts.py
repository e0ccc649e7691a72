"""What the browser search knows of the portal besides its pages' text: each program's kind,
phase and tier (shown under a result), and, for a query no page answers, the way on (the
phases, the paid tiers' contacts) and the portal's own words to offer instead ("did you
mean"). generator/search/static.py writes them into the Pagefind bundle."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from generator.i18n.words import W_, gettext
from generator.source import model as m
from generator.source.memo import Kept, Same
from generator.source.urls import page_url, phase_src, program_src
from generator.text.cjk import fold_words

# A word the browser can offer: a run of one script (katakana, kanji, hangul, Latin), as the
# browser splits a query (generator/site/assets/search.js SCRIPTS). Kanji runs of one
# character and Latin words under three letters are too short to be worth a suggestion.
VOCABULARY_WORD = re.compile(
    r"[\u30a1-\u30fa\u30fc]{2,}|[\u3400-\u9fff\u3005]{2,}|[\uac00-\ud7a3]{2,}|[a-z][a-z0-9]{2,}"
)
MOST_WORDS = 2000  # the vocabulary shipped, most frequent first: ~8 KB at 10,000 programs
LONGEST = 30  # characters: a longer "word" is a URL or an identifier, not one to offer

# The words of the guidance shown when no page answers a query.
NONE = W_("No page answers “%(query)s”.")
SUGGEST = W_("Did you mean")
PHASES = W_("Find your phase")
CONTACT = W_("Ask us about the %(tier)s plan")


@dataclass(frozen=True)
class SearchFacts:
    """One language tree's facts: `pages` maps a page's URL (relative to the tree) to what a
    result shows of it; `help` is the guidance file's content, less the vocabulary."""

    pages: dict[str, dict[str, str]] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    help: dict[str, object] = field(default_factory=dict)


def of(portal: m.Portal, lang: str, directory_urls: bool = True) -> SearchFacts:
    """The facts of `portal` in `lang`."""
    pages: dict[str, dict[str, str]] = {}
    topics: list[str] = []
    said = (tuple(portal.lifecycle.tiers), portal.language, lang, directory_urls)
    for view in portal.phases:
        made = lambda v=view: _programs(portal, v, lang, directory_urls)  # noqa: E731
        shown, named = _PHASES.get((view.phase.id, lang), (Same(view), *said), made)
        pages |= shown
        topics += named
    phases = [
        {
            "name": portal.t(v.phase.name, lang),
            "url": page_url(phase_src(v.phase.id), directory_urls),
        }
        for v in portal.phases
    ]
    contacts = [
        {"text": gettext(lang, CONTACT) % {"tier": portal.t(t.name, lang)}, "url": str(t.contact)}
        for t in portal.lifecycle.tiers
        if t.contact
    ]
    words = {"none": gettext(lang, NONE), "suggest": gettext(lang, SUGGEST)}
    words["phases"] = gettext(lang, PHASES)
    return SearchFacts(
        pages, tuple(topics), {"words": words, "phases": phases, "contacts": contacts}
    )


# Each phase's programs' facts in a language, kept while its view (the same object while its
# file is unchanged: load._VIEWS) and the tiers stay the same: a preview save asked 10,000
# programs' again, in each language.
_PHASES = Kept()


def _programs(
    portal: m.Portal, view: m.PhaseView, lang: str, directory_urls: bool
) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The facts of a phase's programs (by URL) and their topics."""
    pages, topics = {}, []
    for program in view.phase.programs:
        tier = portal.tier(program.tier)
        shown = {"kind": gettext(lang, program.short or program.kind)}
        shown["phase"] = portal.t(view.phase.name, lang)
        if not program.written:  # a guide is self-service, for everyone: no plan to show
            shown |= {"tier": tier.id, "tier_name": portal.t(tier.name, lang)}
        pages[page_url(program_src(program), directory_urls)] = shown
        topics += [portal.t(topic, lang) for topic in getattr(program, "topics", ())]
    return pages, topics


def vocabulary(texts: list[str], limit: int = MOST_WORDS) -> list[str]:
    """The words of `texts` (titles and topics) as written, widths and case folded (the
    browser compares them without final long-vowel marks), most frequent first (ties in
    order of code points, so that a build is reproducible)."""
    folded = (unicodedata.normalize("NFKC", fold_words(text)).lower() for text in texts)
    found = (word for text in folded for word in VOCABULARY_WORD.findall(text))
    counts = Counter(word for word in found if len(word) <= LONGEST)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [word for word, _ in ranked[:limit]]
