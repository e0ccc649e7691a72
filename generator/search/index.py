"""Full-text search over phases, programs and guides with Whoosh: Japanese and English.

The only module that imports whoosh (the `whoosh-ng` fork, classic 2.7 API), so that a change
of search engine touches one file. Japanese has no spaces, so CJK runs are indexed as
overlapping bigrams and trigrams (Latin words whole, lowercased and stemmed). A query word of
two characters is its bigram; a longer one needs all its trigrams, which keeps the クセス of
アクセス from matching サクセス without storing or checking positions (checking them was
most of a query's time). Katakana long-vowel marks are dropped on both sides, so
アクセラレータ finds アクセラレーター.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import heapq
import json
import math
import os
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh import query as q
from whoosh import scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.lang.porter import stem

from generator.i18n.labels import LABELS
from generator.i18n.messages import tr
from generator.source import model as m
from generator.source.sourcefiles import SourceProblem, read_source
from generator.source.urls import (
    PLANS,
    language_prefix,
    page_url,
    phase_src,
    program_src,
    translation_src,
)
from generator.text import cjk

KINDS = ("phase", *m.KINDS, "plan")  # "plan": the plans page and each tier on it
FORMAT = 3  # of the stored fields: an index of another format is rebuilt, never misread
DOCUMENTS, RELATED = "documents.json", "related.json"  # handed to and from the worker
MAX_QUERY = 500
# Index look-ups one query may make: a 499-character query would otherwise make hundreds
# (about 100 times the cost of a normal one). Real queries use fewer than ten.
MAX_TERMS = 40

_CJK = cjk.WORD
_RUN = re.compile(rf"([{_CJK}]+)|([a-z0-9]+)")
_KATAKANA = re.compile(rf"[{cjk.KATAKANA_LETTERS}]")
_KANA = cjk.HIRAGANA + cjk.KATAKANA
_SCRIPT = re.compile(rf"[{cjk.HIRAGANA}]+|[{cjk.KATAKANA}]+|[^{_KANA}]+")
_VOICED = "\u3099\u309a"  # ﾞ and ﾟ after NFKC: combining marks, composed with the kana before
STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "that",
        "the",
        "this",
        "to",
        "was",
        "were",
        "will",
        "with",
    }
)


def normalize(text: str) -> str:
    """What Japanese keyboards and pasted text make of a word, folded the one way (NFKC,
    lowercase): ＳＳＯ and ｓｓｏ are sso, ｱﾗｰﾄ is アラート. Character by character, so
    that offsets into the text still hold for highlighting."""
    return text.translate(cjk.FOLD).lower()


def _cjk_chars(run: str, start: int) -> list[tuple[str, int]]:
    """A CJK run's characters with their offsets, long-vowel marks after katakana dropped."""
    out: list[tuple[str, int]] = []
    for i, char in enumerate(run):
        if char == "ー" and i and _KATAKANA.match(run[i - 1]):
            continue
        if char in _VOICED and out:  # ｶﾞ: カ and a voiced mark make ガ
            composed = unicodedata.normalize("NFC", out[-1][0] + char)
            if len(composed) == 1:
                out[-1] = (composed, out[-1][1])
                continue
        out.append((char, start + i))
    return out


def _grams(chars: list[tuple[str, int]], n: int) -> Iterator[tuple[str, int, int]]:
    """(text, start, end) of each overlapping run of `n` characters."""
    for i in range(len(chars) - n + 1):
        window = chars[i : i + n]
        yield "".join(c for c, _ in window), window[0][1], window[-1][1] + 1


def _cjk_terms(chars: list[tuple[str, int]]) -> Iterator[tuple[str, int, int]]:
    """Bigrams and trigrams; a lone character stands for itself."""
    if len(chars) == 1:
        char, at = chars[0]
        yield char, at, at + 1
        return
    yield from _grams(chars, 2)
    yield from _grams(chars, 3)


