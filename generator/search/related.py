"""Related content: up to three programs or guides like each one, from the documents' terms.

Computed from the documents, not from an index, so that a preview need not wait for one.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict

from generator.search.analysis import term_counts
from generator.source import model as m


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
            self.docs[n]["id"]: [self.docs[o]["id"] for o, _ in found]
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
        for term in counted:
            again.update(n for n in self.readers.get(term, ()) if self._moves(n, term))
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
        moved = set(changed)
        others: dict[int, set[int]] = defaultdict(set)  # page → the pages it now scores anew
        for term in self.users:
            if term in touched or term not in self.strongest:
                before = self.strongest.get(term, [])
                found = self._stronger(term, moved)
                if found != before:
                    self.strongest[term] = found
                    differ = {page for _, page in set(before) ^ set(found)}
                    for n in self.users[term]:
                        others[n] |= differ
        for n in rescore:
            self.result[n] = self._score(n)
        held: dict[str, dict[int, float]] = {}  # a key term's strongest pages → their shares
        for n, pages in others.items():
            if n not in rescore:
                self.result[n] = self._rescore(n, pages, held)

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

    def _moves(self, n: int, term: str) -> bool:
        """Whether page `n`'s key terms can change now that `term` weighs otherwise: it is
        one of them, or it would now rank among them. A common term's weight changes with
        every page that gains or loses it, and most of the thousands of pages that hold it
        keep the same key terms (a save took a second choosing them all again)."""
        keys = self.keys[n]
        if any(t == term for _, t in keys):
            return True
        if not self.idf.get(term):
            return False  # weighs nothing: never a key term
        if len(keys) < self.numterms:
            return True
        return (-self.body[n][term] * self.idf[term], term) < keys[-1]

    def _strongest(self, term: str) -> list[tuple[float, int]]:
        """(minus the term's share of the page, page) for the pages it weighs most in."""
        shares = [(-self.text[n][term] / self.length[n], n) for n in self.holders.get(term, ())]
        return heapq.nsmallest(self.fan, shares)

    def _stronger(self, term: str, moved: set[int]) -> list[tuple[float, int]]:
        """`_strongest(term)` once the pages `moved` changed, from what it was when none of
        them was among its pages: every other page ranks after each one kept, so the kept
        and the moved ones' new shares are all it needs (a save's few pages then need not be
        weighed against all 10,000 that hold a common term)."""
        before = self.strongest.get(term)
        if before is None or (len(before) == self.fan and any(n in moved for _, n in before)):
            return self._strongest(term)
        holding = [n for n in moved if n in self.holders.get(term, ())]
        shares = [(-self.text[n][term] / self.length[n], n) for n in holding]
        return heapq.nsmallest(self.fan, [s for s in before if s[1] not in moved] + shares)

    def _score(self, n: int) -> list[tuple[int, float]]:
        """The pages most like page `n`, with their scores, best first."""
        scores: dict[int, float] = defaultdict(float)
        for minus_weight, term in self.keys[n]:
            for share, other in self.strongest[term]:
                if other != n:
                    scores[other] += minus_weight * share
        return self._best(scores.items())

    def _rescore(
        self, n: int, pages: set[int], held: dict[str, dict[int, float]]
    ) -> list[tuple[int, float]]:
        """`_score(n)` once only `pages`' scores changed (their shares in some of its key
        terms' strongest pages): from its best and their new scores, unless one of its best
        is among them. A common term's strongest pages change with a save, and the thousands
        of pages that use it took a second to score again in full."""
        best = self.result[n]
        if any(page in pages for page, _ in best):
            return self._score(n)
        for _, term in self.keys[n]:
            if term not in held:
                held[term] = {page: share for share, page in self.strongest[term]}
        shares = [held[term] for _, term in self.keys[n]]
        scores = dict(best)
        for page in pages - {n}:
            # Summed in the order `_score` sums them: the very same float.
            found = [
                (minus_weight, share_of[page])
                for (minus_weight, _), share_of in zip(self.keys[n], shares, strict=True)
                if page in share_of
            ]
            if found:
                total = 0.0
                for minus_weight, share in found:
                    total += minus_weight * share
                scores[page] = total
        return self._best(scores.items())

    def _best(self, scores) -> list[tuple[int, float]]:
        return heapq.nsmallest(self.limit, scores, key=lambda item: (-item[1], item[0]))
