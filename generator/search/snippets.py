"""Snippets: the part of a page around the first query word, every query word marked in it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.search import analysis
from generator.search.query import TOKEN, runs


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

    def spans(self, text: str) -> list[tuple[int, int]]:
        norm = analysis.normalize(text)  # same length: offsets hold
        found = [m.span() for m in self.cjk.finditer(norm)] if self.cjk else []
        if self.stems:
            words = (m for m in analysis.RUN.finditer(norm) if m.group(3))
            found += [m.span() for m in words if analysis.stem(m.group()) in self.stems]
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
