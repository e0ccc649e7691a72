"""Markdown read as plain words: for search documents and structured data, where the
syntax is noise and no HTML may form."""

from __future__ import annotations

import re

# Fenced code, tags, links and images (their text kept), and the marks of emphasis,
# headings, quotes and tables.
_MARKUP = re.compile(r"```.*?```|<[^>]+>|!?\[([^\]]*)\]\([^)]*\)|[#*_`>|]+", re.S)


def words(markdown: str) -> str:
    """The words of `markdown` without its syntax; a link or image keeps its text."""
    return _MARKUP.sub(lambda mt: mt.group(1) or " ", markdown)
