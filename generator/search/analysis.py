"""How text becomes search terms, in every script a portal can be written in.

Japanese and Chinese have no spaces, and a Korean word carries its particles (설정을, 설정은):
so their runs are indexed as overlapping bigrams and trigrams, which find a word anywhere in
a run. Words of every other script (Latin with its accents, Cyrillic, Greek …) are kept
whole, lowercased and stemmed (Whoosh's Porter stemmer: a plain function, the one piece of
Whoosh outside generator/search/index.py). Katakana long-vowel marks are dropped on both
sides, so アクセラレータ finds アクセラレーター.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from whoosh.lang.porter import stem

from generator.text import cjk

# A run of one kind: Japanese/Chinese, Korean, or a word of any other script (letters and
# digits, without the underscore and without the two kinds before).
RUN = re.compile(
    rf"([{cjk.WORD}]+)|([{cjk.HANGUL}]+)|([^\W_{cjk.WORD}{cjk.HANGUL}]+)",
)
_KATAKANA = re.compile(rf"[{cjk.KATAKANA_LETTERS}]")
_VOICED = "\u3099\u309a"  # ﾞ and ﾟ after NFKC: combining marks, composed with the kana before
STOP_WORDS = frozenset(
    {"a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is"}
    | {"it", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with"}
)
# What follows a Korean noun in a sentence (을/를 object, 은/는 topic, 에서 place …), longest
# first. A query word loses one at its end: what remains is part of the word as typed, so
# every page that has the whole word is still found.
KOREAN_PARTICLES = (
    *("에서는", "으로는", "에서", "에게", "으로", "까지", "부터", "처럼", "보다", "이나", "이랑"),
    *("을", "를", "은", "는", "이", "가", "의", "에", "로", "와", "과", "도", "만"),
)


def normalize(text: str) -> str:
    """What keyboards and pasted text make of a word, folded the one way (NFKC, lowercase):
    ＳＳＯ and ｓｓｏ are sso, ｱﾗｰﾄ is アラート. Character by character, so that offsets
    into the text still hold for highlighting."""
    return text.translate(cjk.FOLD).lower()


def chars(run: str, start: int) -> list[tuple[str, int]]:
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


def grams(run: list[tuple[str, int]], n: int) -> Iterator[tuple[str, int, int]]:
    """(text, start, end) of each overlapping run of `n` characters."""
    for i in range(len(run) - n + 1):
        window = run[i : i + n]
        yield "".join(c for c, _ in window), window[0][1], window[-1][1] + 1


def _gram_terms(run: list[tuple[str, int]]) -> Iterator[tuple[str, int, int]]:
    """Bigrams and trigrams; a lone character stands for itself."""
    if len(run) == 1:
        char, at = run[0]
        yield char, at, at + 1
        return
    yield from grams(run, 2)
    yield from grams(run, 3)


def terms(text: str) -> Iterator[tuple[str, int, int]]:
    """Index terms of `text` with their character offsets: CJK and Hangul bi- and trigrams,
    stemmed words (without the English stop words)."""
    for match in RUN.finditer(normalize(text)):
        han, hangul, word = match.groups()
        if han or hangul:
            at = match.start()
            yield from _gram_terms(
                chars(han, at) if han else [(c, at + i) for i, c in enumerate(hangul)]
            )
        elif word not in STOP_WORDS:
            yield stem(word), match.start(), match.end()


@lru_cache(maxsize=1 << 16)
def term_counts(text: str) -> Counter[str]:
    """The index terms of a text and how often each occurs. Kept: a preview rebuild counts
    again only the documents that changed. Callers must not modify the result."""
    return Counter(t for t, _, _ in terms(text))


def is_gram_run(text: str) -> bool:
    """Whether `text` starts with a script that is matched by grams (CJK or Hangul)."""
    match = RUN.match(text)
    return bool(match and not match.group(3))


def without_particle(word: str) -> str:
    """A Korean word without the particle at its end, if at least two syllables remain."""
    for particle in KOREAN_PARTICLES:
        if word.endswith(particle) and len(word) - len(particle) >= 2:
            return word[: -len(particle)]
    return word
