"""The preview shows what is wrong: while `mkdocs serve` runs, a failed rebuild makes every
page answer at once with the problems, and the page reloads itself once they are fixed.

MkDocs' own server holds every request until a rebuild succeeds ("the server will appear
stuck until build errors are resolved"): the author stares at a spinning browser and the
message sits in a terminal. Here the rebuild's failure is caught, so the server moves on,
and until the next good build each HTML request gets the error page instead of the site.
"""

from __future__ import annotations

import gc
import html
import io
import logging
import os
import threading
import time
import wsgiref.util
from collections.abc import Callable, Iterable
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort
from mkdocs.livereload import LiveReloadServer, _timestamp
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from watchdog.events import FileSystemEvent
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingEmitter

from generator.i18n.messages import language, tr
from site_plugins.incremental import Incremental, QuietDirty, Superseded
from site_plugins.languages import reloaded
from site_plugins.unchanged import State

log = get_plugin_logger(__name__)


class Preview:
    """Wraps a LiveReloadServer's builder and its WSGI app (MkDocs 1.6, which is pinned)."""

    def __init__(
        self, server: LiveReloadServer, config: MkDocsConfig, state: Incremental | None
    ) -> None:
        self.server = server
        self.error: str | None = None
        self.lock = threading.Lock()
        # The trees (`/<lang>/`) a save still builds: their pages wait, the others are served.
        self.held: tuple[str, ...] = ()
        self.built = threading.Condition(self.lock)
        self.config, self.state = config, state
        self.sources: State | None = None  # the watched files as the last whole save began
        self.building: State | None = None  # as this save began
        self.changed_since = False  # a watched file changed since this save began
        self.owed = 0  # saves whose garbage was left for a later collection (frozen)
        self.build = server.builder if state is None else self.incremental
        server.builder = self.rebuild
        if state is not None:
            state.saved_since = self._saved_since
        self.app = server.get_app()
        server.set_app(self.serve)
        if state is not None:
            poll_often(server)
            frozen()

    def incremental(self) -> None:
        """A dirty build of mkdocs.yml read again, in which only the pages whose inputs
        changed count as modified (site_plugins/incremental.py)."""
        assert self.state is not None
        sources = State(self.server._watched_paths)  # before the build reads any of them
        self.building, self.changed_since = sources, False
        if self.sources is not None and self.sources.same(sources):
            log.info("%s", tr("No watched file changed since the last build: nothing to build"))
            if self.owed and not self.state.saved_since():
                frozen()
                self.owed = 0
            return
        self.sources = None  # until this save is built whole
        config = reloaded(self.config, self.config.site_dir)
        config.site_url = self.config.site_url
        quiet = QuietDirty()
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        self.state.active = True
        self.state.rebuilt = self.state.total = 0
        self.state.later = None
        start, superseded = time.perf_counter(), False
        gc.disable()  # frozen() below collects what the save left
        try:
            build(config, serve_url=self.config.site_url, dirty=True)
            later, self.state.later = self.state.later, None
            FETCHED.clear()
            if later is not None:
                self._show_first(later.langs)
            if self.owed >= OWED_MOST:  # the last saves', once this one's first page is seen
                FETCHED.wait(FETCH_S if later is not None else 0)
                frozen()
                self.owed = 0
            if later is not None:
                IDLE.set()  # a save meanwhile is seen, and these pages left for it
                try:
                    later.build()
                except Superseded:
                    superseded = True
                    log.info("%s", tr("Another save came: the other languages follow with it"))
                except BaseException:  # the browsers showing the first language reload
                    self.server._wanted_epoch = _timestamp()
                    raise
            if not superseded:
                self.sources = sources
        finally:
            self.state.active = False
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
            if not superseded:  # else their pages wait for the next save's build
                self._hold(())
            # A full collection (1.2 s at 10,000 programs) waits for a save with none behind
            # it; with one behind, what this save left waits, frozen (OWED_MOST): turned on
            # with it young, the collector would first walk all of it (0.2 s) while the save
            # behind waits.
            if superseded or self.state.saved_since():
                gc.freeze()
                self.owed += 1
            else:
                frozen()
                self.owed = 0
            gc.enable()
        log.info(
            "%s",
            tr("Rebuilt {pages} of {total} pages in {seconds:.2f} s").format(
                pages=self.state.rebuilt,
                total=self.state.total,
                seconds=time.perf_counter() - start,
            ),
        )

    def _saved_since(self) -> bool:
        """Whether a save came since this one's build began: the poller saw a watched file
        change, and it is not as the build found it. A look that falls during an editor's
        write sees the file half-written and the next one whole, as the build read it: no
        new save, for which stopping the other languages cost a whole rebuild of unchanged
        files (3 s at 10,000 programs). A save missed here is still built next."""
        if not self.server._want_rebuild:
            return False
        seen = SEEN.take()
        if self.building is None or self.changed_since:
            return True
        self.changed_since = any(not self.building.holds(path) for path in seen)
        return self.changed_since

    def _show_first(self, others: tuple[str, ...]) -> None:
        """The first language is written: browsers reload it now, while the other languages
        are built (their pages wait for them, as MkDocs makes every page wait for a build).
        An author saving a Japanese title sees it without waiting for the English pages."""
        mount = self.server.mount_path
        self._hold(tuple(f"{mount}{lang}/" for lang in others))
        with self.lock:
            self.error = None
        with self.server._epoch_cond:
            self.server._visible_epoch = self.server._wanted_epoch
            self.server._epoch_cond.notify_all()

    def _hold(self, trees: tuple[str, ...]) -> None:
        with self.lock:
            self.held = trees
            self.built.notify_all()

    def _waits(self, path: str) -> bool:
        """A request for a tree still being built (`/en`, `/en/…`)."""
        return any(path.startswith(tree) or path == tree[:-1] for tree in self.held)

    def rebuild(self) -> None:
        """The build; a failure is kept to be shown instead of stalling the server."""
        IDLE.clear()
        try:
            self.build()
        except Exception as exc:  # every failure is shown, none stops the preview
            with self.lock:
                self.error = _cause(exc)
            if not isinstance(exc, Abort):  # MkDocs said nothing of it
                log.error("%s", self.error, exc_info=log.isEnabledFor(logging.DEBUG))
            log.error("%s", tr("The preview shows the problems until they are fixed."))
            return
        finally:
            IDLE.set()
        with self.lock:
            self.error = None

    def serve(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        with self.lock:
            self.built.wait_for(lambda: not self._waits(path))
            error = self.error
        asks_page = _is_page(path) and not path.startswith("/livereload/")
        if error is None or not asks_page:
            answer = self.app(environ, start_response)
            return _Fetched(answer) if asks_page else answer
        body = self.server._inject_js_into_html(page(error), self.server._visible_epoch)
        start_response(
            "500 Internal Server Error",
            [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Cache-Control", "no-store"),
                ("Content-Length", str(len(body))),
            ],
        )
        return wsgiref.util.FileWrapper(io.BytesIO(body))


POLL_S = 0.1
# Saves in a row, each with another right behind it, whose garbage may wait for a pause: a
# collection holds Python's lock 0.3 s at 10,000 programs, which the next save (or the
# request for its page) waits for; each save leaves some 100 MB there.
OWED_MOST = 3
QUIET_S = 0.02


def frozen() -> None:
    """What a build keeps is left out of the next one's garbage collections: Python's full
    collections walk every object the preview holds (the model, the memo, MkDocs' pages),
    a tenth of a save at 1,000 programs, more at 10,000. Collected once the pages are
    served, then frozen (what a save then frees in cycles waits for this call). When a save
    waits, nothing is collected before it: what the last ones made is frozen as it is and
    waits for the first pause, or, after OWED_MOST such saves, until a page of the next
    one's first language has been sent (FETCHED). During a save's build nothing is
    collected (`gc.disable`): the young collections of what the build makes cost 0.7 s of a
    save at 10,000 programs, and it is collected here, once."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


# A page was sent since the last save's first language was shown: the collection owed
# after OWED_MOST saves waits for it (at most FETCH_S), so that a browser told to reload
# gets the page it asked for before the collection holds Python's lock for a second.
FETCHED = threading.Event()
FETCH_S = 0.5


class _Fetched:
    """A page's answer, which sets FETCHED once the server has sent it (WSGI `close`)."""

    def __init__(self, answer: Iterable[bytes]) -> None:
        self.answer = answer

    def __iter__(self):
        return iter(self.answer)

    def close(self) -> None:
        close = getattr(self.answer, "close", None)
        if close is not None:
            close()
        FETCHED.set()


# Set while no build runs: the observer looks for saved files only then.
IDLE = threading.Event()
IDLE.set()


class Seen:
    """The paths the poller said changed, until the preview takes them (`take`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()

    def add(self, *paths: str) -> None:
        with self._lock:
            self._paths.update(paths)

    def take(self) -> set[str]:
        with self._lock:
            paths, self._paths = self._paths, set()
        return paths


SEEN = Seen()


class BetweenBuilds(PollingEmitter):
    """Looks for saved files between builds only. At 10,000 programs one look at content/
    takes 30 ms of every 100, a third of the core and of Python's lock, which the build
    needs; a file saved during a build is seen at the first look after it, as before. The
    paths it reports are noted (`SEEN`) for the preview to tell a new save from a second
    look at the one being built."""

    def queue_event(self, event: FileSystemEvent) -> None:
        if not event.is_directory:  # as MkDocs, which rebuilds for files only
            SEEN.add(*(os.fsdecode(p) for p in (event.src_path, event.dest_path) if p))
        super().queue_event(event)

    def queue_events(self, timeout: float) -> None:
        while not IDLE.wait(0.5):
            if self.stopped_event.is_set():
                return
        super().queue_events(timeout)


def poll_often(server: LiveReloadServer) -> None:
    """MkDocs looks for saved files every 0.5 s, a quarter of a second on average spent
    before the rebuild even starts; an incremental one takes about as long. Called before
    the server starts: the paths watched so far move to an observer that looks every 0.1 s
    (by polling, as MkDocs does: inotify misses saves on shared and network folders)."""
    watched = dict(server._watched_paths)
    for path, count in watched.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = BaseObserver(emitter_class=BetweenBuilds, timeout=POLL_S)
    # MkDocs waits for 0.1 s without a change before it builds, for the events of one save.
    # One look of the poller brings all of a save's events at once (the next look is 0.1 s
    # later, as late as that wait would notice it): 20 ms is enough for them to be handed on.
    server.build_delay = QUIET_S
    for path, count in watched.items():
        for _ in range(count):
            server.watch(path)


_THEME_FILES: dict[tuple, list[tuple[str, str]]] = {}


def keep_theme_files() -> None:
    """Each build lists the theme's files again (Files.add_files_from_theme), a walk of the
    ~15,000 files of Material's folder, icons included, each matched against a dozen
    patterns: a third of a second per language on every save. The preview lists them once
    per set of theme folders and the names in them that can change (the site's own
    `custom_dir`): MkDocs 1.6 (pinned) is given the same files it would have found."""
    if getattr(Files.add_files_from_theme, "kept", False):
        return
    walk = Files.add_files_from_theme

    def add_files_from_theme(files: Files, env, config: MkDocsConfig) -> None:
        custom = config.theme.custom_dir
        names = sorted(p.as_posix() for p in Path(custom).rglob("*")) if custom else []
        key = (tuple(config.theme.dirs), tuple(config.theme.static_templates), tuple(names))
        if key not in _THEME_FILES:
            found = Files([])
            walk(found, env, config)
            _THEME_FILES[key] = [(f.src_uri, f.src_dir) for f in found if f.src_dir]
        for path, folder in _THEME_FILES[key]:
            if files.get_file_from_path(path) is None:  # docs_dir's own file wins
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))

    add_files_from_theme.kept = True  # type: ignore[attr-defined]
    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]


def _cause(exc: BaseException) -> str:
    """What went wrong: MkDocs logs a plugin's error, then raises "Aborted with a
    BuildError!" from it, so the message that says what to fix is the one it came from."""
    while isinstance(exc, Abort) and (exc.__cause__ or exc.__context__) is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return str(exc) or type(exc).__name__


def _is_page(path: str) -> bool:
    """A page a browser shows (not a stylesheet, script, image or feed)."""
    last = path.rsplit("/", 1)[-1]
    return path.endswith("/") or last.endswith(".html") or "." not in last


def page(error: str) -> bytes:
    """The error page: the same problems as the terminal, each on a line of its own."""
    lines = [line.strip() for line in error.splitlines() if line.strip()]
    head, problems = (lines[0], lines[1:]) if len(lines) > 1 else ("", lines)
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    title = html.escape(tr("The portal cannot be built"))
    hint = html.escape(tr("Fix the files below and save: this page reloads by itself."))
    return f"""<!doctype html>
<html lang="{language()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; line-height: 1.6; color: #1a1a1a; }}
h1 {{ color: #b71c1c; font-size: 1.5rem; }}
li {{ margin: .5rem 0; }} code {{ white-space: pre-wrap; word-break: break-word; }}
</style></head>
<body><main><h1>{title}</h1><p>{hint}</p>
<p>{html.escape(head)}</p><ul class="pb-problems">
{items}
</ul></main></body></html>
""".encode()
