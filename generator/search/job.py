"""The search index's lifecycle, in one place: start, wait, install, roll back.

A build indexes the sources in a second process while MkDocs renders the pages (only the
finished HTML needs the related content). The worker is its own module so that the
tokenizer it pickles into the index is `generator.search.index.BigramTokenizer`, which every
other process can import, and never `__main__.BigramTokenizer`: the worker is started as
`python -m generator.search.job DIR STAMP`.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

from generator.i18n.messages import tr
from generator.search.index import build_index
from generator.search.related import related
from generator.system import atomic
from generator.system.processes import as_child, child_env

log = logging.getLogger("mkdocs.plugins.phasebook")

WORKER_LOG = "worker.log"
DOCUMENTS, RELATED = "documents.json", "related.json"  # handed to and from the worker
# Set by `phasebook build`: build the index here, and leave installing it to the command,
# which swaps it in together with the site.
STAGING_ENV = "PHASEBOOK_INDEX_STAGING"


class IndexFailed(RuntimeError):
    """The worker failed; the message holds what it wrote to stderr."""


class IndexJob:
    """One index build for `target`. With `staging` given (by `phasebook build`, which
    swaps the index in together with the site) the job builds there and never installs."""

    def __init__(self, target: Path, staging: Path | None = None) -> None:
        self.target = target
        self.owned = staging is None
        self.staging = staging or atomic.staging_dir(target)
        self.worker: subprocess.Popen | None = None
        self.kept: Path | None = None
        self.installed = False

    def start(self, docs: list[dict], stamp: str, background: bool = False) -> None:
        """Index `docs` in a worker; `background` (the preview's, after a save) at a lower
        priority than the next save's rebuild."""
        (self.staging / DOCUMENTS).write_text(json.dumps(docs), encoding="utf-8")
        # Its errors go to a file, which no amount of them can fill up (a pipe can).
        with (self.staging / WORKER_LOG).open("w", encoding="utf-8") as log_file:
            self.worker = subprocess.Popen(
                [sys.executable, "-m", "generator.search.job", str(self.staging), stamp],
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                env=child_env(background),
            )

    def wait(self) -> dict:
        """The worker's result (related content, timings), once it has finished."""
        assert self.worker is not None
        failed, self.worker = self.worker.wait(), None
        log_path = self.staging / WORKER_LOG
        errors = log_path.read_text(encoding="utf-8") if log_path.exists() else ""
        log_path.unlink(missing_ok=True)
        if failed:
            raise IndexFailed(tr("Building the search index failed:") + "\n" + errors)
        result = self.staging / RELATED
        data = json.loads(result.read_text(encoding="utf-8"))
        result.unlink()
        return data

    @property
    def running(self) -> bool:
        return self.worker is not None

    def install(self) -> None:
        """Put the new index in place, keeping the old one until `discard` (or `rollback`)."""
        if self.owned and not self.installed:
            self.kept = atomic.install(self.staging, self.target)
            self.installed = True

    def rollback(self) -> None:
        """The build failed: stop the worker, and leave the previous index as it was."""
        if self.worker is not None:
            self.worker.kill()
            self.worker.wait()
            self.worker = None
        if self.installed:
            atomic.restore(self.kept, self.target)
            self.installed, self.kept = False, None
        elif self.owned:
            atomic.discard(self.staging)

    def discard(self) -> None:
        """The build succeeded: the previous index is no longer needed."""
        atomic.discard(self.kept)
        self.kept = None


class Background:
    """A preview's index job, installed by a thread once it has finished: the preview shows
    an edit without waiting for the index, and `phasebook search` has it seconds later. The
    next rebuild cancels a job that has not finished (it indexes the newer sources)."""

    def __init__(self, job: IndexJob) -> None:
        self.job, self.worker = job, job.worker
        self.lock = threading.Lock()
        self.cancelled = False
        self.thread = threading.Thread(target=self._finish, daemon=True)
        self.thread.start()

    def _finish(self) -> None:
        ok = True
        try:
            self.job.wait()
        except IndexFailed as exc:
            ok = False
            if not self.cancelled:
                log.warning("%s", exc)
        with self.lock:
            if self.cancelled or not ok:
                self.job.rollback()
            else:
                self.job.install()
                self.job.discard()

    def cancel(self) -> None:
        with self.lock:
            self.cancelled = True
            if self.worker is not None and self.worker.poll() is None:
                self.worker.kill()
        self.thread.join()


def build_now(docs: list[dict], target: Path, stamp: str) -> Path:
    """Index `docs` in this process and install the result (for `phasebook search`)."""
    staging = atomic.staging_dir(target)
    with atomic.removing_on_failure(staging):
        build_index(docs, staging, stamp)
    atomic.discard(atomic.install(staging, target))
    return target


def index_and_relate(directory: Path, stamp: str) -> None:
    """Build the index from `documents.json` in `directory` and write `related.json` there
    with what is related and how long each step took: the work the plugin runs in a second
    process (`python -m generator.search.job DIR STAMP`) while MkDocs renders the pages."""
    docs = json.loads((directory / DOCUMENTS).read_text(encoding="utf-8"))
    (directory / DOCUMENTS).unlink()
    start = time.perf_counter()
    build_index(docs, directory, stamp)
    built = time.perf_counter()
    found = related(docs)
    timings = {"index_s": built - start, "related_s": time.perf_counter() - built}
    data = {"related": found, "timings": timings}
    (directory / RELATED).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    as_child()
    index_and_relate(Path(sys.argv[1]), sys.argv[2])
