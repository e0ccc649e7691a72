"""The incremental preview: after any sequence of saved edits, the site `mkdocs serve` serves
is the site a fresh `mkdocs serve` of the same sources serves, file for file, byte for byte,
though most rebuilds render only a few pages."""

from __future__ import annotations

import difflib
import gzip
import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from generator.build import engine
from generator.site.pages import keeper, site_files
from generator.site.render import Renderer
from generator.source.load import load_portal
from generator.source.memo import Memo
from tests.helpers import ENV, ROOT, edit, free_port, http_get

REBUILT = re.compile(r"Rebuilt (\d+) of (\d+) pages")
SEARCH_UP_TO_DATE = "The browser search is up to date"  # site_plugins/search.py
LAST_SESSION = "        language: en\n  - id: acc-start"
SECOND = "      - starts: 2026-12-10T01:00:00+00:00\n        language: ja\n"
NEW_VIDEO = """  - id: video-new
    kind: video
    title: {ja: 新しい動画, en: New video}
    tier: premier
    url: https://example.com/video/new
    duration_minutes: 5
"""
OVERRIDE = '{{% extends "base.html" %}}{{% block announce %}}{}{{% endblock %}}\n'
CUSTOM_DIR = ("  font: false\n", "  font: false\n  custom_dir: overrides\n")
NEW_GUIDE = """  - id: guide-new
    kind: guide
    tier: free
    page: guides/new.md
"""


class Server:
    """`mkdocs serve` in `project`, its site in a temporary folder of its own."""

    def __init__(self, project: Path, port: int, scratch: Path) -> None:
        scratch.mkdir()
        self.scratch, self.log = scratch, scratch / "serve.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                engine.command("serve", "--dev-addr", f"127.0.0.1:{port}"),
                cwd=project,
                env={**ENV, "TMPDIR": str(scratch)},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"http://127.0.0.1:{port}/"
        self.wait(lambda text: "Serving on" in text, "the server never started")

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait(self, done: Callable[[str], bool], why: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while not done(self.text()):
            assert self.process.poll() is None, self.text()
            assert time.monotonic() < deadline, f"{why}:\n{self.text()}"
            time.sleep(0.1)

    def rebuilds(self) -> int:
        return self.text().count("Reloading browsers")

    def settle(self, before: int) -> None:
        """Until the edit has been built and no other build follows it: none has started
        since the last one ended (a slow machine may start another after a second)."""
        self.wait(lambda text: text.count("Reloading browsers") > before, "no rebuild")
        quiet = self.rebuilds()
        time.sleep(1.0)
        while self.rebuilds() != quiet or not _idle(self.text()):
            quiet = self.rebuilds()
            time.sleep(1.0)

    def site(self) -> dict[str, bytes]:
        (folder,) = self.scratch.glob("mkdocs_*")
        if (folder / "search" / "search_index.json").is_file():  # indexed in the background
            self.wait(
                lambda t: t.rfind(SEARCH_UP_TO_DATE) > t.rfind("Reloading browsers"),
                "the browser search was not updated",
            )
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=20)


def _idle(log: str) -> bool:
    return log.rfind("Reloading browsers") > log.rfind("Detected file changes")


