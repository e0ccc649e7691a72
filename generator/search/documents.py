"""The search documents: one per phase, program, guide and question of a phase's FAQ, and
the plans page with its tiers.

Built from the model alone, in every portal language at once (a reader may type a word of
either), with each title, phase name and URL kept per language for results in the reader's.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from pathlib import Path

from generator.i18n.words import W_, gettext
from generator.source import model as m
from generator.source.memo import Kept, Same
from generator.source.sourcefiles import page_text
from generator.source.urls import (
    PLANS,
    language_prefix,
    page_url,
    phase_src,
    program_src,
    translation_src,
)
from generator.text import markdown


class _Kinds(Sequence[str]):
    """The kinds of search document: "phase", every kind of program, "faq" (a question of a
    phase), "plan" (the plans page and each tier on it); read from the registry of kinds
    whenever asked, so that a kind registered after this module was imported is one too
    (`--kind`, the facets)."""

    def _now(self) -> tuple[str, ...]:
        return ("phase", *m.KINDS, "faq", "plan")

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._now()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


KINDS: Sequence[str] = _Kinds()


def _every(portal: m.Portal, value: dict[str, str] | None) -> str:
    """A text in every portal language, each different wording once."""
    return " ".join(dict.fromkeys(portal.t(value, lang) for lang in portal.info.languages))


def _words(portal: m.Portal, message: str) -> str:
    """One of the portal's fixed words (English, marked `W_`) in every portal language."""
    langs = portal.info.languages
    return " ".join(dict.fromkeys(gettext(g, message) for g in langs))


def documents(portal: m.Portal, content_dir: Path, directory_urls: bool = True) -> list[dict]:
    """One document per phase, program and guide, every portal language in its text; its
    title, phase name and URL kept per language, for results in the reader's language."""
    langs = portal.info.languages
    every = functools.partial(_every, portal)
    urls = lambda src: {g: language_prefix(g, langs) + page_url(src, directory_urls) for g in langs}  # noqa: E731
    docs = []
    phase_word = _words(portal, W_("Phase"))
    for view in portal.phases:
        phase = view.phase
        body = [every(phase.summary), *map(every, phase.tasks)]
        body += [every(c.text) for c in phase.exit_criteria]
        # "導入フェーズ" and "implement phase" are how people name a phase.
        title = f"{every(phase.name)} {phase_word}"
        docs.append(
            _doc(portal, view, f"phase:{phase.id}", "phase", title, body)
            | {"url": urls(phase_src(phase.id)), "language": " ".join(langs)}
        )
    for view in portal.phases:
        docs += _phase_documents(portal, view, content_dir, directory_urls, urls)
    return docs + _faq_documents(portal, urls) + _plan_documents(portal, urls)


def _phase_documents(
    portal: m.Portal, view: m.PhaseView, content_dir: Path, directory_urls: bool, urls
) -> list[dict]:
    """A phase's programs' documents, kept while the phase (the very object: load.py keeps
    it while its file is the same), its stage and its guides' texts are: a save then looks
    at each program of the phase it changed, not at all 10,000."""
    langs = portal.info.languages
    texts = {p.id: _guide_texts(portal, p, content_dir) for p in view.phase.programs if p.written}
    # What the documents show of their phase and stage, not them: an edited phase file
    # makes new ones, compared in full against each of its programs' last.
    phase = (view.phase.id, view.phase.name, view.stage.id)
    settings = (tuple(langs), directory_urls)

    def document(program: m.ProgramBase) -> dict:
        found = texts.get(program.id, ())
        make = lambda: _program_document(portal, view, program, [t for _, t in found], urls)  # noqa: E731
        return _DOCUMENTS.get(program.id, (program, phase, settings, found), make)

    made_from = (Same(view.phase), phase, settings, texts)
    made = lambda: [document(p) for p in view.phase.programs]  # noqa: E731
    return _PHASES.get(view.phase.id, made_from, made)


def _guide_texts(
    portal: m.Portal, program: m.ProgramBase, content_dir: Path
) -> tuple[tuple[str, str], ...]:
    """A guide's words, and its translations', by page: what its document says of them."""
    langs = portal.info.languages
    page = program.page  # type: ignore[attr-defined]
    pages = [page, *(translation_src(page, g) for g in langs[1:])]
    found = ((p, page_text(portal.pages, content_dir, p)) for p in pages)
    return tuple((p, _page_words(text)) for p, text in found if text is not None)


