"""Ranked hits for a query, with facet counts over every match.

Matching documents are scored by set operations on postings kept between queries (`Scores`),
which give the TF-IDF scores Whoosh's matchers compute: Whoosh steps through its matchers
document by document in Python, 40 ms for a four-gram word at 10,000 documents; this takes a
few. `tests/test_search.py` checks it gives Whoosh's ranking.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from pathlib import Path

from generator.search.index import FACETS, Index, Searcher, open_index
from generator.search.query import And, AndMaybe, AndNot, Node, Or, Term, leaves, normalize, parse
from generator.search.snippets import Snippet

Scored = dict[int, tuple[float, int]]  # document → (score, how many of the node's terms)


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
        scored = Scores(searcher, index.postings).of(normalize(query))
        if scored is None:  # a query only Whoosh runs (a one-character prefix)
            scored = searcher.matches(query)
        if allowed is not None:
            scored = {d: score for d, score in scored.items() if d in allowed}
        facets = {
            name: {
                v: n
                for v, docs in sorted(index.facet_docs[name].items())
                if (n := len(scored.keys() & docs))
            }
            for name in FACETS
        }
        best = heapq.nsmallest(limit, scored.items(), key=lambda item: (-item[1], item[0]))
        snippet = Snippet.of(text, marks, escape)
        hits = [_hit(searcher, docnum, score, snippet, lang) for docnum, score in best]
        return Results(hits, len(scored), facets)


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
    """Matching documents and their TF-IDF scores for a normalized query, as Whoosh's
    matchers compute them; None for a query with a node only Whoosh runs (a prefix)."""

    KEEP = 1024  # postings kept, the oldest dropped first

    def __init__(self, searcher: Searcher, postings: dict[tuple[str, str], dict]) -> None:
        self.searcher, self.postings = searcher, postings

    def of(self, node: Node) -> dict[int, float] | None:
        found = self._node(node)
        return None if found is None else {d: score for d, (score, _) in found.items()}

    def _node(self, node: Node) -> Scored | None:
        """Each matching document's score and how many of the node's terms it has."""
        if isinstance(node, Term):
            return self._term(node)
        if isinstance(node, AndNot | AndMaybe):
            a, b = self._node(node.a), self._node(node.b)
            if a is None or b is None:
                return None
            if isinstance(node, AndNot):
                return {d: v for d, v in a.items() if d not in b}
            return {d: _plus(v, b[d]) if d in b else v for d, v in a.items()}
        if isinstance(node, And | Or):
            parts = [self._node(sub) for sub in node.parts]
            if any(part is None for part in parts):
                return None
            return _and(parts) if isinstance(node, And) else _or(node, parts)  # type: ignore[arg-type]
        return None

    def _term(self, node: Term) -> Scored:
        key = (node.fieldname, node.text)
        found = self.postings.get(key)
        if found is None:
            weights = self.searcher.weights(node.fieldname, node.text)
            found = {d: (w * node.boost, 1) for d, w in weights.items()}
            while len(self.postings) >= self.KEEP:
                self.postings.pop(next(iter(self.postings)), None)
            self.postings[key] = found
        return found


def _and(parts: list[Scored]) -> Scored:
    parts = sorted(parts, key=len)
    out = parts[0]
    for part in parts[1:]:
        out = {d: _plus(v, part[d]) for d, v in out.items() if d in part}
    return out


def _or(node: Or, parts: list[Scored]) -> Scored:
    out: Scored = {}
    for part in parts:
        for d, value in part.items():
            out[d] = _plus(out[d], value) if d in out else value
    if not node.scale:
        return out
    terms, scale = len([t for t in leaves(node) if isinstance(t, Term)]), node.scale
    if terms in (0, scale):
        return {d: (0.0, n) for d, (_, n) in out.items()}
    # Whoosh's coordination bonus (CoordMatcher: "SQR", short query ranking).
    factor = (terms - 1) / terms
    return {
        d: ((score + (n - 1) / (terms - scale) ** 2) * factor, n) for d, (score, n) in out.items()
    }


def _plus(a: tuple[float, int], b: tuple[float, int]) -> tuple[float, int]:
    return a[0] + b[0], a[1] + b[1]
