"""Every run of another language's text in a finished page, marked with its `lang` (WCAG
3.1.2): an untranslated guide, a phase name with no English, the vendor's Japanese name in
the footer, a Japanese title in the nav of the English twin.

Such text reaches a page from many places (`portal.t`'s fallback in every template, the
untranslated notice's page, Material's nav and footer), so one pass over the finished HTML
marks it wherever it came from, rather than a wrapper in each template that a new template
would forget. Which language a run is in is read off its script: kana and kanji are
Japanese, Hangul is Korean, and only a portal language other than the page's is marked.
Attribute values (`title`, `aria-label`) and the `<title>` of a page mixing two languages
cannot carry a `lang`, and are left as they are.
"""

from __future__ import annotations

import re
from functools import partial

from generator.text.cjk import HANGUL, HIRAGANA, IDEOGRAPHS, ITERATION_MARKS, KATAKANA

# A language's own script: Japanese with its punctuation (、。「」) and full-width forms.
SCRIPTS = {
    "ja": ITERATION_MARKS + HIRAGANA + KATAKANA + IDEOGRAPHS + r"\u3000-\u303f\uff01-\uffef",
    "ko": HANGUL,
}
# Between two characters of the script, a run goes on over spaces, Latin words, digits and
# plain punctuation ("SSO を設定する", "95%以上"), and the zero-width break hints.
_BETWEEN = r"\w\s\u200b-\u200d\u2060.,:;!?'\"/()&+%#*~=\-"
_TAG = re.compile(r"(<!--.*?-->|<[^>\"']*(?:(?:\"[^\"]*\"|'[^']*')[^>\"']*)*>)", re.S)
_NAME = re.compile(r"</?([A-Za-z][\w:-]*)")
RAW = {"script", "style", "textarea", "template"}  # never touched
NO_SPANS = {"title", "option"}  # text only: the element itself takes the `lang`


def _runs(foreign: list[str]) -> re.Pattern[str]:
    parts = [
        f"(?P<{lang}>[{SCRIPTS[lang]}](?:[{SCRIPTS[lang]}{_BETWEEN}]*[{SCRIPTS[lang]}])?)"
        for lang in foreign
    ]
    return re.compile("|".join(parts))


def mark_languages(html: str, lang: str, languages: tuple[str, ...] | list[str]) -> str:
    """`html` of a page in `lang` with each run in another of `languages` marked."""
    foreign = [code for code in languages if code != lang and code in SCRIPTS]
    if not foreign:
        return html
    runs = _runs(foreign)
    if runs.search(html) is None:
        return html
    tokens = _TAG.split(html)
    _mark(tokens, runs)
    return "".join(tokens)


def _mark(tokens: list[str], runs: re.Pattern[str]) -> None:
    """Mark the foreign runs of `tokens` (text, tag, text, tag, …) in place: the element
    whose whole text a run is takes the `lang`; a run within other text is wrapped in a
    span (a tspan in SVG text)."""
    raw: str | None = None  # inside <script> and the like: until its end tag
    svg = 0
    for i, token in enumerate(tokens):
        if i % 2:  # a tag or comment: only <script>, <style>, <svg> and the like matter
            if raw is not None:
                raw = None if token[: len(raw) + 2].lower() == f"</{raw}" else raw
            elif token[1:2] in "sStT/":
                name = _name(token)
                if name in RAW and token[1] != "/":
                    raw = name
                elif name == "svg":
                    svg += -1 if token[1] == "/" else 1
            continue
        if raw is not None or runs.search(token) is None:
            continue
        opening = tokens[i - 1] if i else ""
        name = _name(opening)
        whole = runs.fullmatch(token.strip())
        closes = i + 1 < len(tokens) and tokens[i + 1].lower() == f"</{name}>"
        can_take = opening.startswith("<") and not opening.startswith(("</", "<!"))
        if can_take and closes and (whole or name in NO_SPANS):
            if " lang=" not in opening:
                found = whole or runs.search(token)
                tokens[i - 1] = f'{opening[:-1].rstrip("/")} lang="{found.lastgroup}">'  # type: ignore[union-attr]
        elif name not in NO_SPANS and (not svg or name in ("text", "tspan")):
            tokens[i] = runs.sub(partial(_span, "tspan" if svg else "span"), token)


def _name(tag: str) -> str:
    found = _NAME.match(tag)
    return found.group(1).lower() if found else ""


def _span(element: str, run: re.Match[str]) -> str:
    return f'<{element} lang="{run.lastgroup}">{run.group()}</{element}>'
