"""A page written by hand cannot run script in a reader's browser unless the portal says so.

A guide's Markdown may hold HTML (MkDocs passes it through), and guides come from many
hands or are pasted from elsewhere. By default every page of docs_dir is refused when what
it would publish holds `<script>`, an event-handler attribute (`onerror=` …), a
`javascript:`, `data:` or `vbscript:` address, an element that loads or redirects outside
the page's control (`object`, `embed`, `base`, `meta` …), or an `<iframe>` from a host the
portal did not list in `embed_hosts`. `allow_raw_html: true` publishes whatever the
authors wrote.

Why the rendered HTML and not the Markdown: the HTML MkDocs renders is exactly what reaches
the browser, whatever the site's Markdown extensions make of the source (an admonition's
indented body is Markdown with raw HTML, `attr_list` writes attributes, a fenced block may
or may not be code). A check that guessed from the Markdown would refuse a `<script>`
shown as a code example, or let one through that an extension renders. Code examples are
escaped in the rendered HTML, so they are never refused.

Why Python's `html.parser`: it tokenizes as browsers do for what matters here (tags and
attribute names folded to lower case, attribute values with every character reference
decoded, `&#106avascript:` included), comes with Python, and is kept up to date by it.
A sanitizer such as nh3 would strip silently; here the author is told, so the page says
what they wrote. What a browser would read from a comment (`<!-->` ends one at once) is
read again as HTML. Each finding is then located in the Markdown the author wrote, by
line, for the `file:line:col` of the message.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from generator.i18n.messages import tr
from generator.text.errors import ContentError, Problem

# Elements that run script, or load or redirect beyond what the page shows.
REFUSED_TAGS = frozenset({"script", "object", "embed", "applet", "base", "meta", "frame"})
REFUSED_TAGS |= {"frameset", "portal"}
# Attributes holding an address a browser follows or loads.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "data"})
URL_ATTRIBUTES |= {"poster", "background", "cite", "codebase", "longdesc", "ping", "lowsrc"}
URL_ATTRIBUTES |= {"dynsrc", "manifest", "icon", "usemap", "archive", "classid", "srcset"}
REFUSED_SCHEMES = frozenset({"javascript", "data", "vbscript"})
# What a browser strips from an address before reading its scheme (WHATWG URL standard).
_STRIPPED = "".join(map(chr, range(0x21))) + "\x7f"


@dataclass(frozen=True)
class HtmlPolicy:
    """What the portal lets its authors publish (the plugin's allow_raw_html and
    embed_hosts options)."""

    allow_raw_html: bool = False
    embed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """Something in a page that would run script; `needle` is how the source spells it."""

    needle: str
    message: str


def scheme(url: str) -> str:
    """The scheme a browser reads from `url` (its characters decoded already): leading
    spaces and controls dropped, tabs and newlines removed anywhere, case folded."""
    text = url.lstrip(_STRIPPED).replace("\t", "").replace("\n", "").replace("\r", "")
    head, colon, _ = text.partition(":")
    if not colon or not head or not head[0].isascii() or not head[0].isalpha():
        return ""
    if not all(c.isascii() and (c.isalnum() or c in "+-.") for c in head):
        return ""
    return head.lower()


class _Scan(HTMLParser):
    """Every finding in a piece of HTML, in document order."""

    def __init__(self, policy: HtmlPolicy) -> None:
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.found: list[Finding] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in REFUSED_TAGS:
            self.found.append(Finding(f"<{tag}", _tag_message(tag)))
        elif tag == "iframe":
            self._iframe(dict(attrs))
        for name, value in attrs:
            if name.startswith("on") or name == "srcdoc":
                message = tr(
                    "the attribute {attribute}= on <{tag}> runs script in every reader's "
                    "browser: remove it"
                ).format(attribute=name, tag=tag)
                self.found.append(Finding(name, message))
            elif name in URL_ATTRIBUTES and value and (found := _url_finding(value)):
                self.found.append(found)

    handle_startendtag = handle_starttag

    def _iframe(self, attrs: dict[str, str | None]) -> None:
        host = (urlsplit((attrs.get("src") or "").strip()).hostname or "").lower()
        https = scheme(attrs.get("src") or "") == "https"
        if https and host in {h.lower() for h in self.policy.embed_hosts}:
            return
        message = tr(
            "an <iframe> from {host} is not allowed: list the host under embed_hosts of the "
            "phasebook plugin in mkdocs.yml (with https:), or link to the page instead"
        ).format(host=host or repr(attrs.get("src") or ""))
        self.found.append(Finding(host or "<iframe", message))

    def handle_comment(self, data: str) -> None:
        self._again(data)  # a browser may end the comment sooner (`<!-->`)

    def handle_decl(self, decl: str) -> None:
        self._again(decl)

    def unknown_decl(self, data: str) -> None:
        self._again(data)

    def handle_pi(self, data: str) -> None:
        self._again(data)

    def _again(self, text: str) -> None:
        if "<" in text:
            self.found += findings(text, self.policy)


def _tag_message(tag: str) -> str:
    if tag == "script":
        return tr(
            "<script> runs in every reader's browser: remove it (to show code, put it in a "
            "fenced code block)"
        )
    return tr(
        "<{tag}> can load script or send readers elsewhere: remove it (a video: an <iframe> "
        "from a host listed under embed_hosts)"
    ).format(tag=tag)


def _url_finding(value: str) -> Finding | None:
    found = scheme(value)
    if found not in REFUSED_SCHEMES:
        return None
    message = tr(
        "a {scheme}: address runs script or hides what it shows: link to an https: address, "
        "or put the file in the content folder and link to it"
    ).format(scheme=found)
    return Finding(f"{found}:", message)


def findings(page_html: str, policy: HtmlPolicy) -> list[Finding]:
    """What in `page_html` would run script, as `policy` sees it (nothing when raw HTML is
    allowed)."""
    if policy.allow_raw_html:
        return []
    scan = _Scan(policy)
    scan.feed(page_html)
    scan.close()
    return scan.found


def locate(markdown: str, found: list[Finding], label: str) -> list[Problem]:
    """Each finding at the line of the Markdown that spells it: the first line not yet
    used by a finding like it, outside fenced code blocks when it is there (a code example
    before the real thing must not take its place), else the file's first line."""
    lines = list(_searchable(markdown))
    used: dict[str, set[int]] = {}
    problems = []
    for finding in found:
        taken = used.setdefault(finding.needle, set())
        line, column = _spot(lines, finding.needle, taken)
        taken.add(line)
        problems.append(Problem(label, line, column, "", finding.message))
    return problems


