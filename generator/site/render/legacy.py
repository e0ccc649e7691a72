"""`l`, the portal's words by key, as site templates written before the words moved into
gettext read them (`{{ l.topics }}`, `l.phase_of.format(n, total)`): each key is the English
word templates now write as `_("Topics")`, translated the same way. New templates use `_()`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.i18n import words
from generator.i18n.words import W_
from generator.site.render.helpers import LEVELS, TARGETS, TOUCHES
from generator.source import model as m

KEYS = {
    "home": W_("Home"),
    "stage": W_("Stage"),
    "phase": W_("Phase"),
    "phase_of": W_("Phase %(number)s of %(total)s"),
    "tasks": W_("What to do in this phase"),
    "programs": W_("Programs in this phase"),
    "self_service": W_("Self-service (guides and videos)"),
    "atx": W_("Ask the Experts (ATX)"),
    "accelerators": W_("Accelerators"),
    "exit": W_("Ready for the next phase?"),
    "target": W_("Target"),
    "previous": W_("Previous phase"),
    "next": W_("Next phase"),
    "no_programs": W_("Programs for this phase are in preparation."),
    "paid": W_("Paid"),
    "related": W_("Related"),
    "untranslated_title": W_("This page is not translated yet"),
    "untranslated": W_(
        "There is no %(language)s version yet, so the page is shown in %(original)s."
    ),
    "minutes": W_("%(minutes)s min"),
    "duration": W_("Duration"),
    "level": W_("Level"),
    "tier": W_("Plan"),
    "topics": W_("Topics"),
    "sessions": W_("Sessions"),
    "no_upcoming": W_("No session is scheduled at the moment."),
    "none_watch": W_("No session is scheduled at the moment. Watch a recording"),
    "recordings": W_("ATX with recordings"),
    "in_language": W_(" (%(language)s)"),
    "past": W_("Past sessions (%(count)s)"),
    "when": W_("When"),
    "language": W_("Language"),
    "register": W_("Register"),
    "recording": W_("Recording"),
    "watch_recording": W_("Watch the recording"),
    "prerequisites": W_("Prerequisites"),
    "prerequisites_intro": W_("Please complete these programs before requesting."),
    "outcomes": W_("Outcomes"),
    "request": W_("Request"),
    "request_button": W_("Request this accelerator"),
    "watch": W_("Watch the video"),
    "next_session": W_("Next"),
    "recording_available": W_("Recording available"),
    "schedule": W_("Schedule"),
    "schedule_intro": W_("Upcoming Ask the Experts (ATX) sessions."),
    "subscribe": W_("Subscribe (all sessions)"),
    "subscribe_phase": W_("By phase"),
    "add_to_calendar": W_("Add to calendar"),
    "actions": W_("Register or add to calendar"),
    "program": W_("Program"),
    "loop_title": W_("The customer lifecycle. Choose a phase to open its page."),
    "where": W_("Which phase are you in?"),
    "where_intro": W_(
        "Starting from the first phase, check whether you meet its criteria for moving on. "
        "The first phase whose criteria you do not meet yet is your phase."
    ),
    "where_question": W_("Does all of this hold?"),
    "where_yes": W_("Yes, all of it"),
    "where_no": W_("Not yet → open %(phase)s"),
    "where_done": W_("You meet every criterion. See %(phase)s for your next step."),
    "where_stored": W_("By the progress saved in this browser, you are in {0}."),
    "where_restart": W_("Start again"),
    "next_sessions": W_("Upcoming Ask the Experts"),
    "all_sessions": W_("All upcoming sessions"),
    "kinds": W_("Kinds of programs"),
    "about_self_service": W_("Guides and videos: for everyone, at any time."),
    "about_atx": W_("One-to-many webinars with experts: ask live, or watch the recording."),
    "about_accelerator": W_("One-to-one sessions with a customer success engineer, on your setup."),
    "nav_atx": W_("ATX"),
    "nav_accelerators": W_("Accelerators"),
    "nav_plans": W_("Support plans"),
    "filter_all": W_("All"),
    "filter_tier": W_("Plan (what it includes)"),
    "filter_clear": W_("Clear filters"),
    "filter_count": W_("Showing {1} of {0}"),
    "show_more": W_("Show more"),
    "pages": W_("Pages"),
    "previous_page": W_("Previous page"),
    "next_page": W_("Next page"),
    "page_of": W_("Page %(number)s of %(pages)s (%(total)s in all)"),
    "no_match": W_("No program matches. Remove a filter."),
    "languages": W_("Languages"),
    "plans": W_("Support plans compared"),
    "plans_intro": W_(
        "What each plan includes, phase by phase. Each plan includes everything of the plans "
        "to its left."
    ),
    "as_of": W_("As of %(date)s"),
    "free_support": W_("Free support"),
    "paid_support": W_("Paid support plans"),
    "includes_previous": W_("+ everything in %(tier)s"),
    "nothing_added": W_("Nothing added"),
    "contact": W_("Contact us"),
    "touch": W_("How we help"),
    "price": W_("Price"),
    "includes": W_("Includes"),
    "checklist_note": W_("Ticks are saved in this browser only; no account needed."),
    "progress": W_("{0} of {1} done"),
    "selfcheck_intro": W_("Tick what holds. When everything does, move on to the next phase."),
    "ready_next": W_("You are ready. Move on to the next phase: %(phase)s"),
    "ready_last": W_("You are ready. This is the last phase of the lifecycle."),
}
# Keys whose word takes values: `{0}`, `{1}` … in the order of these names.
POSITIONS = {
    "phase_of": ("number", "total"),
    "untranslated": ("language", "original"),
    "minutes": ("minutes",),
    "in_language": ("language",),
    "past": ("count",),
    "where_no": ("phase",),
    "where_done": ("phase",),
    "page_of": ("number", "pages", "total"),
    "as_of": ("date",),
    "includes_previous": ("tier",),
    "ready_next": ("phase",),
}


class Labels(Mapping[str, str]):
    """The words of `lang` by their old keys, read as `l.key`, `l["key"]` or `l.get(key)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __getitem__(self, key: str) -> str:
        found = self._word(key)
        if found is None:
            raise KeyError(key)
        return found

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None

    def __iter__(self) -> Iterator[str]:
        return iter(KEYS)

    def __len__(self) -> int:
        return len(KEYS)

    def _word(self, key: str) -> str | None:
        if key in KEYS:
            positions = {name: f"{{{i}}}" for i, name in enumerate(POSITIONS.get(key, ()))}
            text = words.gettext(self.lang, KEYS[key])
            return text % positions if positions else text
        if key == "self_name":
            return words.language_name(self.lang, self.lang)
        prefix, _, rest = key.partition("_")
        if prefix == "lang":
            return words.language_name(rest, self.lang)
        if prefix in ("kind", "short", "catalogue"):
            found = _kind_word(rest, prefix)
        else:
            found = _BY_ID.get(prefix, {}).get(rest)
        return None if found is None else words.gettext(self.lang, found) % {"amount": "{0}"}


_BY_ID = {"level": LEVELS, "touch": TOUCHES, "target": TARGETS}


def _kind_word(kind: str, which: str) -> str | None:
    """`l.kind_atx`, `l.short_atx`, `l.catalogue_atx`: the word of a kind, read from its
    class; its `kind:` value when it has none or is not registered (a registered kind
    without a catalogue has no catalogue heading)."""
    cls = m.KIND_MODELS.get(kind)
    if cls is None:
        return kind
    if which == "catalogue":
        return cls.catalogue.heading if cls.catalogue else None
    return (cls.name if which == "kind" else cls.short) or kind
