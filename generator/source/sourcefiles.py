"""Read what CS authors wrote, and nothing else: regular files inside their folder, bounded.

A name ending in `.yml` or `.md` can be a directory, a pipe (reading blocks for ever), a
device (`/dev/zero` never ends), a dangling link, or a link to `/etc/passwd` that the site
would publish. Every source goes through `read_source`, and `check_tree` looks at the whole
content folder before MkDocs reads it.
"""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

from generator.i18n.messages import tr
from generator.text.errors import Problem

MAX_BYTES = 5 * 1024 * 1024


class SourceProblem(Exception):
    """A source file that cannot be read as a source; `problem` says where and why."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


# Sources read before, by path: the preview reads every guide several times per save (the
# model, its dates, the search documents, the index's fingerprint), a thousand files at
# 1,000 programs; opening each cost more than the rest of its use.
_KEPT: dict[tuple[str, int], tuple[tuple[int, ...], bytes]] = {}
# A file changed this recently may change again without its modification time moving on a
# file system with coarse timestamps ("racily clean" in git's words): read it again.
_SETTLED_NS = 2_000_000_000


def _identity(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode)


def read_source(path: Path, label: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file, at most `limit` of them, or a SourceProblem.

    The file is opened without blocking and checked after opening (not before), so that a
    pipe cannot stall the read and a file swapped in between cannot slip past. A file read
    before, unchanged since (the same inode, size, times and mode), is not opened again."""
    key = (os.fspath(path), limit)
    kept = _KEPT.get(key)
    if kept is not None:
        try:
            if _identity(os.stat(path)) == kept[0]:
                return kept[1]
        except OSError:
            pass
    data, st = _read(path, label, limit)
    if time.time_ns() - st.st_mtime_ns > _SETTLED_NS:
        if len(_KEPT) > 200_000:  # files come and go in a long preview: never unbounded
            _KEPT.clear()
        _KEPT[key] = (_identity(st), data)
    return data


def _read(path: Path, label: str, limit: int) -> tuple[bytes, os.stat_result]:
    def fail(message: str) -> SourceProblem:
        return SourceProblem(Problem.of_file(label, message))

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise fail(tr("is a link to a file that does not exist: fix or delete the link")) from None
    except IsADirectoryError:
        raise fail(tr("is a folder, not a file: rename it or move it away")) from None
    except OSError as exc:
        message = tr("cannot be read ({error}): check its permissions")
        raise fail(message.format(error=exc.strerror)) from None
    try:
        st = os.fstat(fd)
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            raise fail(tr("is a folder, not a file: rename it or move it away"))
        if not stat.S_ISREG(mode):
            raise fail(
                tr("is not a regular file (a pipe, socket or device): replace it with a file")
            )
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise fail(tr("is larger than {size} MB: split it up").format(size=limit // (1024 * 1024)))
    return b"".join(chunks), st


def read_text(path: Path, label: str) -> str:
    """The file's UTF-8 text (a BOM is allowed), or a SourceProblem at the first bad byte."""
    raw = read_source(path, label)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        message = tr("not UTF-8 (byte 0x{byte}): save the file as UTF-8").format(
            byte=f"{raw[exc.start]:02x}"
        )
        raise SourceProblem(Problem(label, line, column, "", message)) from None


def page_text(pages: dict[str, str], folder: Path, src: str) -> str | None:
    """A content page's text as the load read it (`check_tree`'s `pages`); one in a dot
    folder, which MkDocs skips and the load leaves unread, from its file; None when there is
    none, or it cannot be read as a source (the load names what is wrong with it). A save
    of the preview asked each of 3,000 pages' files for its text three times."""
    if src in pages or not any(part.startswith(".") for part in src.split("/")):
        return pages.get(src)
    try:
        return read_text(folder / src, src)
    except SourceProblem:
        return None


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, links resolved, is `folder` or lies within it."""
    return path.resolve().is_relative_to(folder.resolve())


def check_tree(folder: Path, label) -> tuple[list[Problem], dict[str, str]]:
    """Every entry under `folder` that MkDocs would read and should not: links that lead
    outside the folder or nowhere, pipes and devices, Markdown that is not UTF-8 or is too
    large; and the text of every Markdown page it read, by its path in the folder
    ("guides/x.md"), so that nothing reads it twice. `label` turns a path into the name
    shown in messages."""
    problems: list[Problem] = []
    pages: dict[str, str] = {}
    if not folder.is_dir():
        return problems, pages
    seen: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        here = Path(dirpath)
        if here.resolve() in seen:  # a link back up the tree: MkDocs would walk for ever
            message = tr("is a link to a folder that contains it: delete the link")
            problems.append(Problem.of_file(label(here), message))
            dirnames.clear()
            continue
        seen.add(here.resolve())
        relative = os.path.relpath(dirpath, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else f"{relative}/"
        for name in sorted([*dirnames, *filenames]):
            path = here / name
            if name.startswith("."):
                continue  # MkDocs skips dot files and folders (exclude_docs)
            if path.is_symlink() and path.exists() and not inside(path, folder):
                where = folder.name + "/"
                message = tr(
                    "links outside {folder} (to {target}): copy the file into {folder} "
                    "instead of linking to it"
                ).format(folder=where, target=os.readlink(path))
                problems.append(Problem.of_file(label(path), message))
                if name in dirnames:
                    dirnames.remove(name)  # never walk out of the folder
                continue
            if name in dirnames:
                continue
            if not name.endswith(".md") and path.is_file():
                continue  # images and other assets are copied, not read
            try:
                text = read_text(path, label(path))
            except SourceProblem as exc:
                problems.append(exc.problem)
                continue
            if name.endswith(".md"):
                pages[prefix + name] = text
    return problems, pages
