"""A phase's questions on its page: disclosure widgets a reader opens one by one, the
`FAQPage` entity of the page's structured data, and the part of the page the guard checks.

The question is plain text, escaped like every text from YAML. The answer is Markdown, as
a guide is: MkDocs renders it with the page (so a link to a guide is checked and
rewritten), and the rendered HTML of the answers is checked by the same guard as a guide's
(generator/site/guard.py), located in the phase file. Each answer carries the two marks
below around it, so that wherever a template (a site's override too) puts answers, the
guard finds them between the first mark and the last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from generator.site.render.markup import join_cjk_lines
from generator.source import model as m
from generator.source.urls import phase_src
from generator.text import markdown

START, END = "<!-- pb-faq -->", "<!-- /pb-faq -->"
_CODE = re.compile(r"(`+)(.+?)\1", re.S)


@dataclass(frozen=True)
class Entry:
    """One question as a page in `lang` shows it; `*_lang` names the language a text is
    shown in for want of a translation (empty when it is the page's own)."""

    anchor: Markup
    question: str
    answer: Markup
    question_lang: str
    answer_lang: str


def entries(portal: m.Portal, phase: m.PhaseFields, lang: str) -> list[Entry]:
    """The phase's questions in the page's language, each falling back to the portal's
    first language as every text from YAML does, said to the browser by a `lang`."""
    return [
        Entry(
            Markup(item.anchor(portal.language)),
            portal.t(item.question, lang),
            Markup(f"{START}\n\n{portal.t(item.answer, lang).strip()}\n\n{END}"),
            _shown_in(portal, item.question, lang),
            _shown_in(portal, item.answer, lang),
        )
        for item in phase.faq
    ]


def _shown_in(portal: m.Portal, value: dict[str, str], lang: str) -> str:
    if lang in value or m.ANY_LANGUAGE in value:
        return ""
    return portal.language if portal.language in value else next(iter(value))


def entity(portal: m.Portal, phase: m.PhaseFields, lang: str) -> dict | None:
    """schema.org `FAQPage` of a phase page, for the page's JSON-LD (structured.py, which
    head.py escapes for its `<script>`); None when the phase has no questions. The answer
    is given as its words, without Markdown."""
    if not phase.faq:
        return None
    return {
        "@type": "FAQPage",
        "inLanguage": lang,
        "mainEntity": [
            {
                "@type": "Question",
                "name": portal.t(item.question, lang),
                "acceptedAnswer": {"@type": "Answer", "text": _words(portal.t(item.answer, lang))},
            }
            for item in phase.faq
        ],
    }


def _words(answer: str) -> str:
    """An answer's words on one line, as the page reads: wrapped Japanese lines joined, no
    space where a mark of emphasis was (「はい。**設定**」 reads 「はい。設定」), and code as
    written (`<script>` is words here, and the JSON keeps it text)."""
    parts = _CODE.split(join_cjk_lines(answer))
    # split() with two groups: text, backticks, code, text …
    words = [
        part if i % 3 == 2 else markdown.words(part.replace("*", ""))
        for i, part in enumerate(parts)
        if i % 3 != 1
    ]
    return " ".join("".join(words).split())


def answers_html(page_html: str) -> str | None:
    """The rendered part of a phase page that holds its answers (from the first marker to
    the last, so an answer that writes a marker itself cannot move the end), if any."""
    start, end = page_html.find(START), page_html.rfind(END)
    return page_html[start:end] if 0 <= start < end else None


def source_of(portal: m.Portal, src: str) -> str | None:
    """The phase file whose answers the page at `src` shows, if it is a phase page with a
    FAQ: the guard locates what it refuses in that file."""
    for view in portal.phases:
        if view.phase.faq and phase_src(view.phase.id) == src:
            return view.source
    return None
