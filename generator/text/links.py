"""Python-Markdown's inline links, found as fast on long lines as on short ones.

Since 3.10 Python-Markdown finds the closing bracket of a link by scanning the whole text
of the line (or list item) it is in, character by character, once per text and pattern
(`reference` tries every `[` before `link` does): linear where its former forward scan was
quadratic on brackets that never close. A generated phase page of 125 programs spent a
third of its Markdown time there. This scans forward from the link, in C (a regular
expression), for as many brackets as a link holds, and hands over to Python-Markdown's own
scan past them: the same text, the same end, never quadratic.
"""

from __future__ import annotations

import re
import types

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import LinkInlineProcessor

_BRACKET = re.compile(r"[\[\]]")
_MOST = 16  # brackets looked at before Python-Markdown's whole-text scan takes over


def _get_text(self: LinkInlineProcessor, data: str, index: int) -> tuple[str, int, bool]:
    """The text between the `[` before `index` and its closing `]`, where it ends, and
    whether it closes (LinkInlineProcessor.getText's contract)."""
    depth = 0
    for seen, bracket in enumerate(_BRACKET.finditer(data, index)):
        if seen == _MOST:
            break
        if bracket.group() == "[":
            depth += 1
        elif depth == 0:
            return data[index : bracket.start()], bracket.end(), True
        else:
            depth -= 1
    else:
        return data[index:], len(data), False
    return type(self).getText(self, data, index)


class FastLinks(Extension):
    """Every link and reference pattern (links, images, references) finds its text so."""

    def extendMarkdown(self, md: Markdown) -> None:
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = types.MethodType(_get_text, processor)  # type: ignore[method-assign]