def terms(text: str) -> Iterator[tuple[str, int, int]]:
    """Index terms of `text` with their character offsets: CJK bi- and trigrams, stemmed
    words."""
    for match in _RUN.finditer(normalize(text)):
        cjk, word = match.groups()
        if cjk:
            yield from _cjk_terms(_cjk_chars(cjk, match.start()))
        elif word not in STOP_WORDS:
            yield stem(word), match.start(), match.end()


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer around `terms`: the one analysis for indexing and highlighting."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (text, start, end) in enumerate(terms(value)):
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = text
            if positions:
                token.pos = start_pos + pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


def schema() -> Schema:
    analyzer = BigramTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, field_boost=3.0, phrase=False),
        # Title and body together: a word is looked up once, in one field; `title` only adds
        # to the score of the pages that matched here.
        text=TEXT(analyzer=analyzer, phrase=False),
        body=STORED,  # for snippets
        name=STORED,  # the title as shown, per language
        kind=ID(stored=True),
        phase=ID(stored=True),
        phase_name=STORED,
        stage=ID(stored=True),
        tier=ID(stored=True),
        level=ID(stored=True),
        language=KEYWORD(stored=True),
        url=STORED,
    )


# -- documents ---------------------------------------------------------------------------


def _every(portal: m.Portal, value: dict[str, str] | None) -> str:
    """A text in every portal language, each different wording once."""
    return " ".join(dict.fromkeys(portal.t(value, lang) for lang in portal.info.languages))


def _words(portal: m.Portal, key: str) -> str:
    """One of the portal's fixed words (labels.py) in every portal language."""
    langs = portal.info.languages
    return " ".join(dict.fromkeys(LABELS.get(g, LABELS["en"])[key] for g in langs))


def documents(portal: m.Portal, content_dir: Path, directory_urls: bool = True) -> list[dict]:
    """One document per phase, program and guide, every portal language in its text; its
    title, phase name and URL kept per language, for results in the reader's language."""
    langs = portal.info.languages
    every = functools.partial(_every, portal)
    urls = lambda src: {g: language_prefix(g, langs) + page_url(src, directory_urls) for g in langs}  # noqa: E731
    docs = []
    phase_word = _words(portal, "phase")
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
    for view, program in portal.programs():
        title = " ".join(dict.fromkeys(portal.title(program, lang) for lang in langs))
        body = [
            _words(portal, f"kind_{program.kind}"),
            every(program.summary),
            *map(every, program.topics),
        ]
        body += map(every, getattr(program, "outcomes", []))
        if isinstance(program, m.Guide):
            pages = [program.page, *(translation_src(program.page, g) for g in langs[1:])]
            body += [_markdown_text(content_dir / p) for p in pages if (content_dir / p).is_file()]
        docs.append(
            _doc(portal, view, program.id, program.kind, title, body)
            | {
                "name": {lang: portal.title(program, lang) for lang in langs},
                "url": urls(program_src(program)),
                "tier": program.tier,
                "level": program.level or "",
                "language": " ".join(portal.languages(program)),
            }
        )
    return docs + _plan_documents(portal, urls)