_DOCUMENTS = Kept()  # each program's: the preview makes every document again on each save
_PHASES = Kept()  # each phase's programs' documents


def _program_document(
    portal: m.Portal, view: m.PhaseView, program: m.ProgramBase, texts: list[str], urls
) -> dict:
    langs = portal.info.languages
    every = functools.partial(_every, portal)
    title = " ".join(dict.fromkeys(portal.title(program, lang) for lang in langs))
    body = [
        _words(portal, program.name or program.kind),
        every(program.summary),
        *map(every, program.topics),
    ]
    body += map(every, getattr(program, "outcomes", []))
    body += texts
    return _doc(portal, view, program.id, program.kind, title, body) | {
        "name": {lang: portal.title(program, lang) for lang in langs},
        "url": urls(program_src(program)),
        "tier": program.tier,
        "level": program.level or "",
        "language": " ".join(portal.languages(program)),
    }


def _faq_documents(portal: m.Portal, urls) -> list[dict]:
    """One document per question of a phase's FAQ, leading to its anchor on the phase page:
    a reader who types 「SSO 誰が」 wants that question and its answer, not the whole phase."""
    langs = portal.info.languages
    every = functools.partial(_every, portal)
    docs = []
    for view in portal.phases:
        page = urls(phase_src(view.phase.id))
        for item in view.phase.faq:
            anchor = item.anchor(portal.language)
            body = [markdown.words(every(item.answer))]
            docs.append(
                _doc(
                    portal, view, f"faq:{view.phase.id}:{anchor}", "faq", every(item.question), body
                )
                | {
                    "name": {lang: portal.t(item.question, lang) for lang in langs},
                    "url": {g: f"{u}#{anchor}" for g, u in page.items()},
                    "language": " ".join(langs),
                }
            )
    return docs


def _plan_documents(portal: m.Portal, urls) -> list[dict]:
    """The plans page, and each tier on it (plans/#tier-<id>): where 料金, 無料, 有償 and
    プラン lead, with what each tier costs and includes."""
    langs = portal.info.languages
    words, every = functools.partial(_words, portal), functools.partial(_every, portal)
    page = urls(PLANS)
    docs = []
    for tier in portal.lifecycle.tiers:
        support = words(W_("Paid support plans") if tier.paid else W_("Free support"))
        body = [
            support,
            words(W_("Paid")) if tier.paid else "",
            every(tier.summary),
            every(tier.price),
            *map(every, tier.includes),
            words(W_("Price")),
        ]
        docs.append(
            _doc(portal, None, f"tier:{tier.id}", "plan", every(tier.name), body)
            | {
                "name": {lang: portal.t(tier.name, lang) for lang in langs},
                "url": {g: f"{u}#tier-{tier.id}" for g, u in page.items()},
            }
        )
    title = {lang: gettext(lang, "Support plans compared") for lang in langs}
    body = [
        words(
            W_(
                "What each plan includes, phase by phase. Each plan includes everything of "
                "the plans to its left."
            )
        ),
        words(W_("Price")),
        words(W_("Includes")),
        words(W_("Free support")),
        words(W_("Paid support plans")),
        *(every(t.name) for t in portal.lifecycle.tiers),
    ]
    plans = _doc(portal, None, "plans", "plan", " ".join(title.values()), body)
    return [plans | {"name": title, "url": page}, *docs]


def _doc(
    portal: m.Portal, view: m.PhaseView | None, doc_id: str, kind: str, title: str, body
) -> dict:
    """A document's fields; `view` is the phase it belongs to (None: the plans page)."""
    phase_name = (
        {lang: portal.t(view.phase.name, lang) for lang in portal.info.languages} if view else {}
    )
    return {
        "id": doc_id,
        "kind": kind,
        "title": title,
        "name": phase_name if kind == "phase" else title,
        "body": "\n".join(b for b in body if b),
        "text": "\n".join(b for b in [title, *body] if b),
        "phase": view.phase.id if view else "",
        "phase_name": phase_name,
        "stage": view.stage.id if view else "",
        "tier": "",
        "level": "",
        "language": "",
    }


@functools.lru_cache(maxsize=1 << 14)
def _page_words(text: str) -> str:
    """Kept by text: the preview makes every document again on each save."""
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end > 0 else text
    return markdown.words(text)
