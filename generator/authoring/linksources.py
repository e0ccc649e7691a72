"""Every external link in the sources, with the place it is written, for `check-links`.

In the YAML, any value that is a whole address (registration, recording, request, video,
tier contact, and whatever field a kind adds later) is found by walking the file with the
positions the loader keeps, so no list of URL fields has to be kept here. In the guides,
inline links and images, reference definitions, autolinks and the `href`/`src` of raw
HTML are found by pattern, after fenced code, code spans and HTML comments are blanked out.
A pattern and not Python-Markdown: Markdown keeps no source positions, and the
`file:line:col` of each link is the point of the report. Bare addresses in running text are
not links in MkDocs' Markdown, and are not checked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.build import outputs
from generator.source.sourcefiles import SourceProblem, read_text
from generator.source.yamlfile import Path_, YamlFile, read_yaml


@dataclass(frozen=True, order=True)
class Place:
    """Where a link is written: `file` relative to the project, line and column from 1."""

    file: str
    line: int
    column: int
    url: str


# A value that is an address as a whole: what the URL fields of the model hold.
_WHOLE_URL = re.compile(r"(?i)(?:https?|mailto):\S+")
# Markdown fields inside YAML (FAQ answers, item 4 of issue 25), by the key that holds them.
MARKDOWN_KEYS = frozenset({"answer"})

# What holds examples, not links: fenced blocks (``` or ~~~, indented inside lists too, to a
# closing fence of the same kind or the end of the page), code spans and HTML comments.
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})[^\n]*\n.*?(?:^[ \t]*\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Destinations: ](url "title"), with one level of balanced parentheses, or ](<url>);
# [id]: url at the start of a line; <scheme:…> and <name@host> autolinks; href=/src= in HTML.
_LINKS = (
    re.compile(r"\]\([ \t]*(?:<(?P<a>[^>\n]*)>|(?P<b>(?:[^\s()]|\([^\s()]*\))+))"),
    re.compile(r"^[ ]{0,3}\[[^\]\n]+\]:[ \t]*(?:<(?P<a>[^>\n]*)>|(?P<b>\S+))", re.M),
    re.compile(r"<(?P<b>[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>"),
    re.compile(r"<(?P<mail>[^\s<>@:/]+@[^\s<>@]+\.[^\s<>@]+)>"),
    re.compile(r"""(?i)\b(?:href|src)[ \t]*=[ \t]*(?:"(?P<q>[^"]*)"|'(?P<s>[^']*)')"""),
)
# An address with a scheme (http:, mailto:, javascript: …) or scheme-relative (//host):
# links inside the portal (guides/x.md, #anchor) are MkDocs' to check.
_EXTERNAL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|//)")


def find_links(root: Path) -> list[Place]:
    """Every external link in the project at `root`, in file and line order."""
    layout = outputs.layout(root)
    found: list[Place] = []
    for path in sorted(layout.phases_dir.glob("*.yml")):
        found += yaml_links(read_yaml(path, _label(path, root)))
    for path in sorted(layout.docs_dir.rglob("*.md")):
        relative = path.relative_to(layout.docs_dir)
        if any(part.startswith(".") for part in relative.parts):
            continue  # MkDocs skips dot folders, so nobody reads them
        try:
            text = read_text(path, _label(path, root))
        except SourceProblem:
            continue  # the portal's own load has named it already
        found += markdown_links(text, _label(path, root))
    return sorted(found)


def _label(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def yaml_links(source: YamlFile) -> list[Place]:
    """The addresses written as values in one YAML file, and the links in its Markdown."""
    out = []
    for path, value in _strings(source.data, ()):
        line, column = source.position(path)
        if _WHOLE_URL.fullmatch(value.strip()):
            out.append(Place(source.label, line, column, value.strip()))
        elif path and path[-1] in MARKDOWN_KEYS:
            # The answer's own line and column: a scalar's text does not map back to its
            # lines exactly (folding, quoting), so each link points at the value.
            out += [Place(source.label, line, column, p.url) for p in markdown_links(value, "")]
    return out


def _strings(data: object, path: Path_) -> Iterator[tuple[Path_, str]]:
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))


def _blank(match: re.Match[str]) -> str:
    """The text of a match as spaces, its line breaks kept: every position stays put."""
    return re.sub(r"[^\n]", " ", match.group())


def markdown_links(text: str, label: str) -> list[Place]:
    """The external links of a Markdown text, at the line and column of each address."""
    masked = _FENCE.sub(_blank, text)
    masked = _COMMENT.sub(_blank, masked)
    masked = _SPAN.sub(_blank, masked)
    out = []
    for pattern in _LINKS:
        for match in pattern.finditer(masked):
            name = next(n for n, v in match.groupdict().items() if v is not None)
            url, start = match.group(name), match.start(name)
            if name == "mail":
                url = f"mailto:{url}"
            elif name in ("q", "s"):
                url = html.unescape(url)  # what a browser reads from the attribute
            url = url.strip()
            if url.startswith("//"):
                url = f"https:{url}"  # scheme-relative: https on an https portal
            if _EXTERNAL.match(url):
                line = masked.count("\n", 0, start) + 1
                column = start - (masked.rfind("\n", 0, start) + 1) + 1
                out.append(Place(label, line, column, url))
    return out
