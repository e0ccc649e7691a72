"""Text for the synthetic portals that reads, compresses and indexes like real text: phrases
of the example portal's own guides (Japanese, and the words of their English translations),
shuffled into new sentences. Repeating one sentence made the search index compress 40:1;
real text is nearer 6:1, and that is what a phone downloads.
"""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_MARKUP = re.compile(r"```.*?```|<[^>]+>|!?\[([^\]]*)\]\([^)]*\)|[#*_`>|:-]+|\s+", re.S)
_JA_PHRASE = re.compile(r"[^、。！？\n「」（）()：:|›]{4,40}")
_PROSE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fffA-Za-z0-9 ・%]+")
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{2,}")


@cache
def _sources() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Japanese phrases and English words of the example portal, in a fixed order."""
    guides = sorted((ROOT / "content").rglob("*.md"))
    japanese, english = [], []
    for path in guides:
        # The guides' sentences, lines of Markdown syntax and tables left out.
        skip = ("#", "|", "!!!", "```")
        lines = [
            ln
            for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith(skip)
        ]
        plain = " ".join(_MARKUP.sub(lambda m: m.group(1) or " ", ln) for ln in lines)
        if path.name.endswith(".en.md"):
            english += _EN_WORD.findall(plain)
            continue
        for phrase in _JA_PHRASE.findall(plain):
            phrase = " ".join(phrase.split())
            kana = len(re.findall(r"[\u3040-\u30ff\u4e00-\u9fff]", phrase))
            if _PROSE.fullmatch(phrase) and kana * 2 >= len(phrase):
                japanese.append(phrase)
    return tuple(dict.fromkeys(japanese)), tuple(english)


def japanese(rng: random.Random, sentences: int = 2) -> str:
    """`sentences` Japanese sentences of two to four phrases each."""
    phrases = _sources()[0]
    return "".join(
        "、".join(rng.choice(phrases) for _ in range(rng.randint(2, 4))) + "。"
        for _ in range(sentences)
    )


def english(rng: random.Random, sentences: int = 2) -> str:
    words = _sources()[1]
    out = []
    for _ in range(sentences):
        chosen = [rng.choice(words).lower() for _ in range(rng.randint(8, 16))]
        out.append(" ".join(chosen).capitalize() + ".")
    return " ".join(out)
