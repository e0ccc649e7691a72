"""Ranked hits for a query, with facet counts over every match.

Matching documents are scored by set operations on postings kept between queries (`Scores`),
which give the TF-IDF scores Whoosh's matchers compute: Whoosh steps through its matchers
document by document in Python, 40 ms for a four-gram word at 10,000 documents; this takes a
few. A one-character prefix is the terms it expands to, looked up and kept like any other,
and a query pays for every document of every term: at most MAX_POSTINGS, or it is refused
before any is read. `tests/test_search.py` checks it gives Whoosh's ranking.
"""

from __future__ import annotations

import contextlib
import heapq
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.i18n.messages import tr
from generator.search.index import FACETS, Index, Searcher, open_index
from generator.search.query import (
    And,
    AndMaybe,
    AndNot,
    Node,
    Or,
    Prefix,
    QueryError,
    Term,
    leaves,
    normalize,
    parse,
)
from generator.search.snippets import Snippet

Scored = dict[int, tuple[float, int]]  # document → (score, how many of the node's terms)
# Postings (a page having a term) one query may read once its prefixes are expanded: its
# cost grows with them, about 1.4 µs of CPU each the first time and 0.8 µs each after. At
# 10,000 documents a common word is on 5,000 pages (and some titles), a lone kanji or kana
# expands to 10 to 60 terms: three or four common words stay within (under 50 ms the first
# time), the fifth, or a lone katakana such as ア (on 8 pages in 10), is refused.
MAX_POSTINGS = 25_000


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
        scored = Scores(searcher, index.postings, index.scored).of(query, allowed)
        # Sets both: an intersection then walks the smaller one, not every match each time.
        matched = set(scored)
        facets = {
            name: {
                v: n
                for v, docs in sorted(index.facet_docs[name].items())
                if (n := len(docs & matched))
            }
            for name in FACETS
        }
        best = _best(scored, limit)
        snippet = Snippet.of(text, marks, escape)
        hits = [_hit(searcher, docnum, score, snippet, lang) for docnum, score in best]
        return Results(hits, len(scored), facets)