def edits(project: Path) -> list[tuple[str, Callable[[], None]]]:
    """What authors do in a day, each saved on its own."""
    phases, content = project / "phases", project / "content"
    run, start, lifecycle = phases / "run.yml", phases / "start.yml", phases / "lifecycle.yml"
    guide, new_guide = content / "guides" / "hello.md", content / "guides" / "new.md"
    translation = content / "guides" / "hello.en.md"

    def write(path: Path, text: str) -> Callable[[], None]:
        return lambda: path.write_text(text, encoding="utf-8")

    def theme(template: str, css: str, config: tuple[str, str] | None = None) -> Callable:
        """The site's own theme folder (listed once by the preview, its templates compiled
        once): MkDocs watches it only with --watch-theme, so a saved mkdocs.yml or guide
        rebuilds."""

        def step() -> None:
            (project / "overrides" / "assets").mkdir(parents=True, exist_ok=True)
            (project / "overrides" / "main.html").write_text(template, encoding="utf-8")
            (project / "overrides" / "assets" / css).write_text("p{color:#123}", "utf-8")
            if config:
                edit(project / "mkdocs.yml", *config)
            else:
                edit(guide, "最初のログイン", "はじめてのログイン")

        return step

    def change(path: Path, old: str, new: str) -> Callable[[], None]:
        return lambda: edit(path, old, new)

    return [
        ("a program's title", change(run, "ja: 管理画面ツアー", "ja: 管理画面ツアー第2版")),
        ("a summary", change(start, "ja: 設計の基本を学びます。", "ja: 設計の基本と勘所。")),
        ("add a session", change(start, LAST_SESSION, LAST_SESSION.replace("\n", "\n" + SECOND))),
        ("remove it", change(start, SECOND, "")),
        ("add a program", change(run, "programs:\n", "programs:\n" + NEW_VIDEO)),
        ("its duration", change(run, "duration_minutes: 5", "duration_minutes: 12")),
        ("a guide's text", change(guide, "ログインします。", "ログインして確かめます。")),
        ("a guide's heading", change(guide, "# はじめてのログイン", "# 最初のログイン")),
        ("a translation", write(translation, "# First sign-in\n\nSign in.\n")),
        ("its text", change(translation, "Sign in.", "Sign in and check.")),
        ("a new guide's page", write(new_guide, "# 新しいガイド\n\n本文です。\n")),
        ("the guide program", change(start, "programs:\n", "programs:\n" + NEW_GUIDE)),
        ("no prerequisite", change(start, "prerequisites: [atx-start]", "prerequisites: []")),
        ("a level", change(start, "level: beginner", "level: advanced")),
        (
            "a guide's tier",
            change(start, "free\n    page: guides/hello", "premier\n    page: guides/hello"),
        ),
        ("its phase renamed", change(start, "{ja: はじめに, en: Start}", "{ja: 準備, en: Prep}")),
        ("a theme folder", theme(OVERRIDE.format("告知"), "a.css", CUSTOM_DIR)),
        ("its template", theme(OVERRIDE.format("お知らせ"), "b.css")),
        ("a broken file", change(run, "kind: video\n    title", "kind: video\n  title")),
        ("fixed again", change(run, "kind: video\n  title", "kind: video\n    title")),
        ("a phase renamed", change(run, "{ja: 運用, en: Run}", "{ja: 活用, en: Adopt}")),
        ("a tier renamed", change(lifecycle, "ja: プレミア", "ja: プレミアム")),
        ("the portal's title", change(lifecycle, "ja: テスト ポータル", "ja: 検証ポータル")),
        ("an exit criterion", change(start, 'target: ">= 1"', 'target: ">= 2"')),
        ("the start page", change(content / "index.md", "[はじめに]", "まずは[はじめに]")),
        ("a program removed", change(run, NEW_VIDEO.replace(": 5", ": 12"), "")),
        ("the translation removed", lambda: translation.unlink()),
        ("the guide removed", change(start, NEW_GUIDE, "")),
        ("its page removed", lambda: new_guide.unlink()),
        # In no page's Markdown, only in their heads' JSON-LD (the organizer).
        ("the vendor renamed", change(lifecycle, "vendor: Example\n", "vendor: Example Inc.\n")),
    ]


