"""Replace directories (the site, the search index) and files (sources `phasebook new`
edits) only by complete new ones, so that no kill at any moment leaves half of either.

A new directory or file is written beside its target, on the same file system, and renamed
into place. Several targets that belong together (the site and its index; a phase file and
lifecycle.yml) are listed in a journal first: an interrupted swap is then completed by the
next run (`recover`), whichever rename it stopped before.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from generator.i18n.messages import tr
from generator.system import faults, processes

OLD = ".old"


def install(staging: Path, target: Path) -> Path | None:
    """Put the complete `staging` in place of `target`. The old one is kept beside it and
    returned, for `restore` until the caller `discard`s it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    old = target.with_name(target.name + OLD)
    _remove(old)
    kept = None
    if target.exists():
        target.rename(old)
        kept = old
    staging.rename(target)
    return kept


def restore(kept: Path | None, target: Path) -> None:
    """Undo `install`: the previous directory (or none) is back."""
    _remove(target)
    if kept is not None and kept.exists():
        kept.rename(target)


def discard(kept: Path | None) -> None:
    """Drop what `install` kept, once the new directory is known to be good."""
    if kept is not None:
        _remove(kept)


def staging_dir(target: Path) -> Path:
    """A new directory beside `target` (same file system, so `install` is a rename), named
    with this process's id so that `sweep` can tell a leftover from work in progress."""
    target.parent.mkdir(parents=True, exist_ok=True)
    prefix = f".{target.name}-{os.getpid()}-"
    staging = Path(tempfile.mkdtemp(prefix=prefix, dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a site must stay readable by a web server
    return staging


# `.site-1234-k2j4_x9q` (staging_dir) and `.run.yml.tmp-1234-0` (write_files).
_LEFTOVER = re.compile(r"\.(?:.+?)(?:\.tmp)?-(\d+)-[A-Za-z0-9_]+")


def sweep(folder: Path) -> list[Path]:
    """Remove from `folder` the staging directories and temporary files of runs that no
    longer exist (killed before they could clean up). Returns what was removed."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for entry in sorted(folder.iterdir()):
        match = _LEFTOVER.fullmatch(entry.name)
        if match and not _alive(int(match.group(1))):
            _remove(entry)
            removed.append(entry)
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


# -- several targets at once ---------------------------------------------------------------


def swap(pairs: list[tuple[Path, Path]], journal: Path) -> None:
    """Move each complete `staging` directory onto its `target`, all of them or, after a
    kill, all of them at the next `recover`: the journal is written before the first
    rename."""
    for _, target in pairs:
        _remove(target.with_name(target.name + OLD))
    entries = [
        {"do": "dir", "staging": str(s), "target": str(t), "inode": s.stat().st_ino}
        for s, t in pairs
    ]
    _commit(entries, journal)


def write_files(contents: dict[Path, bytes], journal: Path) -> None:
    """Give every path its new content as one change: each file is written in full beside
    its target, then all are renamed into place."""
    if not contents:
        return
    entries = []
    for path, data in contents.items():
        temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{len(entries)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with temporary.open("wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        entries.append({"do": "file", "staging": str(temporary), "target": str(path)})
    _commit(entries, journal)


def recover(journal: Path) -> list[Path]:
    """Finish a change a killed run left in its journal; returns the targets it completed."""
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # no journal, or no state folder at all
        return []
    except (OSError, ValueError):
        journal.unlink(missing_ok=True)  # torn before it was complete: nothing was moved
        return []
    _apply(entries)
    journal.unlink()
    return [Path(e["target"]) for e in entries]


def _commit(entries: list[dict], journal: Path) -> None:
    with processes.held_signals():
        _write_journal(journal, entries)
        faults.point("journal-written")
        _apply(entries)
        journal.unlink()


def _apply(entries: list[dict]) -> None:
    """Each step is skipped when done already, so that this can run again after a kill."""
    for entry in entries:
        target, staging = Path(entry["target"]), Path(entry["staging"])
        if entry["do"] == "file" and staging.exists():
            staging.replace(target)
        elif entry["do"] == "dir":
            _install_dir(staging, target, entry["inode"])
        faults.point("between-renames")
    for entry in entries:
        if entry["do"] == "dir":
            target = Path(entry["target"])
            _remove(target.with_name(target.name + OLD))


def _install_dir(staging: Path, target: Path, inode: int) -> None:
    """Put the new directory (known by its inode) at `target`. Where the kernel can, the
    two trade places in one step, so there is never a moment without a site; elsewhere the
    old one moves aside first, and a kill in between is finished by `recover`."""
    old = target.with_name(target.name + OLD)
    if _inode(target) == inode:  # done already; `staging`, if still there, is the old one
        if staging.exists():
            _remove(staging)
        return
    if _inode(staging) != inode:
        return  # nothing to install: the new directory is gone
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists() and _exchange(staging, target):
        _remove(staging)
        return
    if target.exists():
        target.rename(old)
    faults.point("between-renames")
    staging.rename(target)


def _inode(path: Path) -> int | None:
    try:
        return path.stat(follow_symlinks=False).st_ino
    except FileNotFoundError:
        return None


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically (Linux renameat2); False where that is not possible."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _write_journal(journal: Path, entries: list[dict]) -> None:
    journal.parent.mkdir(parents=True, exist_ok=True)
    temporary = journal.with_name(f".{journal.name}.tmp-{os.getpid()}-j")
    with temporary.open("w", encoding="utf-8") as out:
        json.dump(entries, out)
        out.flush()
        os.fsync(out.fileno())
    temporary.rename(journal)


@contextlib.contextmanager
def removing_on_failure(*paths: Path) -> Iterator[None]:
    """Staging left by a failed or interrupted step goes with it (the sweep gets the rest)."""
    try:
        yield
    except BaseException:
        for path in paths:
            _remove(path)
        raise


class Busy(RuntimeError):
    """Another run holds the lock; the message says which."""


@contextlib.contextmanager
def exclusive(lock: Path, what: str) -> Iterator[None]:
    """One run at a time: two builds at once could nest one site inside the other. The
    kernel drops the lock when its process dies, however it dies."""
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise Busy(
                tr(
                    "another {what} is running (process {pid}): wait for it to finish, or stop "
                    "it, then run this again"
                ).format(what=what, pid=holder)
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.truncate(0)
