"""What a typed query means: words, phrases, exclusions and required words, as a small tree
of engine-neutral nodes (generator/search/index.py turns it into Whoosh's, scoring.py walks it).

A CJK or Hangul word of two characters is its bigram; a longer one needs its trigrams, which
keeps the クセス of アクセス from matching サクセス without storing or checking positions.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

from generator.i18n.messages import tr
from generator.search import analysis
from generator.text import cjk

MAX_QUERY = 500
# Terms and prefixes one query may hold, every one counted, repeats too: a 499-character
# query would otherwise make hundreds of look-ups (a query of one kanji typed 250 times once
# cost a second where one costs 4 ms). Real queries hold fewer than ten.
MAX_TERMS = 40

TOKEN = re.compile(r'"[^"]*"|\S+')  # a word or a quoted phrase, as typed
_OPERATORS = {"AND", "OR", "NOT", "-", "+"}
_SCRIPT = re.compile(rf"[{cjk.HIRAGANA}]+|[{cjk.KATAKANA}]+|[^{cjk.HIRAGANA}{cjk.KATAKANA}]+")
_PARTICLE = re.compile(rf"[{cjk.HIRAGANA}]")  # a lone hiragana: の, を, に …
_LONG_KANJI = re.compile(r"[\u3400-\u9fff]{4,}")


class QueryError(ValueError):
    """A query the user must rephrase; the message says how."""


@dataclass(frozen=True)
class Term:
    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Every term of the field that starts with `text` (a lone CJK character)."""

    fieldname: str
    text: str


@dataclass(frozen=True)
class And:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    parts: tuple[Node, ...]
    scale: float | None = None  # Whoosh's coordination bonus for matching more parts


@dataclass(frozen=True)
class AndMaybe:
    """`a` required, `b` only adds to the score."""

    a: Node
    b: Node


@dataclass(frozen=True)
class AndNot:
    a: Node
    b: Node


Node = Term | Prefix | And | Or | AndMaybe | AndNot


def leaves(node: Node) -> list[Term | Prefix]:
    """The node's terms and prefixes, in order."""
    if isinstance(node, Term | Prefix):
        return [node]
    children = node.parts if isinstance(node, And | Or) else (node.a, node.b)
    return [leaf for child in children for leaf in leaves(child)]


def normalize(node: Node) -> Node:
    """The node as Whoosh's `normalize` leaves it, which its scores assume: nested Ands and
    Ors of the same kind flattened, repeated parts once, a one-part And or Or its part."""
    if isinstance(node, AndMaybe | AndNot):
        return type(node)(normalize(node.a), normalize(node.b))
    if isinstance(node, And | Or):
        parts: list[Node] = []
        for part in map(normalize, node.parts):
            parts += part.parts if type(part) is type(node) else [part]  # type: ignore[union-attr]
        unique = tuple(dict.fromkeys(parts))
        # An empty Or (a prefix no term starts with) stays one: it matches nothing.
        return unique[0] if len(unique) == 1 else replace(node, parts=unique)
    return node


def parse(text: str) -> Node:
    """The user's words as a query: all words should match (pages with more rank higher),
    `"…"` a phrase, `-word` or `NOT word` excludes, `AND` between two words requires both."""
    text = _checked(text.translate(cjk.FOLD).strip())
    should: list[Node] = []
    must: list[Node] = []
    must_not: list[Node] = []
    pending: str | None = None  # an operator waiting for its word
    parts = TOKEN.findall(text)
    for i, part in enumerate(parts):
        if part in _OPERATORS:
            _check_operator(part, pending, i, len(parts))
            pending = part
            continue
        negate = pending in ("NOT", "-") or (part.startswith("-") and len(part) > 1)
        word = part[1:] if part.startswith(("-", "+")) and len(part) > 1 else part
        found = clause(word.strip('"'), phrase=word.startswith('"'))
        if found is not None and negate:
            must_not.append(found)
        elif found is not None and (pending == "AND" or part.startswith("+")):
            must.append(found)
            if pending == "AND" and should:
                must.append(should.pop())
        elif found is not None:
            should.append(found)
        pending = None
    return _combine(should, must, must_not)