def test_after_any_edits_the_preview_equals_a_fresh_one(minimal: Path, tmp_path: Path) -> None:
    port = free_port()
    server = Server(minimal, port, tmp_path / "edited")
    try:
        steps = edits(minimal)
        assert len(steps) >= 20
        for what, step in steps:
            before = server.rebuilds()
            step()
            server.settle(before)
            if what == "a broken file":
                status, page = http_get(server.url)
                assert status == 500 and "run.yml" in str(page), "the problem is shown"
        log = server.text()
        edited = server.site()
    finally:
        server.stop()
    counts = [(int(a), int(b)) for a, b in REBUILT.findall(log)]
    # Most rebuilds are partial; a renamed phase rebuilds every page, as it must.
    assert sum(a < b for a, b in counts) >= len(steps) // 2, counts
    assert counts[0][0] <= 8, counts
    assert_equal_to_fresh(edited, minimal, port, tmp_path)


def example_edits(project: Path) -> list[tuple[str, Callable[[], None]]]:
    """A handful of edits on the example portal, none of which touches its start page (the
    one page a partial rebuild must take from the last build), in both languages; one
    language's text edited, and then shown in the other as its fallback."""
    phases, guides = project / "phases", project / "content" / "guides"
    sso, sso_en = guides / "sso-setup.md", guides / "sso-setup.en.md"
    use = phases / "use.yml"
    return [
        ("a guide's text", lambda: edit(sso, "接続できます。\n", "接続できます。追記です。\n")),
        ("its translation", lambda: edit(sso_en, "be connected.\n", "be connected. Added.\n")),
        ("a program's title", lambda: edit(use, "en: Console tour", "en: Tour")),
        # English pages are keyed on what they show of a program: not its Japanese title,
        # until English has none and shows the Japanese one.
        ("its Japanese title", lambda: edit(use, "ja: 管理コンソール ツアー", "ja: 画面ツアー")),
        ("no English title", lambda: edit(use, "ja: 画面ツアー, en: Tour}", "ja: 画面ツアー}")),
        ("the Japanese one again", lambda: edit(use, "ja: 画面ツアー}", "ja: 管理画面の案内}")),
        ("a new guide", lambda: (guides / "new.md").write_text("# 新しいガイド\n\n本文。\n")),
        ("the new guide removed", lambda: (guides / "new.md").unlink()),
    ]


def test_the_example_portal_previews_as_it_builds(tmp_path: Path) -> None:
    """Both languages, the generated start page and the guides of the example portal: after
    edits that rebuild only a few pages, every file equals a fresh preview's, the search
    indexes included (they once lost the start page and its sections)."""
    project = tmp_path / "example"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    port = free_port()
    server = Server(project, port, tmp_path / "edited")
    try:
        for _what, step in example_edits(project):
            before = server.rebuilds()
            step()
            server.settle(before)
        log, edited = server.text(), server.site()
    finally:
        server.stop()
    counts = [(int(a), int(b)) for a, b in REBUILT.findall(log)]
    assert counts and all(a < b for a, b in counts[:3]), counts
    for root in ("", "en/"):
        fragments = [
            data for path, data in edited.items() if path.startswith(f"{root}pagefind/fragment/")
        ]
        urls = {
            json.loads(gzip.decompress(f).removeprefix(b"pagefind_dcd"))["url"] for f in fragments
        }
        assert "/" in urls, f"the start page is searchable in /{root}"
    assert_equal_to_fresh(edited, project, port, tmp_path)


def assert_equal_to_fresh(edited: dict[str, bytes], project: Path, port: int, tmp: Path) -> None:
    """The preview's files are those of a fresh `mkdocs serve` of the same sources."""
    fresh_server = Server(project, port, tmp / "fresh")
    try:
        fresh = fresh_server.site()
    finally:
        fresh_server.stop()
    assert sorted(edited) == sorted(fresh), "the same files"
    differ = [path for path in fresh if edited[path] != fresh[path]]
    assert differ == [], f"byte for byte, {len(differ)} differ:\n" + first_difference(
        edited, fresh, differ
    )


def first_difference(edited: dict[str, bytes], fresh: dict[str, bytes], paths: list) -> str:
    path = paths[0]
    old = edited[path].decode(errors="replace").splitlines()
    new = fresh[path].decode(errors="replace").splitlines()
    return "\n".join(difflib.unified_diff(old, new, "preview/" + path, "fresh/" + path, n=1))


