"""When each source file, and each line of a phase file, was written: the portal's git
history, read the way mkdocs-git-revision-date-localized-plugin reads it (author dates, so
that a rebase or a cherry-pick keeps them), for items whose sources write no date.

Cost is bounded by files, never by items: one `git log` for every guide, one `git blame`
per phase file that has undated programs (a program's lines say when it was added and last
changed, where the file's last commit would date every program of the phase alike).
A shallow clone knows only its last commit, which would date everything at once: then, as
without git, only written dates count, and `notice` says so in one line.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generator.i18n.messages import tr

_TIMEOUT = 120  # seconds: a history of many years still answers in a few
_AT_ONCE = 8  # blames running together: the machine's cores stay busy, its memory does not
_HEADER = re.compile(r"^[0-9a-f]{40} [0-9]+ [0-9]+")  # a line's commit, in blame's porcelain
_UNCOMMITTED = "0" * 40  # blame's id for lines not committed yet: no date until they are


@dataclass
class History:
    """The git repository a portal's sources are in, or why its dates cannot be used."""

    top: Path | None  # the work tree's top folder; None: no usable history
    notice: str | None = None
    head: str = ""  # the commit checked out: what the history is as of

    def file_dates(self, paths: list[Path]) -> dict[Path, tuple[datetime, datetime]]:
        """(first, last) commit that touched each of `paths` still in the history."""
        if self.top is None or not paths:
            return {}
        key = (str(self.top), self.head)
        if key not in _LOGS:
            _LOGS.clear()  # one repository's history at a time
            _LOGS[key] = _log(self.top)
        files = _LOGS[key]
        return {p: files[_inside(p, self.top)] for p in paths if _inside(p, self.top) in files}

    def line_dates(self, paths: list[Path]) -> dict[Path, list[datetime | None]]:
        """The commit date of each line of each of `paths` (None: not committed yet), one
        `git blame` per file, _AT_ONCE of them running together. A file blamed before at
        the same commit with the same text is not blamed again (a preview rebuild)."""
        if self.top is None:
            return {}
        keys = {p: (str(self.top), self.head, _inside(p, self.top), _digest(p)) for p in paths}
        todo = [p for p in paths if keys[p] not in _BLAMES]
        for first in range(0, len(todo), _AT_ONCE):
            batch = todo[first : first + _AT_ONCE]
            running = [
                _start(self.top, "blame", "--porcelain", "--", _inside(p, self.top)) for p in batch
            ]
            for path, process in zip(batch, running, strict=True):
                if len(_BLAMES) >= _KEPT:
                    _BLAMES.clear()
                _BLAMES[keys[path]] = _blamed(_finish(process))
        return {p: _BLAMES[keys[p]] for p in paths}


# Kept for the life of the process (`mkdocs serve` loads the portal on every save): a
# history by its commit, a file's blame by its commit and text.
_LOGS: dict[tuple[str, str], dict[str, tuple[datetime, datetime]]] = {}
_BLAMES: dict[tuple[str, str, str, str], list[datetime | None]] = {}
_KEPT = 1024


def _digest(path: Path) -> str:
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return ""


def _blamed(porcelain: str | None) -> list[datetime | None]:
    """Each line's author date from `git blame --porcelain`, which describes a commit the
    first time one of its lines appears and names only its id after that."""
    dates: list[datetime | None] = []
    times: dict[str, datetime] = {}
    commit = ""
    for line in (porcelain or "").splitlines():
        if line.startswith("\t"):
            dates.append(None if commit == _UNCOMMITTED else times.get(commit))
        elif _HEADER.match(line):
            commit = line[:40]
        elif line.startswith("author-time "):
            times[commit] = datetime.fromtimestamp(int(line.split()[1]), UTC)
    return dates


def history(folder: Path) -> History:
    """The history of the repository `folder` is in, if it has one and it is whole."""
    answer = _git(folder, "rev-parse", "--show-toplevel", "--is-shallow-repository", "HEAD")
    if answer is None:
        return History(
            None,
            tr(
                "no git history here: What's new lists only what has a published: or updated: "
                "date written in its source"
            ),
        )
    top, shallow, head = [*answer.splitlines(), "", ""][:3]
    if shallow.strip() == "true":
        return History(
            None,
            tr(
                "shallow git clone: its one commit would date every page alike, so What's new "
                "lists only written dates (fetch the whole history: git fetch --unshallow, or "
                "fetch-depth: 0 in actions/checkout)"
            ),
        )
    return History(Path(top), head=head.strip())


def _log(top: Path) -> dict[str, tuple[datetime, datetime]]:
    """Every file's (first, last) author date, from one `git log` over the history."""
    out = _git(top, "-c", "core.quotePath=false", "log", "--format=%x1e%at", "--name-only")
    dates: dict[str, tuple[datetime, datetime]] = {}
    for record in (out or "").split("\x1e")[1:]:
        stamp, *names = record.strip("\n").split("\n")
        moment = datetime.fromtimestamp(int(stamp), UTC)
        for name in filter(None, names):
            last = dates.get(name, (moment, moment))[1]  # newest first: the first seen
            dates[name] = (moment, last)
    return dates


def _inside(path: Path, top: Path) -> str:
    return path.resolve().relative_to(top.resolve()).as_posix()


def _git(folder: Path, *args: str) -> str | None:
    """git's answer, or None when git is missing, fails, or the folder is in no repository."""
    return _finish(_start(folder, *args))


def _start(folder: Path, *args: str) -> subprocess.Popen | None:
    try:
        return subprocess.Popen(
            ["git", "-C", str(folder), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            stdin=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except OSError:  # no git installed
        return None


def _finish(process: subprocess.Popen | None) -> str | None:
    if process is None:
        return None
    try:
        out, _ = process.communicate(timeout=_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return None
    return out if process.returncode == 0 else None