def _checked(text: str) -> str:
    if not text:
        raise QueryError(tr("the query is empty: type what you are looking for"))
    if len(text) > MAX_QUERY:
        raise QueryError(
            tr("the query is longer than {most} characters: shorten it").format(most=MAX_QUERY)
        )
    if text.count('"') % 2:
        raise QueryError(tr('unbalanced quote: close the phrase with " or remove the quote'))
    return text


def _check_operator(part: str, pending: str | None, at: int, count: int) -> None:
    """An operator needs a word after it (and AND, OR one before it too)."""
    if pending is None and not (part in ("AND", "OR") and at == 0) and at != count - 1:
        return
    if part in ("AND", "OR"):
        message = tr("'{op}' needs a word on each side: add one or remove '{op}'")
    else:
        message = tr("'{op}' needs a word after it: add one or remove '{op}'")
    raise QueryError(message.format(op=part))


def _combine(should: list[Node], must: list[Node], must_not: list[Node]) -> Node:
    if not should and not must:
        if must_not:
            raise QueryError(tr("the query only excludes: add a word that names what you want"))
        raise QueryError(tr("the query has only common words (the, of …): add a specific word"))
    positive: Node = And(tuple(must)) if must else Or(tuple(should), scale=0.9)
    if must and should:
        positive = AndMaybe(positive, Or(tuple(should), scale=0.9))
    query = AndNot(positive, Or(tuple(must_not))) if must_not else positive
    if len(leaves(query)) > MAX_TERMS:  # every one: a word typed twice is looked up twice
        raise QueryError(tr("the query has too many words: keep the few that matter most"))
    return query


def clause(word: str, phrase: bool) -> Node | None:
    """One word (or quoted phrase): found in the title or the body, ranked up by the title."""
    text = _field_query("text", word, phrase)
    if text is None:
        return None
    title = _field_query("title", word, phrase)
    return AndMaybe(text, title) if title is not None else text


def _field_query(fieldname: str, word: str, phrase: bool) -> Node | None:
    parts: list[Node] = []
    for run in runs(word, phrase):
        if not analysis.is_gram_run(run):
            parts += [Term(fieldname, t) for t, _, _ in analysis.terms(run)]
            continue
        chars = analysis.chars(run, 0)
        if len(chars) == 1:
            # A single character matches every gram that starts with it.
            parts.append(Prefix(fieldname, chars[0][0]))
        else:
            found = [Term(fieldname, g) for g in _covering_grams(chars)]
            parts.append(found[0] if len(found) == 1 else And(tuple(found)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else And(tuple(parts))


def _covering_grams(chars: list[tuple[str, int]]) -> list[str]:
    """The trigrams of every other position, and the last: together they overlap across
    the whole word, so a page needs the word itself to have them all, and a long word costs
    half the look-ups. A two-character word is its bigram."""
    if len(chars) == 2:
        return ["".join(c for c, _ in chars)]
    found = [g for g, _, _ in analysis.grams(chars, 3)]
    return list(dict.fromkeys([*found[::2], found[-1]]))


def runs(word: str, phrase: bool) -> list[str]:
    """How a typed word is matched: a quoted phrase exactly; otherwise compounds are split
    where the script changes (導入|フェーズ) and long kanji runs into two-character words
    (権限|設計), lone particles (を, の) are dropped, and a Korean word loses its particle
    (설정을 → 설정)."""
    found: list[str] = []
    # A query needs no offsets: compose ﾀﾞ's two characters into one (ダ) before splitting.
    for match in analysis.RUN.finditer(unicodedata.normalize("NFC", analysis.normalize(word))):
        han, hangul, _ = match.groups()
        if phrase or not (han or hangul):
            found.append(match.group(0))
        elif hangul:
            found.append(analysis.without_particle(hangul))
        else:
            found += _japanese_runs(han)
    return found


def _japanese_runs(run: str) -> list[str]:
    found: list[str] = []
    for piece in _SCRIPT.findall(run):
        if _PARTICLE.fullmatch(piece):
            continue
        if _LONG_KANJI.fullmatch(piece):
            found += [piece[i : i + 2] for i in range(0, len(piece) - len(piece) % 2, 2)]
            if len(piece) % 2:
                found[-1] += piece[-1]
        else:
            found.append(piece)
    return found
