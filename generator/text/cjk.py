r"""CJK script ranges (Japanese kana, Han ideographs, Korean Hangul), defined once, as
regular-expression text (`\u3040-\u309f`) that Python's `re` and the browser's RegExp read
alike: the search analysis, the line joiner, the YAML folder and Material's search separator
all build on these.
"""

import re
import unicodedata

HIRAGANA = r"\u3040-\u309f"
KATAKANA = r"\u30a0-\u30ff"  # the long-vowel mark ー (U+30FC) included
KATAKANA_LETTERS = r"\u30a1-\u30fa"  # without ー and the middle dot
IDEOGRAPHS = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
ITERATION_MARKS = r"\u3005\u3006"  # 々 〆
# What search treats as Japanese (and Chinese) words: runs without spaces, split into grams.
WORD = ITERATION_MARKS + HIRAGANA + KATAKANA + IDEOGRAPHS
# Korean: syllables, and the jamo they are made of (conjoining, compatibility, extended).
HANGUL_SYLLABLES = r"\uac00-\ud7a3"
HANGUL = HANGUL_SYLLABLES + r"\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff"
# Japanese and other CJK text with its punctuation and full-width forms: between two of
# these, a line break in the source is no space.
WIDE = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"

# Full-width letters, digits and signs and half-width katakana as NFKC writes them, one
# character for one (the ideographic space a space): what both searches fold text and
# queries by (generator/search/analysis.py; NFKC in the browser,
# generator/site/assets/search.js).
FOLD = {
    code: folded
    for code in range(0xFF00, 0xFFF0)
    if len(folded := unicodedata.normalize("NFKC", chr(code))) == 1
} | {0x3000: " "}

# What the browser index folds: letters, digits and kana only, so that a page's text keeps
# its full-width punctuation（ ）where search results show it.
WORD_FOLD = {
    code: folded for code, folded in FOLD.items() if unicodedata.category(folded)[0] in "LMN"
}


def fold_words(text: str) -> str:
    """ＳＳＯ → SSO, ｱﾗｰﾄ → アラート (ﾀﾞ composed into ダ), punctuation as written."""
    return unicodedata.normalize("NFC", text.translate(WORD_FOLD))


# A katakana word with a long-vowel mark inside it (ダッシュボード): the browser's index also
# holds it without the marks (ダッシュボド), as the server's analysis drops every one of them.
# A final mark needs nothing: the browser drops it from the query, and looks every query
# word up as a prefix (generator/site/assets/search.js), so サーバ finds サーバー.
_KATAKANA_WORD = re.compile(rf"[{KATAKANA_LETTERS}ー]+")
_LONG_VOWEL = re.compile(rf"(?<=[{KATAKANA_LETTERS}])ー+")


def long_vowel_variants(text: str) -> list[str]:
    """Each katakana word of `text` with a long-vowel mark inside it, written without its
    marks, once: カスタマーサクセス → カスタマサクセス; サーバー → サーバ is left to the prefix."""
    words = _KATAKANA_WORD.findall(text)
    inside = (word for word in words if _LONG_VOWEL.search(word.rstrip("ー")))
    return list(dict.fromkeys(_LONG_VOWEL.sub("", word) for word in inside))


# Material's own search (lunr), which `phasebook export` trees keep (the plugin's builds
# answer Material's search box from Pagefind), tuned for Japanese and Korean: split at
# spaces and Japanese punctuation; where the script changes (導入|フェーズ, API|連携,
# SSO|설정); and after a katakana word's long-vowel mark (カスタマー|サクセス), so that a word
# inside a katakana compound is found.
_KANA_KANJI = HIRAGANA + KATAKANA + IDEOGRAPHS
SEARCH_SEPARATOR = (
    r"[\s\-　、。，．・「」『』（）()【】：:/]+"
    rf"|(?<=[{IDEOGRAPHS}])(?=[{KATAKANA}])|(?<=[{KATAKANA}])(?=[{IDEOGRAPHS}])"
    rf"|(?<=[{KATAKANA_LETTERS}ー]ー)(?=[{KATAKANA_LETTERS}])"
    rf"|(?<=[{_KANA_KANJI}])(?=[A-Za-z0-9])"
    rf"|(?<=[A-Za-z0-9])(?=[{_KANA_KANJI}])"
    rf"|(?<=[{HANGUL}])(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[{HANGUL}])"
)
# No stemmer: the browser adds a wildcard to every query word and does not stem wildcard
# words, so "renewal*" would never meet the stored stem "renew".
SEARCH_PIPELINE = ("stopWordFilter", "trimmer")
