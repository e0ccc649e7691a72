"""Whether the files the preview watches are as they were when its last build began.

An editor that saves in place truncates the file, then writes it: a look of the poller that
falls in between sees the file half-written, the build that follows reads it whole, and the
next look sees it changed again. That second rebuild changes nothing and costs as much as
any other (2.2 s at 10,000 programs), and a save made meanwhile waits for it. A build whose
files are all as the last one found them is not made.

A file is as it was when its inode, size and modification time are. On a file system with
coarse timestamps a file written twice within a tick keeps its time ("racily clean" in git's
words): a file changed less than `SETTLED_NS` before the last build began is compared by its
bytes, kept then.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from generator.source.sourcefiles import SourceProblem, read_source

SETTLED_NS = 2_000_000_000
MOST_KEPT = 64 * 1024 * 1024  # bytes of recently changed files kept; beyond, always rebuilt

Stat = tuple[int, int, int]  # inode, size, modification time (ns)


class State:
    """The watched files when a build began, and the bytes of those changed just before."""

    def __init__(self, paths: Iterable[str]) -> None:
        began = time.time_ns()
        self.files = _stats(paths)
        self.recent: dict[str, bytes] | None = {}
        size = 0
        for path, (_, length, modified) in self.files.items():
            if began - modified < SETTLED_NS:
                size += length
                data = _read(path) if size <= MOST_KEPT else None
                if data is None:
                    self.recent = None  # too much, or unreadable: never taken as unchanged
                    break
                self.recent[path] = data

    def same(self, other: State) -> bool:
        """Whether `other` (taken now) finds every file as this one did."""
        if self.recent is None or other.files != self.files:
            return False
        return all(_read(path) == data for path, data in self.recent.items())

    def holds(self, path: str) -> bool:
        """Whether the file at `path` is as this look found it (or absent, as it was)."""
        found: dict[str, Stat] = {}
        _add(found, path)
        if self.recent is None or found.get(path) != self.files.get(path):
            return False
        data = self.recent.get(path)  # changed just before: its bytes were kept
        return data is None or _read(path) == data


def _stats(paths: Iterable[str]) -> dict[str, Stat]:
    found: dict[str, Stat] = {}
    for root in paths:
        if os.path.isfile(root):
            _add(found, root)
        for folder, _, names in os.walk(root):
            for name in names:
                _add(found, os.path.join(folder, name))
    return found


def _add(found: dict[str, Stat], path: str) -> None:
    try:
        st = os.stat(path)
    except OSError:
        return  # gone between the listing and the look: the next look sees it gone
    found[path] = (st.st_ino, st.st_size, st.st_mtime_ns)


def _read(path: str) -> bytes | None:
    """A regular file's bytes (never blocking on a pipe), else None."""
    try:
        return read_source(Path(path), path)
    except SourceProblem:
        return None