def _best(scored: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The `limit` best matches, ties to the lower document number: the lowest score among
    the best found over the bare scores (in C), and only the matches that reach it sorted,
    rather than a key computed in Python for each of thousands of matches."""
    if not scored:
        return []
    floor = heapq.nlargest(limit, scored.values())[-1]
    top = [(d, score) for d, score in scored.items() if score >= floor]
    return sorted(top, key=lambda item: (-item[1], item[0]))[:limit]


def _hit(searcher: Searcher, docnum: int, score: float, snippet: Snippet, lang: str | None) -> Hit:
    hit = searcher.stored(docnum)
    return Hit(
        title=_in(hit["name"], lang),
        url=_in(hit["url"], lang),
        kind=hit["kind"],
        phase=hit["phase"],
        phase_name=_in(hit["phase_name"], lang),
        tier=hit["tier"],
        snippet=snippet(hit["body"]),
        score=round(score, 4),
    )


def _in(value: dict[str, str], lang: str | None) -> str:
    """A stored per-language value in `lang`, else in the first language."""
    return value.get(lang or "") or next(iter(value.values()), "")


class Scores:
    """Matching documents and their TF-IDF scores for a query, as Whoosh's matchers compute
    them. A prefix is the OR of the terms it expands to, as Whoosh's Prefix query is, and
    scores their TF-IDF: Whoosh gives it that on a large index but a constant 1 per page on
    a small one, where a page using the word more ranks no higher."""

    KEEP = 1024  # postings kept, the oldest dropped first …
    KEEP_ENTRIES = 500_000  # … and at most this many documents in all (about 60 MB)
    # Whole queries' matches kept, as postings are: a reader who narrows a search to a
    # phase, asks for more results or switches language asks the same words again, and
    # their scores are most of what answering costs (at 10,000 documents, 2 of 4 ms).
    KEEP_QUERIES = 256
    KEEP_SCORED = 200_000  # documents in all (about 20 MB)

    def __init__(
        self,
        searcher: Searcher,
        postings: dict[tuple[str, str], dict],
        scored: dict[Node, dict[int, float]] | None = None,
    ) -> None:
        self.searcher, self.postings = searcher, postings
        self.scored = {} if scored is None else scored

    def of(self, node: Node, allowed: frozenset[int] | None = None) -> dict[int, float]:
        """The scores of the matching documents (of those `allowed` only, if given), not to
        be changed: they may be kept for the next query. Raises QueryError, before reading
        any postings, when the query would read more than MAX_POSTINGS of them (parse has
        already capped the terms and prefixes typed, repeats included, at MAX_TERMS)."""
        expanded = normalize(self._expand(node, {}))
        found = self.scored.get(expanded)
        if found is None:
            terms = {(t.fieldname, t.text) for t in leaves(expanded)}  # type: ignore[union-attr]
            if sum(self.searcher.frequency(*term) for term in terms) > MAX_POSTINGS:
                raise too_broad()
            found = {d: score for d, (score, _) in self._node(expanded).items()}
            _keep(self.scored, expanded, found, self.KEEP_QUERIES, self.KEEP_SCORED)
        if allowed is None:
            return found
        # The filter's documents that matched found in C, and only those read in Python.
        return {d: found[d] for d in found.keys() & allowed}

    def _expand(self, node: Node, seen: dict[Prefix, Node]) -> Node:
        """The node with each prefix replaced by the terms it expands to, once per
        distinct prefix however often it was typed."""
        if isinstance(node, Prefix):
            if node not in seen:
                words = self.searcher.expand(node.fieldname, node.text)
                terms = tuple(Term(node.fieldname, word) for word in words)
                seen[node] = terms[0] if len(terms) == 1 else Or(terms)
            return seen[node]
        if isinstance(node, And | Or):
            return replace(node, parts=tuple(self._expand(part, seen) for part in node.parts))
        if isinstance(node, AndMaybe | AndNot):
            return type(node)(self._expand(node.a, seen), self._expand(node.b, seen))
        return node

    def _node(self, node: Node) -> Scored:
        """Each matching document's score and how many of the node's terms it has."""
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, AndNot | AndMaybe):
            a, b = self._node(node.a), self._node(node.b)
            if isinstance(node, AndNot):
                return {d: v for d, v in a.items() if d not in b}
            return _and_maybe(a, b)
        if isinstance(node, And | Or):
            parts = [self._node(sub) for sub in node.parts]
            return _and(parts) if isinstance(node, And) else _or(node, parts)
        raise TypeError(f"unexpanded query node {node!r}")  # a prefix: _expand replaces it

    def _term(self, node: Term) -> Scored:
        key = (node.fieldname, node.text)
        found = self.postings.get(key)
        if found is None:
            weights = self.searcher.weights(node.fieldname, node.text)
            found = {d: (w * node.boost, 1) for d, w in weights.items()}
            _keep(self.postings, key, found, self.KEEP, self.KEEP_ENTRIES)
        return found


def _keep(kept: dict, key: object, found: dict, entries: int, documents: int) -> None:
    """Keep `found` for the next queries, within both bounds (the oldest dropped first):
    hostile queries reading the most common terms one after another cannot grow the
    server's memory."""
    with contextlib.suppress(RuntimeError, StopIteration):  # another thread dropped some
        total = sum(map(len, list(kept.values())))
        while kept and (len(kept) >= entries or total + len(found) > documents):
            total -= len(kept.pop(next(iter(kept)), ()))
    kept[key] = found


def _and_maybe(a: Scored, b: Scored) -> Scored:
    """`a`, each of its documents that `b` has too scored up by `b`. `b` is a word's title
    matches, mostly far fewer than its pages: `a` is copied whole (in C) and only the
    documents both have are added in Python."""
    if not b:
        return a
    out = dict(a)
    for d in a.keys() & b.keys():
        v, w = out[d], b[d]
        out[d] = (v[0] + w[0], v[1] + w[1])
    return out


def _and(parts: list[Scored]) -> Scored:
    parts = sorted(parts, key=len)
    out = parts[0]
    for part in parts[1:]:
        out = {d: (s + part[d][0], n + part[d][1]) for d, (s, n) in out.items() if d in part}
    return out


def _or(node: Or, parts: list[Scored]) -> Scored:
    # The largest part copied whole, the others added in: the loop, in Python, is the cost.
    parts = sorted(parts, key=len, reverse=True)
    out: Scored = dict(parts[0]) if parts else {}
    get = out.get
    for part in parts[1:]:
        for d, (s, n) in part.items():
            had = get(d)
            out[d] = (s, n) if had is None else (had[0] + s, had[1] + n)
    if not node.scale:
        return out
    terms, scale = len([t for t in leaves(node) if isinstance(t, Term)]), node.scale
    if terms in (0, scale):
        return {d: (0.0, n) for d, (_, n) in out.items()}
    # Whoosh's coordination bonus (CoordMatcher: "SQR", short query ranking).
    factor = (terms - 1) / terms
    bonus = [(n - 1) / (terms - scale) ** 2 for n in range(terms + 1)]
    return {d: ((score + bonus[n]) * factor, n) for d, (score, n) in out.items()}


def too_broad() -> QueryError:
    """A query whose words are on so many pages that ranking them would hold up the others."""
    return QueryError(tr("the query is too broad to rank quickly: use fewer or longer words"))
