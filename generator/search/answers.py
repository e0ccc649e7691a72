"""The last answers of `GET /api/search`, as the JSON bytes sent.

A portal's readers ask the same few questions over and over; ranking, snippets and facets
cost milliseconds of CPU each time, sending kept bytes microseconds. An answer is kept under
the stamp of the index that gave it, and the cache empties as soon as a request sees a new
stamp: after a rebuild, no worker answers from the old index. Bounded in entries and in
bytes (keys included), so that hostile queries, each one new, only push out older answers.
An answer is kept twice, under the parameters it answers and under the query string as
sent (server.py answers a repeat of that before any parsing): entries for 512 of each.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

ENTRIES = 1024
BYTES = 16 * 1024 * 1024  # answers and keys together
LARGEST = 256 * 1024  # an answer over this is never kept (50 hits are some 60 KB)

Stamp = tuple[int, int] | None


class AnswerCache:
    """Least recently used answers for one index stamp; safe across the search threads."""

    def __init__(self, entries: int = ENTRIES, size: int = BYTES) -> None:
        self.entries, self.size = entries, size
        self.stamp: Stamp = None
        self.kept: OrderedDict[tuple, bytes] = OrderedDict()
        self.used = 0
        self.lock = threading.Lock()

    def get(self, stamp: Stamp, question: dict | bytes) -> bytes | None:
        """The answer to `question` (the parsed parameters, or the query string as sent)
        from the index of `stamp`."""
        key = _key(question)
        with self.lock:
            if stamp != self.stamp:
                self._forget(stamp)
                return None
            body = self.kept.get(key)
            if body is not None:
                self.kept.move_to_end(key)
            return body

    def put(self, stamp: Stamp, question: dict | bytes, body: bytes) -> None:
        key = _key(question)
        cost = len(body) + _cost(key)
        if stamp is None or cost > LARGEST:
            return
        with self.lock:
            if stamp != self.stamp:
                # An answer from an older index than the cache's: dropped. From a newer
                # one: the cache is the old index's, and goes.
                if self.stamp is not None and _older(stamp, self.stamp):
                    return
                self._forget(stamp)
            if key in self.kept:
                return
            self.kept[key] = body
            self.used += cost
            while len(self.kept) > self.entries or self.used > self.size:
                old_key, old = self.kept.popitem(last=False)
                self.used -= len(old) + _cost(old_key)

    def _forget(self, stamp: Stamp) -> None:
        self.stamp, self.kept, self.used = stamp, OrderedDict(), 0


def _key(question: dict | bytes) -> tuple | bytes:
    return question if isinstance(question, bytes) else tuple(sorted(question.items()))


def _cost(key: tuple | bytes) -> int:
    if isinstance(key, bytes):
        return len(key) + 64
    return sum(len(str(v)) * 4 for _, v in key) + 64


def _older(stamp: tuple[int, int], than: tuple[int, int]) -> bool:
    return stamp[1] < than[1]
