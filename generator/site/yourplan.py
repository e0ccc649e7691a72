"""The visitor's own support plan in the browser (assets/yourplan.js): the tiers of one
language's tree, their names, the /plans/ column of each and its contact, and the words the
script says, written before the script in the tree's copy of it.

Pages say which plan includes a paid program without any script (templates/yourplan_note);
the script adds, once the visitor has chosen its plan, whether that plan includes it, on
every element marked `data-pb-tier`: pages, lists, catalogue rows and search results alike.
A search result carries only a tier id, so the tiers must be known on every page: hence
the data inside the one script every page loads, not a request of its own.
"""

from __future__ import annotations

import json
from importlib.resources import files as package_files

from generator.i18n import words
from generator.i18n.words import W_
from generator.source import model as m
from generator.source.urls import PLANS, page_url, relative_url

SCRIPT = "assets/yourplan.js"

# What the script says, in the tree's language (%(tier)s: the program's tier, %(plan)s: the
# visitor's); the script holds no words itself.
WORDS = {
    "yours": W_("Included in your plan (%(plan)s)"),
    "needs": W_("Needs %(tier)s or above (your plan: %(plan)s)"),
    "needs_top": W_("Needs %(tier)s (your plan: %(plan)s)"),
    "contact": W_("Contact us"),
    "mine": W_("Your plan"),
}
# What would end the script or open markup inside it, as JSON escapes (the text is YAML's).
_SCRIPT_SAFE = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))


def tier_data(portal: m.Portal, lang: str, directory_urls: bool) -> dict:
    """The tiers in order (a tier includes every one before it), where /plans/ is from the
    script's own URL, and the words: everything the script needs to mark a tier id."""
    plans = relative_url(page_url(PLANS, directory_urls), page_url(SCRIPT, directory_urls))
    tiers = [
        {
            "id": tier.id,
            "name": portal.t(tier.name, lang),
            "paid": tier.paid,
            "contact": tier.contact,
        }
        for tier in portal.lifecycle.tiers
    ]
    said = {key: words.gettext(lang, text) for key, text in WORDS.items()}
    return {"tiers": tiers, "plans": plans, "words": said}


def script(portal: m.Portal, lang: str, directory_urls: bool) -> bytes:
    """The tree's copy of yourplan.js: its data, then the packaged script."""
    text = json.dumps(tier_data(portal, lang, directory_urls), ensure_ascii=False, sort_keys=True)
    for character, escaped in _SCRIPT_SAFE:
        text = text.replace(character, escaped)
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    code = package_files("generator.site").joinpath(SCRIPT).read_text("utf-8")
    return f"window.phasebookTiers = {text};\n{code}".encode()
