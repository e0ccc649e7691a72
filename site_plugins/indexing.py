"""The index job, bound to the build's events: the search index and the related content,
computed in a second process while MkDocs renders the pages.

The previous index is kept until the build is known to have succeeded: MkDocs may still
abort after on_post_build (a warning under --strict), and then on_build_error restores it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from generator.search.documents import documents
from generator.search.index import fingerprint
from generator.search.job import STAGING_ENV, Background, IndexJob
from generator.source.model import Portal
from generator.system import faults
from site_plugins.incremental import Incremental
from site_plugins.twin import TwinFailed


class IndexCollector:
    """One build's index job and what it found related, for every language's pages."""

    def __init__(self) -> None:
        self.job: IndexJob | None = None
        self.done: IndexJob | None = None  # installed, its predecessor not yet discarded
        self.background: Background | None = None  # the preview's, installed when done
        self.related: dict[str, list[str]] = {}  # program id → the related programs
        self.timings: dict[str, float] = {}
        self.pending: tuple[list[dict], str] | None = None  # the preview's, until it is served
        # Another language's build: what waits for the related content from the first one.
        self.waiting_for: Callable[[], dict[str, list[str]]] | None = None

    def start(
        self,
        portal: Portal,
        config: MkDocsConfig,
        folders: tuple[Path, Path],
        preview: Incremental | None,
    ) -> None:
        """Index the portal into `folders` (the index, the phase files) in a second process:
        only the pages' finished HTML needs to know what is related. The preview does not
        wait for it: it relates the pages at once."""
        index_dir, phases_dir = folders
        docs_dir = Path(config.docs_dir)
        docs = documents(portal, docs_dir, config.use_directory_urls)
        staging = os.environ.get(STAGING_ENV)
        self.job = IndexJob(index_dir, Path(staging) if staging else None)
        stamp = fingerprint(phases_dir, docs_dir)
        if preview is not None:  # started once the pages are served (in_background)
            self.related, self.pending = preview.related(docs), (docs, stamp)
            return
        self.job.start(docs, stamp)
        faults.point("index-started")

    def wait(self) -> bool:
        """Wait, once, for what is related: from the index worker (the first language) or
        from the first language's build (another language, in a process of its own).
        True when the worker just answered, for the other languages to be told."""
        if self.job is not None and self.job.running:
            data = self.job.wait()
            self.related, self.timings = data["related"], data["timings"]
            return True
        if self.waiting_for is not None:
            waiting, self.waiting_for = self.waiting_for, None
            try:
                self.related = waiting()
            except TwinFailed as exc:
                raise PluginError(str(exc)) from None
        return False

    def install(self) -> None:
        """The build is written: put the new index in place, keeping the old one."""
        if self.job is not None:
            self.job.install()
            self.job, self.done = None, self.job

    def in_background(self) -> None:
        """The preview serves its pages now, then indexes them and installs the index when
        it is ready: the worker started during the build took the core the rebuild could
        have had (the next save cancels it)."""
        if self.job is not None and self.pending is not None:
            self.job.start(*self.pending, background=True)
            self.background, self.job, self.pending = Background(self.job), None, None

    def rollback(self) -> None:
        """The build failed: the previous index stays, or comes back."""
        for job in (self.job, self.done):
            if job is not None:
                job.rollback()
        self.job = self.done = self.pending = None

    def drop_kept(self, twin: bool) -> None:
        """The previous build succeeded: its predecessor's index is no longer needed."""
        if self.background is not None and not twin:
            self.background.cancel()  # a newer build indexes again
            self.background = None
        if self.done is not None:
            self.done.discard()
            self.done = None
