"""The Whoosh index: its schema and tokenizer, building, opening and reading it.

The only module that uses Whoosh's engine (the `whoosh-ng` fork, classic 2.7 API; analysis.py
borrows its Porter stemmer), so that a change of search engine touches one file: the others
hand it engine-neutral queries (query.py) and read postings and stored fields through
`Searcher`. The tokenizer's class is pickled into the index under this module's name, which
every process can import (the worker too), so it must stay here.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh import query as q
from whoosh import scoring
from whoosh.analysis import Token, Tokenizer
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from generator.search import analysis
from generator.search import query as nodes
from generator.search.documents import KINDS
from generator.source.sourcefiles import SourceProblem, read_source

# Of the stored fields and the terms (4: Hangul and every other script's words indexed): an
# index of another format is rebuilt, never misread.
FORMAT = 4
FACETS = ("phase", "tier", "kind")


class BigramTokenizer(Tokenizer):
    """Whoosh tokenizer around `analysis.terms`: the one analysis for indexing and querying."""

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
        for pos, (text, start, end) in enumerate(analysis.terms(value)):
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
    """The fields of a search document (documents.py) as Whoosh stores and indexes them."""
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


class Searcher:
    """What ranking reads from an open Whoosh searcher: term weights, Whoosh's own matches
    (for the queries scoring.py leaves to it), and stored fields."""

    def __init__(self, whoosh) -> None:
        self.whoosh = whoosh

    def weights(self, fieldname: str, text: str) -> dict[int, float]:
        """Each document that has the term, and the term's TF-IDF weight in it."""
        try:
            postings = self.whoosh.reader().postings(fieldname, text)
        except Exception:  # TermNotFound: no document has it
            return {}
        idf = self.whoosh.idf(fieldname, text)
        if isinstance(postings, W3LeafMatcher):  # one segment: read it block by block
            pairs = (zip(ids, weights, strict=True) for ids, weights in _blocks(postings))
            return {d: w * idf for block in pairs for d, w in block}
        return {d: w * idf for d, w in postings.items_as("weight")}

    def frequency(self, fieldname: str, text: str) -> int:
        """How many documents have the term: what reading its postings costs, known
        without reading them."""
        return self.whoosh.doc_frequency(fieldname, text)

    def expand(self, fieldname: str, prefix: str) -> list[str]:
        """The field's terms that start with `prefix`: what Whoosh's Prefix query ORs
        together, so that scoring.py can look each one up (and keep it) like any term."""
        field = self.whoosh.schema[fieldname]
        words = self.whoosh.reader().expand_prefix(fieldname, prefix)
        return [field.from_bytes(word) for word in words]

    def matches(self, node: nodes.Node) -> dict[int, float]:
        """Every document the query matches, with Whoosh's score."""
        found = self.whoosh.search(to_whoosh(node), limit=None)
        return {docnum: score for score, docnum in found.top_n}

    def stored(self, docnum: int) -> dict:
        return self.whoosh.stored_fields(docnum)


def _blocks(postings: W3LeafMatcher) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """A term's document numbers and weights, a block of postings at a time: Whoosh steps
    through them with several method calls per posting, five times slower, and reading the
    postings of common words is most of what a query costs the first time (a hostile one
    asks for new ones each time). These are the private parts of the pinned whoosh-ng
    5.4.0's codec, hence only for its own matcher class (tests/test_search.py compares the
    two ways)."""
    while postings.is_active():
        postings._read_ids()
        postings._read_weights()
        yield postings._ids, postings._weights
        postings._next_block()


def to_whoosh(node: nodes.Node) -> q.Query:
    """The engine-neutral query as Whoosh's."""
    if isinstance(node, nodes.Term):
        return q.Term(node.fieldname, node.text, boost=node.boost)
    if isinstance(node, nodes.Prefix):
        return q.Prefix(node.fieldname, node.text)
    if isinstance(node, nodes.And):
        return q.And([to_whoosh(part) for part in node.parts])
    if isinstance(node, nodes.Or):
        return q.Or([to_whoosh(part) for part in node.parts], scale=node.scale)
    binary = q.AndMaybe if isinstance(node, nodes.AndMaybe) else q.AndNot
    return binary(to_whoosh(node.a), to_whoosh(node.b))


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
    # (field, term) → {document: score}: the postings the last queries needed (scoring.py).
    postings: dict[tuple[str, str], dict] = field(default_factory=dict, compare=False)
    # expanded query → {document: score}: the last queries' matches, whatever their filters.
    scored: dict = field(default_factory=dict, compare=False)

    def values(self) -> dict[str, set[str]]:
        """What the filters can be: the phases and tiers in the index, every kind, and the
        portal's languages."""
        facets = {name: set(self.facet_docs[name]) for name in FACETS}
        return facets | {"kind": set(KINDS), "lang": set(self.languages)}

    @contextlib.contextmanager
    def searching(self) -> Iterator[Searcher]:
        """A searcher ranking by TF-IDF: rather than BM25, it needs no field length per
        matching page, which halves a query over thousands of matches, and it ranks the
        relevance set as well."""
        if self.pinned is None:
            with self.whoosh.searcher(weighting=scoring.TF_IDF()) as searcher:
                yield Searcher(searcher)
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
        yield Searcher(searcher)


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
