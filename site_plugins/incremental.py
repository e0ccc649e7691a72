"""The preview rebuilds only the pages whose inputs changed, and stays equal to a clean build.

MkDocs' own `--dirty` rebuilds the files newer than their output, so a renamed phase leaves
every other page with the old navigation. Here each page has a key: the Markdown it is made
of, the related content it shows and whatever every page shows (mkdocs.yml, the nav, the
theme's overrides). A preview rebuild is a dirty MkDocs build in which a page counts as
modified when its key changed since the last good build. What a dirty build cannot know is
done here too: outputs of files that are gone are removed.

A build that fails after it began writing leaves some pages newer than their keys: the next
one rebuilds everything.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.search.related import Relatedness
from generator.source.memo import Memo, digest


class Tracked(File):
    """A generated file that a dirty build writes only when it `changed`."""

    changed = True
    _is_page: bool | None = None

    def is_modified(self) -> bool:
        return self.changed

    def is_documentation_page(self) -> bool:
        """Answered once per file: MkDocs asks it of every file six times a build, a
        twentieth of a save at 10,000 programs (its source never changes)."""
        if self._is_page is None:
            self._is_page = super().is_documentation_page()
        return self._is_page

    def copy_file(self, dirty: bool = False) -> None:
        """Written over in place, not truncated first: when the day turns, each of the
        1,200 .ics files of a 1,000-program portal is written again (its DTSTAMP), and on
        the shared disk truncating took 0.3 to 3 ms a file, writing over 0.1 ms."""
        if dirty and not self.is_modified():
            return
        path = self.abs_dest_path
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT, 0o666), "wb") as output:
            output.write(self.content_bytes)
            output.truncate()


@dataclass
class Tree:
    """One language's site as the last good build left it."""

    keys: dict[str, tuple] = field(default_factory=dict)  # page source → its inputs
    dests: dict[str, str] = field(default_factory=dict)  # every file it wrote, by source
    layout: tuple = ()  # what a source's output path depends on (site_dir, directory URLs)


@dataclass
class Sitemap:
    """A tree's sitemap as the last build rendered it, and what it was rendered from."""

    key: object = None
    rendered: str = ""
    finished: tuple[object, str] | None = None  # with the alternates: (made from, text)


class KeptTemplate:
    """The sitemap, rendered again only when a page's address or date changed: it lists
    every page, and rendering and completing it took a tenth of a second of each tree's
    build at 10,000 programs, the English tree's included, which a save made meanwhile
    waits for. `common` is what every page of the tree shows (Incremental.everything)."""

    def __init__(self, template, kept: Sitemap, common: str) -> None:
        self.template, self.kept, self.common = template, kept, common

    def render(self, context: dict) -> str:
        key = (self.common, getattr(self.template, "filename", None), _pages(context["pages"]))
        if key != self.kept.key:
            self.kept.key, self.kept.rendered = key, self.template.render(context)
            self.kept.finished = None
        return self.kept.rendered


def _pages(files: list[File]) -> list[tuple]:
    """What MkDocs' sitemap.xml shows of each page."""
    return [
        (f.page.is_link, f.page.abs_url, f.page.canonical_url, f.page.update_date)
        if f.page is not None
        else None
        for f in files
    ]


class Superseded(Exception):
    """Another save came while the other languages of the last one were being built: they
    are left before any of their pages is written, and built with the next save's."""


@dataclass
class Later:
    """What a save builds once its first language is served: the other languages' trees
    (`/<lang>/`, whose pages wait for it) and the build of them."""

    langs: tuple[str, ...]
    build: Callable[[], None]