def _plan_documents(portal: m.Portal, urls) -> list[dict]:
    """The plans page, and each tier on it (plans/#tier-<id>): where 料金, 無料, 有償 and
    プラン lead, with what each tier costs and includes."""
    langs = portal.info.languages
    words, every = functools.partial(_words, portal), functools.partial(_every, portal)
    page = urls(PLANS)
    docs = []
    for tier in portal.lifecycle.tiers:
        support = words("paid_support" if tier.paid else "free_support")
        body = [
            support,
            words("paid") if tier.paid else "",
            every(tier.summary),
            every(tier.price),
            *map(every, tier.includes),
            words("price"),
        ]
        docs.append(
            _doc(portal, None, f"tier:{tier.id}", "plan", every(tier.name), body)
            | {
                "name": {lang: portal.t(tier.name, lang) for lang in langs},
                "url": {g: f"{u}#tier-{tier.id}" for g, u in page.items()},
            }
        )
    title = {lang: LABELS.get(lang, LABELS["en"])["plans"] for lang in langs}
    body = [
        words("plans_intro"),
        words("price"),
        words("includes"),
        words("free_support"),
        words("paid_support"),
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


_MARKUP = re.compile(r"```.*?```|<[^>]+>|!?\[([^\]]*)\]\([^)]*\)|[#*_`>|]+", re.S)


def _markdown_text(path: Path) -> str:
    """A guide's words without Markdown syntax or its front matter."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if text.startswith("---"):
        end = text.find("\n---", 3)
        text = text[end + 4 :] if end > 0 else text
    return _MARKUP.sub(lambda mt: mt.group(1) or " ", text)


# -- index -------------------------------------------------------------------------------


def fingerprint(phases_dir: Path, content_dir: Path) -> str:
    """Identifies the sources an index was built from, to tell when it is stale: the same
    however the directories were spelled (relative, absolute, through a link). A file that
    cannot be read as a source counts as changed, so that loading it reports why."""
    digest = hashlib.sha256(f"format {FORMAT}\0".encode())
    for folder, pattern in ((phases_dir, "*.yml"), (content_dir, "**/*.md")):
        for path in sorted(folder.glob(pattern)):
            digest.update(f"{folder.name}/{path.relative_to(folder).as_posix()}\0".encode())
            try:
                digest.update(read_source(path, path.name))
            except SourceProblem:
                digest.update(os.urandom(16))
    return digest.hexdigest()


def build_index(docs: list[dict], directory: Path, stamp: str = "") -> Path:
    """Write a fresh index of `docs` into the empty or new `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    writer = windex.create_in(directory, schema()).writer()
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    (directory / "FINGERPRINT").write_text(stamp, encoding="utf-8")
    return directory


def index_stamp(target: Path) -> str | None:
    stamp = target / "FINGERPRINT"
    return stamp.read_text(encoding="utf-8") if stamp.is_file() else None


# -- queries -----------------------------------------------------------------------------


class QueryError(ValueError):
    """A query the user must rephrase; the message says how."""


_TOKEN = re.compile(r'"[^"]*"|\S+')
_OPERATORS = {"AND", "OR", "NOT", "-", "+"}


def parse(text: str) -> q.Query:
    """The user's words as a query: all words should match (pages with more rank higher),
    `"…"` a phrase, `-word` or `NOT word` excludes, `AND` between two words requires both."""
    text = text.translate(cjk.FOLD).strip()
    if not text:
        raise QueryError(tr("the query is empty: type what you are looking for"))
    if len(text) > MAX_QUERY:
        raise QueryError(
            tr("the query is longer than {most} characters: shorten it").format(most=MAX_QUERY)
        )
    if text.count('"') % 2:
        raise QueryError(tr('unbalanced quote: close the phrase with " or remove the quote'))
    should, must, must_not = [], [], []
    pending: str | None = None  # an operator waiting for its word
    required_next = False
    parts = _TOKEN.findall(text)
    for i, part in enumerate(parts):
        if part in _OPERATORS:
            if pending is not None or (part in ("AND", "OR") and i == 0) or i == len(parts) - 1:
                if part in ("AND", "OR"):
                    message = tr("'{op}' needs a word on each side: add one or remove '{op}'")
                else:
                    message = tr("'{op}' needs a word after it: add one or remove '{op}'")
                raise QueryError(message.format(op=part))
            pending = part
            continue
        negate = pending in ("NOT", "-") or (part.startswith("-") and len(part) > 1)
        word = part[1:] if part.startswith(("-", "+")) and len(part) > 1 else part
        clause = _clause(word.strip('"'), phrase=word.startswith('"'))
        if clause is None:
            pending = None
            continue
        if negate:
            must_not.append(clause)
        elif pending == "AND" or required_next or part.startswith("+"):
            must.append(clause)
            if pending == "AND" and should:
                must.append(should.pop())
        else:
            should.append(clause)
        required_next = False
        pending = None
    if not should and not must:
        if must_not:
            raise QueryError(tr("the query only excludes: add a word that names what you want"))
        raise QueryError(tr("the query has only common words (the, of …): add a specific word"))
    positive: q.Query = q.And(must) if must else q.Or(should, scale=0.9)
    if must and should:
        positive = q.AndMaybe(positive, q.Or(should, scale=0.9))
    query = q.AndNot(positive, q.Or(must_not)) if must_not else positive
    if len({(t.fieldname, t.text) for t in query.leaves()}) > MAX_TERMS:
        raise QueryError(tr("the query has too many words: keep the few that matter most"))
    return query


def _clause(word: str, phrase: bool) -> q.Query | None:
    """One word (or quoted phrase): found in the title or the body, ranked up by the title."""
    text = _field_query("text", word, phrase)
    if text is None:
        return None
    title = _field_query("title", word, phrase)
    return q.AndMaybe(text, title) if title is not None else text


def _field_query(fieldname: str, word: str, phrase: bool) -> q.Query | None:
    parts: list[q.Query] = []
    for run in _query_runs(word, phrase):
        chars = [(c, i) for c, i in _cjk_chars(run, 0)] if _is_cjk(run) else None
        if chars is None:
            parts += [q.Term(fieldname, t) for t, _, _ in terms(run)]
        elif len(chars) == 1:
            # A single character matches every gram that starts with it.
            parts.append(q.Prefix(fieldname, chars[0][0]))
        else:
            found = [q.Term(fieldname, g) for g in _covering_grams(chars)]
            parts.append(found[0] if len(found) == 1 else q.And(found))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else q.And(parts)


def _covering_grams(chars: list[tuple[str, int]]) -> list[str]:
    """The trigrams of every other position, and the last: together they overlap across
    the whole word, so a page needs the word itself to have them all, and a long word costs
    half the look-ups. A two-character word is its bigram."""
    if len(chars) == 2:
        return ["".join(c for c, _ in chars)]
    grams = [g for g, _, _ in _grams(chars, 3)]
    return list(dict.fromkeys([*grams[::2], grams[-1]]))


def _is_cjk(text: str) -> bool:
    return bool(re.match(rf"[{_CJK}]", text))


def _query_runs(word: str, phrase: bool) -> list[str]:
    """How a typed word is matched: a quoted phrase exactly; otherwise compounds are split
    where the script changes (導入|フェーズ) and long kanji runs into two-character words
    (権限|設計), and lone particles (を, の) are dropped."""
    found = []
    # A query needs no offsets: compose ﾀﾞ's two characters into one (ダ) before splitting.
    for match in _RUN.finditer(unicodedata.normalize("NFC", normalize(word))):
        cjk, latin = match.groups()
        if latin or phrase:
            found.append(match.group(0))
            continue
        for piece in _SCRIPT.findall(cjk):
            if re.fullmatch(r"[\u3040-\u309f]", piece):
                continue  # a particle
            if re.fullmatch(r"[\u3400-\u9fff]{4,}", piece):
                found += [piece[i : i + 2] for i in range(0, len(piece) - len(piece) % 2, 2)]
                if len(piece) % 2:
                    found[-1] += piece[-1]
            else:
                found.append(piece)
    return found


# -- searching ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    title: str
    url: str
    kind: str
    phase: str
    phase_name: str
    tier: str
    snippet: str  # matched words wrapped in the formatter's marks
    score: float


@dataclass(frozen=True)
class Results:
    hits: list[Hit]
    total: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Snippet:
    """Cuts the part of a page around the first query word and marks every query word in it.

    Words are found in the text itself, not through the index's grams, so サクセス does not
    light up the クセス of アクセス; katakana may carry the long-vowel marks the query left
    out (アクセラレータ marks アクセラレーター), and English words match by stem."""

    cjk: re.Pattern | None
    stems: frozenset[str]
    marks: tuple[str, str]
    escape: object = str
    width: int = 160
    before: int = 40

    @classmethod
    def of(cls, text: str, marks: tuple[str, str], escape) -> _Snippet:
        words, stems = set(), set()
        for part in _TOKEN.findall(normalize(text)):
            for run in _query_runs(part.strip('"+-'), phrase=part.startswith('"')):
                if _is_cjk(run):
                    words.add("".join(c for c, _ in _cjk_chars(run, 0)))
                else:
                    stems.update(t for t, _, _ in terms(run))
        patterns = [
            "".join(re.escape(c) + "ー?" for c in w) for w in sorted(words, key=len, reverse=True)
        ]
        found = re.compile("|".join(patterns)) if patterns else None
        return cls(found, frozenset(stems), marks, escape)

    def spans(self, text: str) -> list[tuple[int, int]]:
        norm = normalize(text)  # same length: offsets hold
        found = [m.span() for m in self.cjk.finditer(norm)] if self.cjk else []
        if self.stems:
            found += [
                m.span() for m in re.finditer(r"[a-z0-9]+", norm) if stem(m.group()) in self.stems
            ]
        return sorted(found)

    def __call__(self, text: str) -> str:
        spans = self.spans(text)
        start = max(0, spans[0][0] - self.before) if spans else 0
        end = start + self.width
        out, at = [], start
        for a, b in spans:
            if a < at or b > end:
                continue
            out += [self.escape(text[at:a]), self.marks[0], self.escape(text[a:b]), self.marks[1]]
            at = b
        out.append(self.escape(text[at:end]))
        cut = ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")
        return " ".join(cut.split())


FACETS = ("phase", "tier", "kind")


class StaleIndex(RuntimeError):
    """The index directory was swapped for a newer one: open that one and search again."""


@dataclass(frozen=True)
class Index:
    """An open index and, per facet value, the documents that have it: facet counts and
    filters are then set intersections instead of a look-up per matching document."""

    whoosh: windex.Index
    facet_docs: dict[str, dict[str, frozenset[int]]]
    segments: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # the portal's, first first
    # In a server, each thread keeps a searcher over the very files this index was opened
    # from: a rebuild swaps the directory at any moment, and Whoosh reads a directory by
    # name, file after file. Open files stay readable whatever happens to their names.
    pinned: threading.local | None = field(default=None, compare=False)
    # (field, term) → {document: score}: the postings the last queries needed (_Scores).
    postings: dict[tuple[str, str], dict] = field(default_factory=dict, compare=False)

    def values(self) -> dict[str, set[str]]:
        """What the filters can be: the phases and tiers in the index, every kind, and the
        portal's languages."""
        facets = {name: set(self.facet_docs[name]) for name in FACETS}
        return facets | {"kind": set(KINDS), "lang": set(self.languages)}

    @contextlib.contextmanager
    def searching(self) -> Iterator:
        """A searcher ranking by TF-IDF: rather than BM25, it needs no field length per
        matching page, which halves a query over thousands of matches, and it ranks the
        relevance set as well."""
        if self.pinned is None:
            with self.whoosh.searcher(weighting=scoring.TF_IDF()) as searcher:
                yield searcher
            return
        searcher = getattr(self.pinned, "searcher", None)
        if searcher is None:
            try:
                searcher = self.whoosh.searcher(weighting=scoring.TF_IDF())
            except Exception as exc:  # mid-swap: the directory is a newer index already
                raise StaleIndex(str(exc)) from exc
            if _segments(searcher.reader()) != self.segments:
                searcher.close()
                raise StaleIndex("the index was rebuilt")
            self.pinned.searcher = searcher
        yield searcher


def _segments(reader) -> tuple[str, ...]:
    return tuple(sorted(r.segment().segment_id() for r, _ in reader.leaf_readers()))


def open_index(directory: Path, *, pinned: bool = False) -> Index:
    """Open once, search many times: opening costs more than a query. `pinned` for a
    long-running server whose index may be rebuilt under it."""
    ix = windex.open_dir(directory)
    with ix.searcher() as searcher:
        facet_docs = {
            name: {
                value: frozenset(searcher.docs_for_query(q.Term(name, value)))
                for value in searcher.reader().field_terms(name)
                if value  # phases have no tier: no empty value to filter by
            }
            for name in FACETS
        }
        segments = _segments(searcher.reader())
        first = next(searcher.all_stored_fields(), {})
        languages = tuple(first.get("url", {}))
    return Index(ix, facet_docs, segments, languages, threading.local() if pinned else None)


def search(
    index: Path | Index,
    text: str,
    *,
    phase: str | None = None,
    tier: str | None = None,
    kind: str | None = None,
    limit: int = 10,
    marks: tuple[str, str] = ("", ""),
    escape=str,
    lang: str | None = None,
) -> Results:
    """Ranked hits for `text` within the filters, and facet counts over all matches; titles
    and links in `lang` (default: the portal's first language). Every language is searched:
    a reader may type a word of either."""
    query = parse(text)
    index = index if isinstance(index, Index) else open_index(index)
    allowed: frozenset[int] | None = None
    for name, value in (("phase", phase), ("tier", tier), ("kind", kind)):
        if value:
            docs = index.facet_docs[name].get(value, frozenset())
            allowed = docs if allowed is None else allowed & docs
    with index.searching() as searcher:
        # Every match scored in one pass, whose documents give the facets: cheaper than
        # matching twice, once for the counts and once for the top hits.
        scored = _Scores(searcher, index.postings).of(query.normalize())
        if scored is None:  # a query only Whoosh runs (a one-character prefix)
            found = searcher.search(query, limit=None)
            scored = {docnum: score for score, docnum in found.top_n}
        if allowed is not None:
            scored = {d: score for d, score in scored.items() if d in allowed}
        matched = scored.keys()
        facets = {
            name: {
                v: n
                for v, docs in sorted(index.facet_docs[name].items())
                if (n := len(matched & docs))
            }
            for name in FACETS
        }
        snippet = _Snippet.of(text, marks, escape)
        best = heapq.nsmallest(limit, scored.items(), key=lambda item: (-item[1], item[0]))
        hits = []
        for docnum, score in best:
            hit = searcher.stored_fields(docnum)
            hits.append(
                Hit(
                    title=_in(hit["name"], lang),
                    url=_in(hit["url"], lang),
                    kind=hit["kind"],
                    phase=hit["phase"],
                    phase_name=_in(hit["phase_name"], lang),
                    tier=hit["tier"],
                    snippet=snippet(hit["body"]),
                    score=round(score, 4),
                )
            )
        return Results(hits, len(matched), facets)


class _Scores:
    """Matching documents and their TF-IDF scores, as Whoosh's matchers compute them, but
    with set operations on postings kept between queries: Whoosh steps through its
    matchers document by document in Python, 40 ms for a four-gram word at 10,000
    documents; this takes a few. `tests/test_search.py` checks it gives Whoosh's ranking."""

    KEEP = 1024  # postings kept, the oldest dropped first

    def __init__(self, searcher, postings: dict[tuple[str, str], dict]) -> None:
        self.searcher, self.postings = searcher, postings

    def of(self, node: q.Query) -> dict[int, float] | None:
        found = self._node(node)
        return None if found is None else {d: score for d, (score, _) in found.items()}

    def _node(self, node: q.Query) -> dict[int, tuple[float, int]] | None:
        """Each matching document's score and how many of the node's terms it has."""
        if isinstance(node, q.Term):
            return self._term(node)
        if isinstance(node, q.AndNot):
            a, b = self._node(node.a), self._node(node.b)
            return None if a is None or b is None else {d: v for d, v in a.items() if d not in b}
        if isinstance(node, q.AndMaybe):
            a, b = self._node(node.a), self._node(node.b)
            if a is None or b is None:
                return None
            return {d: _plus(v, b[d]) if d in b else v for d, v in a.items()}
        if isinstance(node, q.And | q.Or):
            parts = [self._node(sub) for sub in node.subqueries]
            if any(part is None for part in parts):
                return None
            return self._and(parts) if isinstance(node, q.And) else self._or(node, parts)
        return None

    def _term(self, node: q.Term) -> dict[int, tuple[float, int]]:
        key = (node.fieldname, node.text)
        found = self.postings.get(key)
        if found is None:
            try:
                postings = self.searcher.reader().postings(node.fieldname, node.text)
            except Exception:  # TermNotFound: no document has it
                found = {}
            else:
                weight = self.searcher.idf(node.fieldname, node.text) * node.boost
                found = {d: (w * weight, 1) for d, w in postings.items_as("weight")}
            while len(self.postings) >= self.KEEP:
                self.postings.pop(next(iter(self.postings)), None)
            self.postings[key] = found
        return found

    @staticmethod
    def _and(parts: list[dict]) -> dict[int, tuple[float, int]]:
        parts = sorted(parts, key=len)
        out = parts[0]
        for part in parts[1:]:
            out = {d: _plus(v, part[d]) for d, v in out.items() if d in part}
        return out

    @staticmethod
    def _or(node: q.Or, parts: list[dict]) -> dict[int, tuple[float, int]]:
        out: dict[int, tuple[float, int]] = {}
        for part in parts:
            for d, value in part.items():
                out[d] = _plus(out[d], value) if d in out else value
        if not node.scale:
            return out
        terms, scale = len([t for t in node.leaves() if isinstance(t, q.Term)]), node.scale
        if terms in (0, scale):
            return {d: (0.0, n) for d, (_, n) in out.items()}
        # Whoosh's coordination bonus (CoordMatcher: "SQR", short query ranking).
        factor = (terms - 1) / terms
        return {
            d: ((score + (n - 1) / (terms - scale) ** 2) * factor, n)
            for d, (score, n) in out.items()
        }


def _plus(a: tuple[float, int], b: tuple[float, int]) -> tuple[float, int]:
    return a[0] + b[0], a[1] + b[1]


def _in(value: dict[str, str], lang: str | None) -> str:
    """A stored per-language value in `lang`, else in the first language."""
    return value.get(lang or "") or next(iter(value.values()), "")


def index_and_relate(directory: Path, stamp: str) -> None:
    """Build the index from `documents.json` in `directory` and write `related.json` there
    with what is related and how long each step took: the work the plugin runs in a second
    process (`python -m generator.search.index DIR STAMP`) while MkDocs renders the pages."""
    docs = json.loads((directory / DOCUMENTS).read_text(encoding="utf-8"))
    (directory / DOCUMENTS).unlink()
    start = time.perf_counter()
    build_index(docs, directory, stamp)
    built = time.perf_counter()
    found = related(docs)
    timings = {"index_s": built - start, "related_s": time.perf_counter() - built}
    data = {"related": found, "timings": timings}
    (directory / RELATED).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@functools.lru_cache(maxsize=1 << 16)
def term_counts(text: str) -> Counter[str]:
    """The index terms of a text and how often each occurs. Kept: a preview rebuild counts
    again only the documents that changed. Callers must not modify the result."""
    return Counter(t for t, _, _ in terms(text))


def related(docs: list[dict]) -> dict[str, list[str]]:
    """Up to three programs or guides like each program and guide, best first."""
    return Relatedness()(docs)


class Relatedness:
    """What is related, computed from the documents (not from an index, so that a preview
    need not wait for one), and kept: called again with documents of which a few texts
    changed, it recomputes only what those texts can change, and gives exactly what a
    fresh computation gives (tests/test_search.py checks it on random edits).

    A page's key terms (highest tf-idf) are matched only against the `fan` pages in which
    each term weighs most, so the work grows with the number of pages, not with its square.
    Ties break by document order: the same sources always give the same lists."""

    def __init__(self, limit: int = 3, numterms: int = 12, fan: int = 50) -> None:
        self.limit, self.numterms, self.fan = limit, numterms, fan
        self.docs: list[dict] = []

    def __call__(self, docs: list[dict]) -> dict[str, list[str]]:
        same = [(d["id"], d["kind"]) for d in docs] == [(d["id"], d["kind"]) for d in self.docs]
        changed = [
            n
            for n, d in enumerate(docs)
            if same and (d["text"], d["body"]) != (self.docs[n]["text"], self.docs[n]["body"])
        ]
        if not same or len(changed) > len(docs) // 10:
            self._start(docs)
        else:
            self._update(docs, changed)
        return {
            self.docs[n]["id"]: [self.docs[o]["id"] for o in found]
            for n, found in self.result.items()
        }

    def _start(self, docs: list[dict]) -> None:
        self.docs = list(docs)
        self.text = [term_counts(d["text"]) for d in docs]
        self.body = [term_counts(d["body"]) for d in docs]
        self.length = [sum(c.values()) ** 0.5 for c in self.text]
        self.frequency: Counter[str] = Counter()
        for counts in self.text:
            self.frequency.update(counts.keys())
        self.idf = {t: self._idf(t) for t in self.frequency}
        self.pages = [n for n, d in enumerate(docs) if d["kind"] in m.KINDS]
        self.holders: dict[str, set[int]] = defaultdict(set)  # text term → pages
        self.readers: dict[str, set[int]] = defaultdict(set)  # body term → pages
        for n in self.pages:
            self._hold(n, 1)
        self.keys = {n: self._keys(n) for n in self.pages}
        self.users: dict[str, set[int]] = defaultdict(set)  # key term → pages
        for n, chosen in self.keys.items():
            for _, term in chosen:
                self.users[term].add(n)
        self.strongest = {t: self._strongest(t) for t in self.users}
        self.result = {n: self._score(n) for n in self.pages}

    def _update(self, docs: list[dict], changed: list[int]) -> None:
        touched: set[str] = set()  # terms of which a page's weight changed
        counted: set[str] = set()  # terms found in more or fewer documents
        for n in changed:
            old = self.text[n]
            if n in self.keys:
                self._hold(n, -1)
            self.docs[n] = docs[n]
            self.text[n], self.body[n] = term_counts(docs[n]["text"]), term_counts(docs[n]["body"])
            self.length[n] = sum(self.text[n].values()) ** 0.5
            if n in self.keys:
                self._hold(n, 1)
                touched |= old.keys() | self.text[n].keys()
            for term in old.keys() - self.text[n].keys():
                self.frequency[term] -= 1
                counted.add(term)
            for term in self.text[n].keys() - old.keys():
                self.frequency[term] += 1
                counted.add(term)
        for term in counted:
            self.idf[term] = self._idf(term)
        rescore = set()
        again = {n for n in changed if n in self.keys}
        again.update(*(self.readers.get(t, ()) for t in counted))
        for n in again:
            chosen = self._keys(n)
            if chosen != self.keys[n]:
                for _, term in self.keys[n]:
                    self.users[term].discard(n)
                for _, term in chosen:
                    self.users[term].add(n)
                self.keys[n] = chosen
                rescore.add(n)
        for term in [t for t, used in self.users.items() if not used]:
            del self.users[term]
            self.strongest.pop(term, None)
        for term in self.users:
            if term in touched or term not in self.strongest:
                found = self._strongest(term)
                if found != self.strongest.get(term):
                    self.strongest[term] = found
                    rescore |= self.users[term]
        for n in rescore:
            self.result[n] = self._score(n)

    def _hold(self, n: int, sign: int) -> None:
        for index, counts in ((self.holders, self.text[n]), (self.readers, self.body[n])):
            for term in counts:
                if sign > 0:
                    index[term].add(n)
                else:
                    index[term].discard(n)

    def _idf(self, term: str) -> float:
        # A term of one page alone links it to nothing: it weighs nothing.
        found = self.frequency[term]
        return math.log(len(self.docs) / found) if found > 1 else 0.0

    def _keys(self, n: int) -> list[tuple[float, str]]:
        idf = self.idf
        scored = [(-c * idf[t], t) for t, c in self.body[n].items() if idf.get(t)]
        return heapq.nsmallest(self.numterms, scored)

    def _strongest(self, term: str) -> list[tuple[float, int]]:
        """(minus the term's share of the page, page) for the pages it weighs most in."""
        shares = [(-self.text[n][term] / self.length[n], n) for n in self.holders.get(term, ())]
        return heapq.nsmallest(self.fan, shares)

    def _score(self, n: int) -> list[int]:
        scores: dict[int, float] = defaultdict(float)
        for minus_weight, term in self.keys[n]:
            for share, other in self.strongest[term]:
                if other != n:
                    scores[other] += minus_weight * share
        best = heapq.nsmallest(self.limit, scores.items(), key=lambda item: (-item[1], item[0]))
        return [other for other, _ in best]
