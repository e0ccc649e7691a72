"""The big HTML tables, lists and scripts of generated pages, kept out of Python-Markdown's way.

A catalogue, the plans table and each schedule page are HTML tables of hundreds of rows, a
phase page lists its programs (1,250 of them in a phase at 10,000 programs) as an HTML
list, and /plan/ holds its data in a script (4 MB at 10,000 programs): Python-Markdown
parses them tag by tag (in Python) only to pass them on unchanged, as raw HTML is never
Markdown. Each such table or list (a block of its own, outside any element
with a `markdown` attribute, none nested) is set aside before the conversion as an empty
table, which Python-Markdown passes on as it passes on the table, and put back in the
converted page: the same page, byte for byte, in a fraction of the time (plans 29 -> 8 ms,
a catalogue page 30 -> 13 ms at 1,000 programs; a phase page of 1,250 programs 0.6 s ->
0.05 s; /plan/ at 10,000 programs 0.13 s -> 0.01 s). Nothing in a fenced code block is
set aside: there it is text to show, not HTML.
"""

from __future__ import annotations

import hashlib
import re

# The opening tag of a table, list or script, and an element opened with a `markdown` attribute
# (md_in_html makes Markdown of what it holds, and lays out its raw HTML one element a line).
_OPEN = re.compile(r"<(table|ul|ol|script)\b")
_MARKDOWN = re.compile(r"\smarkdown\b")
_MARKDOWN_TAG = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\smarkdown\b[^>]*>")
# What may come between the blank line before a table and the table: wrappers' openings.
_LEAD = re.compile(r"(?:<(?:div|section|figure)\b[^>\n]*>\n)*")
_TAIL = re.compile(r"[ \t]*(?:\n|\Z)")
# A fence of pymdownx.superfences (or fenced_code), indented or not, and what closes it.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$", re.MULTILINE)

Aside = tuple[str, list[str]]  # the marks' name, and the tables in mark order


def set_aside(markdown: str) -> tuple[str, Aside]:
    """The Markdown with each table replaced by a mark. The marks are named after the whole
    text, so that no text in it (an FAQ answer is Markdown from YAML) can be one.

    A table is taken from its opening tag to its closing one when no other of the same
    element and no `markdown` attribute come in between. Found with `str.find`, not with
    one regular expression: one that looked ahead at every character of a phase page's
    list of 1,250 programs took a tenth of a second."""
    name = hashlib.blake2b(markdown.encode(), digest_size=8).hexdigest()
    tables: list[str] = []
    inside = _in_markdown(markdown)
    fenced = _in_fence(markdown)
    out, done = [], 0
    for opening in _OPEN.finditer(markdown):
        start, tag = opening.start(), opening.group(1)
        close = markdown.find(f"</{tag}>", opening.end())
        if start < done or close < 0:
            continue
        between = markdown[opening.end() : close]
        if f"<{tag}" in between and re.search(rf"<{tag}\b", between):
            continue  # another inside: left to Python-Markdown, as is one in it
        end = close + len(tag) + 3
        markdown_in = "markdown" in between and _MARKDOWN.search(between)  # searched if there
        if markdown_in or inside(start) or fenced(start) or not _block(markdown, start, end):
            continue
        tables.append(markdown[start:end])
        out += [markdown[done:start], _mark(name, len(tables) - 1)]
        done = end
    return "".join([*out, markdown[done:]]), (name, tables)


def _block(text: str, start: int, end: int) -> bool:
    """Whether the table is a block of raw HTML: on lines of its own, after a blank line and
    wrapper elements' opening tags only. Inline, Markdown would read the text in its cells."""
    blank = text.rfind("\n\n", 0, start)
    lead = text[blank + 2 if blank >= 0 else 0 : start]
    return bool(_LEAD.fullmatch(lead)) and bool(_TAIL.match(text, end))


def _in_markdown(text: str):
    """`inside(position)`: whether an element with a `markdown` attribute is open there.
    Tags in code are counted too: a table after one is then left to Python-Markdown, which
    is never wrong, only slower."""
    spans = []  # (opening tag's start, closing tag's start) of each such element
    for opening in _MARKDOWN_TAG.finditer(text):
        same = re.compile(rf"<(/?){re.escape(opening.group(1))}\b[^>]*>", re.IGNORECASE)
        depth, close = 1, len(text)  # never closed: open to the end
        for tag in same.finditer(text, opening.end()):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                close = tag.start()
                break
        spans.append((opening.start(), close))
    return lambda position: any(start < position <= close for start, close in spans)


def _in_fence(text: str):
    """`fenced(position)`: whether a fenced code block is open there (one never closed runs
    to the end). An indented fence counts too: taking one for a fence that is not leaves a
    table to Python-Markdown, never wrong, only slower."""
    spans, opened = [], None  # (start, end) of each block; the fence open, and where
    # Looked for where there is a fence: the expression tries every character (30 ms of
    # /plan/'s 4 MB at 10,000 programs), `in` only finds the first.
    fences = _FENCE.finditer(text) if "```" in text or "~~~" in text else ()
    for fence in fences:
        marker = fence.group(1)
        if opened is None:
            opened = (marker, fence.start())
        elif marker[0] == opened[0][0] and len(marker) >= len(opened[0]) and not fence[2].strip():
            spans.append((opened[1], fence.end()))
            opened = None
    if opened is not None:
        spans.append((opened[1], len(text)))
    return lambda position: any(start < position < end for start, end in spans)


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
