"""Task lists in guides (`- [ ]`, `- [x]`, pymdownx.tasklist) as plainly read-only text.

pymdownx renders each item's box as a disabled, unlabelled checkbox: screen readers announce
a control that cannot be used, and sighted visitors take it for one of the phase pages'
checklists, which remember their ticks, and click in vain. A guide's list is what to check
in the product, not progress the portal keeps (that is the phase page's checklist), and its
items hold links, which a label around them would swallow. So each box becomes a glyph
(☐, ☑) whose state is read out in words.
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


def read_only_tasks(html: str, lang: str) -> str:
    """`html` with every task-list box replaced by its glyph and its state in words."""

    def glyph(match: re.Match[str]) -> str:
        mark, state = STATES[bool(match.group("checked") or match.group("plain"))]
        label = escape(words.gettext(lang, state))
        return f'<span class="pb-taskmark" role="img" aria-label="{label}">{mark}</span>'

    if 'type="checkbox" disabled' not in html:
        return html
    return _BOX.sub(glyph, html)
