"""What the authors' own pages (Markdown under content/) need to be usable without a mouse
or a screen: task lists as read-only text, and tables a keyboard can scroll.

Task lists in guides (`- [ ]`, `- [x]`, pymdownx.tasklist) become plainly read-only text.

pymdownx renders each item's box as a disabled, unlabelled checkbox: screen readers announce
a control that cannot be used, and sighted visitors take it for one of the phase pages'
checklists, which remember their ticks, and click in vain. A guide's list is what to check
in the product, not progress the portal keeps (that is the phase page's checklist), and its
items hold links, which a label around them would swallow. So each box becomes a glyph
(☐, ☑) whose state is read out in words.

A wide table scrolls sideways on a phone inside the scroller Material's script wraps it in,
which a keyboard cannot reach. Each table is put in a region of its own that takes the focus
and does the scrolling (phasebook.css lets Material's scroller inside it overflow), so arrow
keys scroll it; as markup, it is there before any script runs.
"""

from __future__ import annotations

import re

from markupsafe import escape

from generator.i18n import words
from generator.i18n.words import W_

_BOX = re.compile(
    r'<label class="task-list-control"><input type="checkbox" disabled(?P<checked> checked)?/?>'
    r'<span class="task-list-indicator"></span></label>'
    r'|<input type="checkbox" disabled(?P<plain> checked)?/?>'
)
STATES = {False: ("☐", W_("Not done yet")), True: ("☑", W_("Done"))}
_TABLE = re.compile(r"<table\b.*?</table>", re.S)
TABLE = W_("Table")


def accessible(html: str, lang: str) -> str:
    """An author's page with its task lists read-only and its tables scrollable by key."""
    return focusable_tables(read_only_tasks(html, lang), lang)


def focusable_tables(html: str, lang: str) -> str:
    """Each table in a focusable region named "Table" in the page's language."""
    if "<table" not in html:
        return html
    label = escape(words.gettext(lang, TABLE))
    start = f'<div class="pb-table" role="region" tabindex="0" aria-label="{label}">'
    return _TABLE.sub(lambda m: f"{start}{m.group()}</div>", html)


def read_only_tasks(html: str, lang: str) -> str:
    """`html` with every task-list box replaced by its glyph and its state in words."""

    def glyph(match: re.Match[str]) -> str:
        mark, state = STATES[bool(match.group("checked") or match.group("plain"))]
        label = escape(words.gettext(lang, state))
        return f'<span class="pb-taskmark" role="img" aria-label="{label}">{mark}</span>'

    if 'type="checkbox" disabled' not in html:
        return html
    return _BOX.sub(glyph, html)
