"""Text made safe for the Markdown and HTML of a page, and the text rules pages share.

All text from YAML is plain text: the environment's `finalize` passes every `{{ }}` through
`escape` unless a helper returned Markup on purpose.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup

from generator.text.cjk import WIDE

# Every ASCII character that Markdown or HTML could read as syntax becomes a numeric entity:
# browsers show it unchanged, and no extension can interpret it.
_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "&<>\"'\\`*_{}[]()#+-.!|~^=$"}
_ESCAPES[ord("\n")] = " "
# What YAML cannot hold even in a double-quoted string, written as its escape instead.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Looked for from the line break, then behind it: a pattern that began with the look behind
# tried it at every character (47 ms of /plan/'s 4 MB at 10,000 programs, now 1.5 ms).
_SOFT_BREAK = re.compile(rf"\n(?<=[{WIDE}]\n)[ \t]*(?=[{WIDE}])")
_FENCE = re.compile(r"^[ \t]*(```|~~~)", re.MULTILINE)


def escape(value: object) -> Markup:
    """Plain text made safe for Markdown and HTML alike."""
    if isinstance(value, Markup):
        return value
    return Markup(str(value).translate(_ESCAPES))


def url(value: str) -> Markup:
    """A URL checked at load time, escaped for an HTML attribute."""
    return Markup(value.translate({ord(c): f"&#{ord(c)};" for c in "&<>\"'"}))


def yaml_string(text: str) -> str:
    """`text` as a double-quoted YAML string (front matter), emoji and 𠮷 included: JSON
    with `ensure_ascii` would write them as surrogate pairs, which YAML refuses."""
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_YAML.sub(lambda c: f"\\u{ord(c.group()):04x}", quoted)


def join_cjk_lines(markdown: str) -> str:
    """Drop the line break between two Japanese characters outside code blocks.

    Browsers show a soft line break as a space, which reads as a typo inside a Japanese
    sentence that an author wrapped for their editor ("入社や異動に 合わせた")."""
    # Split where there is a fence: the expression tries every character (30 ms of /plan/'s
    # 4 MB at 10,000 programs), `in` only finds the first.
    parts = _FENCE.split(markdown) if "```" in markdown or "~~~" in markdown else [markdown]
    # split() with one group alternates text, fence marker, text…: text inside a fence is
    # every other text part, starting from the second.
    out, inside = [], False
    for i, part in enumerate(parts):
        if i % 2:  # a fence marker
            out.append(part)
            inside = not inside
            continue
        out.append(part if inside else _SOFT_BREAK.sub("", part))
    return "".join(out)