def _searchable(markdown: str) -> Iterator[tuple[int, str, str, bool]]:
    """Each line: its number, its text in lower case, its text as a browser would read an
    address in it (references decoded, controls gone), and whether it is in a fence."""
    fence = ""
    for number, text in enumerate(markdown.splitlines(), start=1):
        stripped = text.lstrip()
        marker = stripped[:3]
        in_fence = bool(fence)
        if marker in ("```", "~~~") and (not fence or stripped.startswith(fence)):
            fence = "" if fence else marker
            in_fence = True
        folded = "".join(c for c in html.unescape(text) if c not in _STRIPPED).lower()
        yield number, text.lower(), folded, in_fence


def _spot(lines: list[tuple[int, str, str, bool]], needle: str, taken: set[int]) -> tuple[int, int]:
    for outside in (True, False):
        for number, lower, folded, in_fence in lines:
            if number in taken or (outside and in_fence):
                continue
            if needle in lower:
                return number, lower.index(needle) + 1
            if needle in folded:
                return number, 1
    return 1, 1


@dataclass
class Guard:
    """The pages of one build, checked as MkDocs renders them and reported together,
    before anything is written."""

    policy: HtmlPolicy
    root: Path
    problems: list[Problem] = field(default_factory=list)

    def page(self, page_html: str, source: Path) -> None:
        """Check one page rendered from `source`, a file the authors wrote."""
        found = findings(page_html, self.policy)
        if found:
            markdown = source.read_text(encoding="utf-8-sig")
            label = _label(source, self.root)
            self.problems += locate(markdown, found, label)

    def check(self) -> None:
        """Raise every problem found since the last check, once."""
        problems, self.problems = self.problems, []
        if problems:
            raise ContentError(problems)


def _label(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
