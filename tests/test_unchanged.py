"""site_plugins/unchanged.py and the preview's use of it: a rebuild whose watched files are
all as the last build found them is not made (an editor's save seen half-written, then
whole), and every real change is still built, on coarse timestamps too."""

from __future__ import annotations

import gc
import logging
import os
import socket
import threading
import time
import weakref
import wsgiref.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.livereload import LiveReloadServer

from site_plugins import preview as preview_module
from site_plugins import unchanged
from site_plugins.unchanged import State

OLD_NS = 1_600_000_000 * 10**9  # long settled


def settled(path: Path) -> None:
    os.utime(path, ns=(OLD_NS, OLD_NS))


def test_files_as_they_were_are_the_same(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    for name in ("a/x.md", "y.yml"):
        (tmp_path / name).write_text("本文\n", encoding="utf-8")
        settled(tmp_path / name)
    before = State([str(tmp_path)])
    assert before.same(State([str(tmp_path)]))


@pytest.mark.parametrize("change", ["edited", "added", "removed", "renamed over"])
def test_any_change_is_seen(tmp_path: Path, change: str) -> None:
    page, other = tmp_path / "x.md", tmp_path / "y.md"
    for path in (page, other):
        path.write_text("one\n", encoding="utf-8")
        settled(path)
    before = State([str(tmp_path)])
    if change == "edited":
        page.write_text("two\n", encoding="utf-8")
        settled(page)  # the same time: its size or inode tells
        page.write_text("three\n", encoding="utf-8")
    elif change == "added":
        (tmp_path / "z.md").write_text("new\n", encoding="utf-8")
    elif change == "removed":
        other.unlink()
    else:  # an editor writing a new file and renaming it over the old one
        (tmp_path / "tmp").write_text("one\n", encoding="utf-8")
        settled(tmp_path / "tmp")
        (tmp_path / "tmp").replace(page)
    assert not before.same(State([str(tmp_path)])), change


def test_a_recent_file_rewritten_within_its_timestamp_is_compared_by_its_bytes(
    tmp_path: Path,
) -> None:
    """On a file system with coarse timestamps a file saved twice within a tick keeps its
    time and, here, its size and inode: only its bytes tell."""
    page = tmp_path / "x.yml"
    page.write_text("title: 導入\n", encoding="utf-8")
    stamp = page.stat().st_mtime_ns
    before = State([str(tmp_path)])  # just written: its bytes are kept
    with page.open("r+b") as file:
        file.write("title: 活用\n".encode())  # the same length, in place
    os.utime(page, ns=(stamp, stamp))
    assert page.stat().st_ino == before.files[str(page)][0]
    assert not before.same(State([str(tmp_path)]))


def test_a_pipe_or_too_much_recent_data_never_counts_as_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing blocks on a pipe in a watched folder; a save of more recent files than it
    keeps is built, as before."""
    os.mkfifo(tmp_path / "pipe.md")
    started = time.monotonic()
    state = State([str(tmp_path)])
    assert time.monotonic() - started < 5
    assert not state.same(State([str(tmp_path)]))
    (tmp_path / "pipe.md").unlink()
    (tmp_path / "big.md").write_bytes(b"x" * 2048)
    monkeypatch.setattr(unchanged, "MOST_KEPT", 1024)
    state = State([str(tmp_path)])
    assert not state.same(State([str(tmp_path)]))


def test_a_missing_watched_path_is_no_error(tmp_path: Path) -> None:
    state = State([str(tmp_path / "gone"), str(tmp_path / "gone.yml")])
    assert state.files == {} and state.same(State([str(tmp_path / "gone")]))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def preview(minimal: Path, tmp_path: Path) -> Iterator[LiveReloadServer]:
    """The real preview of `minimal` (its builder, over the real MkDocs), built once: call
    the server's `builder()` for each save."""
    os.chdir(minimal)
    config = load_config(str(minimal / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config, serve_url="http://127.0.0.1/")
    server = LiveReloadServer(
        builder=lambda: None, host="127.0.0.1", port=_free_port(), root=config.site_dir
    )
    try:
        config.plugins.on_serve(server, config=config, builder=lambda: None)
        yield server
    finally:
        server.server_close()


def test_the_preview_builds_a_save_once_and_every_change(
    minimal: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The real preview (its builder, over the real MkDocs): the rebuild a second look at
    the same save asks for is not made; an edit, even one within its file's timestamp, is
    built and shown."""
    with preview(minimal, tmp_path) as server:
        phase = minimal / "phases" / "start.yml"
        caplog.set_level(logging.INFO)

        def save() -> str:
            caplog.clear()
            server.builder()
            return caplog.text

        text = phase.read_text(encoding="utf-8")
        assert "一歩" in text
        phase.write_text(text.replace("一歩", "二歩", 1), encoding="utf-8")
        assert "Rebuilt" in save()
        said = save()  # the poller's second look at the same save
        assert "No watched file changed" in said and "Rebuilt" not in said
        stamp = phase.stat().st_mtime_ns
        phase.write_text(text.replace("一歩", "三歩", 1), encoding="utf-8")  # same length
        os.utime(phase, ns=(stamp, stamp))  # within the same tick of a coarse clock
        assert "Rebuilt" in save()
        site = (tmp_path / "site").rglob("index.html")
        assert any("最初の三歩です。" in p.read_text(encoding="utf-8") for p in site)


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_saves_one_behind_the_other_collect_nothing_until_none_waits(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save with another right behind it leaves its garbage for later (a collection then
    walks all the save made, 0.2 s at 10,000 programs, which the save behind waits for),
    with the collector on and nothing young to walk; once no save waits, it is collected."""
    phase = minimal / "phases" / "start.yml"
    text = phase.read_text(encoding="utf-8")
    seen_while_shown(monkeypatch, phase, text.replace("一歩", "三歩", 1))  # the save behind
    with preview(minimal, tmp_path) as server:
        gc.disable()  # the garbage a save leaves, made where no collection can take it first
        try:
            left = weakref.ref(_Cycle())
            phase.write_text(text.replace("一歩", "二歩", 1), encoding="utf-8")
            server.builder()
            assert gc.isenabled() and gc.get_count()[0] < 700, "nothing young left to walk"
            assert left() is not None, "nothing collected while a save waits"
            server._want_rebuild = False
            server.builder()
            assert gc.isenabled()
            assert left() is None, "collected once no save waits"
        finally:
            gc.enable()  # whatever happened: not left off for the next tests


def seen_while_shown(monkeypatch: pytest.MonkeyPatch, path: Path, text: str | None) -> None:
    """While the first save's first language is shown, the poller reports `path`: written
    again with `text` (another save), or as it was (None: a second look at the same save)."""
    shown, calls = preview_module.Preview._show_first, []

    def first_language_shown(self: preview_module.Preview, others: tuple[str, ...]) -> None:
        shown(self, others)
        if not calls:
            calls.append(path)
            if text is not None:
                path.write_text(text, encoding="utf-8")
            preview_module.SEEN.add(str(path))
            self.server._want_rebuild = True

    monkeypatch.setattr(preview_module.Preview, "_show_first", first_language_shown)


@pytest.mark.parametrize("meanwhile", ["a second look at the same save", "another save"])
def test_only_another_save_stops_the_other_languages(
    minimal: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    meanwhile: str,
) -> None:
    """The poller reports the saved file again while the other languages are built: a look
    that fell during the editor's write saw it half-written, the next one whole, as the
    build read it. Only a file no longer as the build found it stops them; stopped for
    nothing, the build that follows redid every unchanged page (3 s at 10,000 programs)."""
    phase = minimal / "phases" / "start.yml"
    text = phase.read_text(encoding="utf-8")
    again = text.replace("一歩", "三歩", 1) if meanwhile == "another save" else None
    seen_while_shown(monkeypatch, phase, again)
    with preview(minimal, tmp_path) as server:
        caplog.set_level(logging.INFO)
        phase.write_text(text.replace("一歩", "二歩", 1), encoding="utf-8")
        preview_module.SEEN.add(str(phase))  # the look that began this save
        server.builder()
        first = caplog.text
        caplog.clear()
        server.builder()  # the build that follows, the poller having said so
        second = caplog.text
    stopped = "the other languages follow with it" in first
    assert stopped == (again is not None), first
    if again is None:
        assert "nothing to build" in second and "Rebuilt" not in second
    else:
        assert "Rebuilt" in second
        site = (tmp_path / "site").rglob("index.html")
        assert any("最初の三歩です。" in p.read_text(encoding="utf-8") for p in site)


def test_the_collection_owed_waits_for_the_page_the_browser_reloads(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After OWED_MOST saves one behind the other, their garbage is collected once the next
    save's first language shows (it holds Python's lock a second at 10,000 programs): only
    after the page a browser reloads has been sent, or FETCH_S later if none is asked for."""
    events: list[tuple[str, float, bytes]] = []
    monkeypatch.setattr(preview_module, "frozen", lambda: events.append(("collected", 0, b"")))
    shown = preview_module.Preview._show_first

    def first_language_shown(self: preview_module.Preview, others: tuple[str, ...]) -> None:
        shown(self, others)

        def reload() -> None:  # a browser, told to reload, a moment later
            time.sleep(0.2)
            environ = {"PATH_INFO": "/phases/start/", "REQUEST_METHOD": "GET"}
            wsgiref.util.setup_testing_defaults(environ)
            answer = self.serve(environ, lambda status, headers: None)
            body = b"".join(answer)
            events.append(("sent", 0, body))
            answer.close()  # as the server does once it is sent

        threading.Thread(target=reload).start()

    monkeypatch.setattr(preview_module.Preview, "_show_first", first_language_shown)
    phase = minimal / "phases" / "start.yml"
    text = phase.read_text(encoding="utf-8")
    with preview(minimal, tmp_path) as server:
        builder = server.builder.__self__  # type: ignore[attr-defined]
        builder.owed = preview_module.OWED_MOST
        events.clear()  # the preview's own start collects too
        phase.write_text(text.replace("一歩", "二歩", 1), encoding="utf-8")
        server.builder()
    assert [name for name, _, _ in events][:2] == ["sent", "collected"], events
    assert "最初の二歩です。" in events[0][2].decode()
    assert builder.owed == 0