def test_a_kept_result_keeps_what_it_was_made_from() -> None:
    """A schedule page kept as it was asks for none of its rows; they stay kept for when the
    page is made again (one of its programs changed), and go when no build asks for them."""
    memo, made = Memo(), []

    def row(n: int) -> str:
        return memo.get(f"row {n}", lambda: made.append(n) or f"<{n}>")

    def page(version: str, rows: range = range(3)) -> str:
        return memo.get(f"page {version}", lambda: "".join(row(n) for n in rows) + version)

    assert page("a") == "<0><1><2>a" and made == [0, 1, 2]
    for _ in range(3):  # saves that change nothing on the page
        memo.sweep()
        assert page("a") == "<0><1><2>a" and made == [0, 1, 2]
    memo.sweep()
    assert page("b", range(1, 4)) == "<1><2><3>b" and made == [0, 1, 2, 3]
    memo.sweep()
    assert sorted(memo.kept) == ["page b", "row 1", "row 2", "row 3"]
    memo.sweep()
    assert memo.kept == {} and memo.parts == {}


def test_what_is_dated_is_made_again_when_the_clock_moves(minimal: Path) -> None:
    """The preview keeps feeds, catalogue entries and pages across rebuilds; when its clock
    moves on (a new minute, a new day, a session over) every file it makes is the file a
    fresh build of that moment makes, byte for byte: DTSTAMP, the catalogue's build time,
    the plans page's date and the upcoming sessions included."""
    memo, url = Memo(), "https://example.com/"
    # A session is under way, then over at the next minute; a new day; a new year.
    moments = ["2026-06-03T01:30", "2026-06-03T02:01", "2026-06-04T02:01", "2027-01-01T00:00"]
    for moment in moments:
        now = datetime.fromisoformat(moment).replace(tzinfo=UTC)
        for lang in ("ja", "en"):
            portal = load_portal(minimal / "phases", minimal / "content", now=now)
            renderer = Renderer(portal, lang=lang)
            keep = keeper(portal, renderer, url, True, memo)
            made = site_files(portal, renderer, site_url=url, directory_urls=True, keep=keep)
            kept = {f.src: f.content for f in made}
            portal = load_portal(minimal / "phases", minimal / "content", now=now)
            made = site_files(
                portal, Renderer(portal, lang=lang), site_url=url, directory_urls=True
            )
            fresh = {f.src: f.content for f in made}
            assert sorted(kept) == sorted(fresh)
            assert [src for src in fresh if kept[src] != fresh[src]] == [], (moment, lang)
            assert f"DTSTAMP:{now:%Y%m%d}T000000Z".encode() in kept["schedule.ics"]
        memo.sweep()


def test_programs_swapped_reorder_their_sessions_at_the_same_moment(minimal: Path) -> None:
    """Two ATX with a session at the same moment, listed the other way round in their file:
    the feeds, the schedule and catalog.json list the two in the new order, as a fresh
    build does (the preview keeps each program's entries, and nothing of either changed)."""
    start = minimal / "phases" / "start.yml"
    text = start.read_text(encoding="utf-8")
    second = """  - id: atx-second
    kind: atx
    title: {ja: 同じ時刻の回, en: At the same time}
    tier: free
    level: beginner
    duration_minutes: 60
    recording: https://example.com/rec/second
    sessions:
      - starts: 2026-12-03T01:00:00+00:00
        language: ja
"""
    first_atx = text[text.index("  - id: atx-start") : text.index("  - id: acc-start")]
    memo, url = Memo(), "https://example.com/"
    now = datetime.fromisoformat("2026-06-01T00:00").replace(tzinfo=UTC)
    for order in ((first_atx, second), (second, first_atx)):
        start.write_text(text.replace(first_atx, "".join(order)), encoding="utf-8")
        portal = load_portal(minimal / "phases", minimal / "content", now=now)
        renderer = Renderer(portal, lang="ja")
        keep = keeper(portal, renderer, url, True, memo)
        made = site_files(portal, renderer, site_url=url, directory_urls=True, keep=keep)
        kept = {f.src: f.content for f in made}
        fresh = {
            f.src: f.content
            for f in site_files(
                portal, Renderer(portal, lang="ja"), site_url=url, directory_urls=True
            )
        }
        assert [src for src in fresh if kept[src] != fresh[src]] == []
        feed = kept["schedule.ics"].decode()
        ids = ["atx-start", "atx-second"] if order[0] == first_atx else ["atx-second", "atx-start"]
        at = [feed.index(f"UID:{program}-20261203T0100Z-ja@") for program in ids]
        assert at == sorted(at), "the sessions at the same moment in the programs' new order"
        memo.sweep()