class Incremental:
    """What the preview keeps between rebuilds, for every language's tree."""

    def __init__(self) -> None:
        self.memo = Memo()
        self.sitemaps: dict[str, Sitemap] = {}  # each tree's (KeptTemplate)
        self.related = Relatedness()
        self.trees: dict[str, Tree] = {}  # after the last good build
        self.files: dict[str, dict[str, Tracked]] = {}  # each tree's generated files
        self.pending: dict[str, Tree] = {}  # this build's, until it has succeeded
        self.active = False  # this build is incremental (the preview sets it)
        self.writing = False
        self.rebuilt = self.total = 0  # pages, in every language, for the preview's log
        # A save's other languages, built once the first one is served (preview.py), and
        # whether another save waits (then they are left for it: `Superseded`)
        self.later: Later | None = None
        self.saved_since: Callable[[], bool] = lambda: False

    def everything(self, config: MkDocsConfig, lang: str) -> str:
        """What every page of a tree shows: a change here rebuilds them all."""
        config_file = Path(config.config_file_path or "mkdocs.yml")
        custom = config.theme.custom_dir
        return digest(
            lang,
            config.site_url,
            config_file.read_bytes() if config_file.is_file() else "",
            repr(config.nav),
            _tree(Path(custom)) if custom else [],
        )

    def mark(self, files: Files, lang: str, keys: dict[str, tuple]) -> None:
        """Tell MkDocs which pages to build again: those whose key changed (all of them
        when this build is not incremental, or follows a failed one)."""
        previous = self.trees.get(lang) if self.active else None
        old = previous.keys if previous else {}
        for file in files:
            changed = keys.get(file.src_uri) != old.get(file.src_uri) or previous is None
            page = file.is_documentation_page()
            self.rebuilt += changed and page
            self.total += page
            if isinstance(file, Tracked):
                file.changed = changed
            elif changed and page and os.path.isfile(file.abs_dest_path):
                os.utime(file.abs_dest_path, (0, 0))  # older than its source: rebuilt
        self.pending[lang] = Tree(keys=keys)

    def go_on(self, twin: bool) -> None:
        """Raise `Superseded` in the other languages' build of a save another one follows,
        while nothing of it is written: their last good tree and keys stay as they were."""
        if twin and self.active and not self.writing and self.saved_since():
            raise Superseded

    def written(self, files: Files, lang: str, site_dir: Path, directory_urls: bool) -> None:
        """MkDocs is about to write: note what it will write, and remove the outputs of
        files that are gone (a clean build would not have them)."""
        self.writing = True
        tree, previous = self.pending[lang], self.trees.get(lang)
        tree.layout = (os.fspath(site_dir), directory_urls)
        same = previous is not None and previous.layout == tree.layout
        tree.dests = _dests(files, previous.dests if same else {})  # type: ignore[union-attr]
        if self.active and previous is not None:
            for path in sorted(set(previous.dests.values()) - set(tree.dests.values())):
                _remove(Path(path), site_dir)

    def finish(self, lang: str) -> None:
        """This tree is written: it is kept as the last good one."""
        self.trees[lang] = self.pending.pop(lang)
        self.writing = False  # this tree is written and kept; the next one has not begun

    def failed(self) -> None:
        """After a failure the outputs may be newer than the keys: forget the keys."""
        if self.writing:
            for tree in self.trees.values():
                tree.keys.clear()
        self.pending.clear()
        self.writing = False

    def done(self) -> None:
        self.writing = False
        self.memo.sweep()


def page_keys(
    files: Files,
    common: str,
    made: dict[str, str | bytes],
    markdown: Callable[[File], object],
    shown: Callable[[str], list],
) -> dict[str, tuple]:
    """Each page's key for the preview: its Markdown as MkDocs gets it (`made` for the
    generated pages; for those of docs_dir, what `markdown` says it is made of), the
    related content it `shown`s, and what every page of the tree shows (`common`)."""
    keys = {}
    for file in files:
        if file.src_uri in made:
            content = made[file.src_uri]
        elif file.is_documentation_page() and file.abs_src_path:
            content = markdown(file)
        else:
            continue
        # Compared, not hashed: a page the memo kept is the very same string.
        keys[file.src_uri] = (common, content, shown(file.src_uri))
    return keys


class QuietDirty(logging.Filter):
    """MkDocs warns that a dirty build gives wrong navigation; this one does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(
            ("A 'dirty' build is being performed", "The directory contains stale files")
        )


def _dests(files: Files, known: dict[str, str]) -> dict[str, str]:
    """Each file's output path, by its source: taken from the last build's where it had the
    file (MkDocs works out each path anew for each new File, a tenth of a save at 10,000
    programs; the path follows from the source, the site folder and directory URLs)."""
    return {f.src_uri: known.get(f.src_uri) or f.abs_dest_path for f in files}


def _remove(path: Path, site_dir: Path) -> None:
    """A file of the site, and the folders it leaves empty (a clean build has none)."""
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != site_dir and site_dir in parent.parents and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _tree(folder: Path) -> list[tuple[str, float, int]]:
    return [
        (p.relative_to(folder).as_posix(), p.stat().st_mtime, p.stat().st_size)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
