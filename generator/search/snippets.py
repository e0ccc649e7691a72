"""Snippets: the part of a page around the first query word, every query word marked in it."""

from __future__ import annotations

import heapq
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from generator.search import analysis
from generator.search.query import TOKEN, runs

# A page's words are stemmed to be compared with the query's; the same few thousand words
# recur on every page, and Porter's stemmer costs more than a look-up.
_stem = lru_cache(maxsize=1 << 15)(analysis.stem)


@dataclass(frozen=True)
class Snippet:
    """Cuts the part of a page around the first query word and marks every query word in it.

    Words are found in the text itself, not through the index's grams, so サクセス does not
    light up the クセス of アクセス; katakana may carry the long-vowel marks the query left
    out (アクセラレータ marks アクセラレーター), a Korean word is marked without the
    particle the query gave it, and other words match by stem."""

    cjk: re.Pattern | None
    stems: frozenset[str]
    marks: tuple[str, str]
    escape: object = str
    width: int = 160
    before: int = 40

    @classmethod
    def of(cls, text: str, marks: tuple[str, str], escape) -> Snippet:
        words, stems = set(), set()
        for part in TOKEN.findall(analysis.normalize(text)):
            for run in runs(part.strip('"+-'), phrase=part.startswith('"')):
                if analysis.is_gram_run(run):
                    words.add("".join(c for c, _ in analysis.chars(run, 0)))
                else:
                    stems.update(t for t, _, _ in analysis.terms(run))
        patterns = [
            "".join(re.escape(c) + "ー?" for c in w) for w in sorted(words, key=len, reverse=True)
        ]
        found = re.compile("|".join(patterns)) if patterns else None
        return cls(found, frozenset(stems), marks, escape)

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Where query words are, in order, found as they are asked for: a snippet stops
        reading at its end rather than stemming every word of a long page."""
        norm = analysis.normalize(text)  # same length: offsets hold
        found = [(m.span() for m in self.cjk.finditer(norm))] if self.cjk else []
        if self.stems:
            words = (m for m in analysis.RUN.finditer(norm) if m.group(3))
            found.append(m.span() for m in words if _stem(m.group()) in self.stems)
        return heapq.merge(*found)

    def __call__(self, text: str) -> str:
        spans = self.spans(text)
        first = next(spans, None)
        start = max(0, first[0] - self.before) if first else 0
        end = start + self.width
        out, at = [], start
        for a, b in itertools.chain([first] if first else [], spans):
            if a >= end:  # this one and all after it are past the snippet
                break
            if a < at or b > end:
                continue
            out += [self.escape(text[at:a]), self.marks[0], self.escape(text[a:b]), self.marks[1]]
            at = b
        out.append(self.escape(text[at:end]))
        cut = ("…" if start else "") + "".join(out) + ("…" if end < len(text) else "")
        return " ".join(cut.split())