def test_a_save_shows_the_first_language_and_then_the_others_never_stale(
    tmp_path: Path,
) -> None:
    """A save serves the first language's pages as soon as they are written, while the
    other languages are still built: a page of those waits for its tree, and never answers
    with what it said before the save. Then a save that only the English build refuses (a
    script in an English guide) shows the problem on every page, as any failed build does."""
    project = tmp_path / "example"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    use = project / "phases" / "use.yml"
    server = Server(project, free_port(), tmp_path / "edited")
    ja, en = (
        server.url + "programs/video-console-tour/",
        server.url + "en/programs/video-console-tour/",
    )
    try:
        assert "Console tour" in str(http_get(en)[1])
        before = server.rebuilds()
        edit(
            use,
            "{ja: 管理コンソール ツアー, en: Console tour}",
            "{ja: 画面ツアー, en: Screen tour}",
        )
        deadline = time.monotonic() + 60
        while "画面ツアー" not in str(http_get(ja)[1]):
            assert time.monotonic() < deadline, server.text()
            time.sleep(0.01)
        status, page = http_get(en)  # at once: the English tree may still be building
        assert status == 200 and "Screen tour" in str(page) and "Console tour" not in str(page)
        server.settle(before)
        before = server.rebuilds()
        guide = project / "content" / "guides" / "sso-setup.en.md"
        guide.write_text(guide.read_text(encoding="utf-8") + "\n<script>alert(1)</script>\n")
        server.settle(before)
        for url in (ja, en):
            status, page = http_get(url)
            assert status == 500 and "sso-setup.en.md" in str(page), url
    finally:
        server.stop()


def test_saves_in_quick_succession_leave_the_other_languages_to_the_last(
    tmp_path: Path,
) -> None:
    """An author saving again while the English pages of the last save are being built (an
    English guide so long that its page takes a second): that build stops before it writes
    anything and the next save builds both (at 10,000 programs the English build takes
    seconds, which every save would otherwise wait for). The site is then the site a fresh
    preview of the same files serves."""
    project = tmp_path / "example"
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    guide = project / "content" / "guides" / "sso-setup.en.md"
    long = "\n\n".join(
        f"Step {n}: check *the* [setting](https://example.com/{n})." for n in range(6000)
    )
    guide.write_text(guide.read_text(encoding="utf-8") + "\n" + long + "\n", encoding="utf-8")
    port = free_port()
    server = Server(project, port, tmp_path / "edited")
    try:
        before = server.rebuilds()
        said = "be connected."
        for n in range(12):
            edit(guide, said, f"be connected ({n}).")
            said = f"be connected ({n})."
            time.sleep(0.25)
        server.settle(before)
        log, edited = server.text(), server.site()
    finally:
        server.stop()
    assert "Another save came" in log, "no save came during another's English build"
    page = edited["en/guides/sso-setup/index.html"].decode()
    assert "be connected (11)." in page
    assert_equal_to_fresh(edited, project, port, tmp_path)
