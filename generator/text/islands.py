"""The big HTML tables and lists of generated pages, kept out of Python-Markdown's way.

A catalogue, the plans table and each schedule page are HTML tables of hundreds of rows, and
a phase page lists its programs (1,250 of them in a phase at 10,000 programs) as an HTML
list: Python-Markdown parses them tag by tag (in Python) only to pass them on unchanged, as
raw HTML is never Markdown. Each such table or list (a block of its own, outside any element
with a `markdown` attribute, none nested) is set aside before the conversion as an empty
table, which Python-Markdown passes on as it passes on the table, and put back in the
converted page: the same page, byte for byte, in a fraction of the time (plans 29 -> 8 ms,
a catalogue page 30 -> 13 ms at 1,000 programs; a phase page of 1,250 programs 0.6 s ->
0.05 s).
"""

from __future__ import annotations

import hashlib
import re

# A table or list from its opening tag to its closing one, with no other of the same element
# and no `markdown` attribute (md_in_html would make Markdown of what it holds) in between.
_TABLE = re.compile(r"<(table|ul|ol)\b(?:(?!<\1\b|\smarkdown\b).)*?</\1>", re.S)
# Any tag, to know whether a table is inside an element with a `markdown` attribute, whose
# raw HTML md_in_html lays out again (one element per line).
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)\b([^>]*)>")
_MARKDOWN = re.compile(r"\smarkdown\b")
# What may come between the blank line before a table and the table: wrappers' openings.
_LEAD = re.compile(r"(?:<(?:div|section|figure)\b[^>\n]*>\n)*")
_TAIL = re.compile(r"[ \t]*(?:\n|\Z)")

Aside = tuple[str, list[str]]  # the marks' name, and the tables in mark order


def set_aside(markdown: str) -> tuple[str, Aside]:
    """The Markdown with each table replaced by a mark. The marks are named after the whole
    text, so that no text in it (an FAQ answer is Markdown from YAML) can be one."""
    name = hashlib.blake2b(markdown.encode(), digest_size=8).hexdigest()
    tables: list[str] = []

    inside = _in_markdown(markdown)

    def mark(found: re.Match[str]) -> str:
        if inside(found.start()) or not _block(markdown, found):
            return found.group()
        tables.append(found.group())
        return _mark(name, len(tables) - 1)

    return _TABLE.sub(mark, markdown), (name, tables)


def _block(text: str, found: re.Match[str]) -> bool:
    """Whether the table is a block of raw HTML: on lines of its own, after a blank line and
    wrapper elements' opening tags only. Inline, Markdown would read the text in its cells."""
    start, end = found.start(), found.end()
    lead = text[text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0 : start]
    return bool(_LEAD.fullmatch(lead)) and bool(_TAIL.match(text, end))


def _in_markdown(text: str):
    """`inside(position)`: whether an element with a `markdown` attribute is open there
    (asked in increasing positions). Tags in code are counted too: a table after one is
    then left to Python-Markdown, which is never wrong, only slower."""
    tags = _TAG.finditer(text)
    open_: list[list] = []  # [name, depth] of each element opened with `markdown`
    state = {"next": next(tags, None)}

    def inside(position: int) -> bool:
        tag = state["next"]
        while tag is not None and tag.start() < position:
            closing, name = tag.group(1), tag.group(2).lower()
            if not closing and _MARKDOWN.search(tag.group(3)):
                open_.append([name, 1])
            elif open_ and open_[-1][0] == name:
                open_[-1][1] += -1 if closing else 1
                if open_[-1][1] == 0:
                    open_.pop()
            tag = state["next"] = next(tags, None)
        return bool(open_)

    return inside


def put_back(html: str, aside: Aside | None) -> str:
    """The converted page with its tables where their marks are."""
    if aside is None:
        return html
    name, tables = aside
    for n, table in enumerate(tables):
        html = html.replace(_mark(name, n), table, 1)
    return html


def _mark(name: str, n: int) -> str:
    return f'<table data-pb-island="{name}-{n}"></table>'
