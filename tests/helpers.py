"""Plain helpers shared by the test modules: constants, commands run as a user runs them,
checksums, HTTP. Fixtures and pytest hooks live in conftest.py, which imports from here.

Import from this module, never from another test module (`from tests.test_x import …`
runs that module's imports and couples two files that change for different reasons).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import html
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest

from generator.build.engine import ENGINE_ENV
from generator.source.load import load_portal
from generator.text.errors import ContentError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium fonts-noto-cjk"

# 2026-12-01T00:00:00Z: sessions before it are past, after it upcoming, on every machine.
EPOCH = "1796083200"
NOW = datetime(2026, 12, 1, tzinfo=UTC)  # EPOCH, for what a test loads in its own process
# What a command run by a test sees: a fixed build date, English messages, no banner.
ENV = {
    "SOURCE_DATE_EPOCH": EPOCH,
    "NO_MKDOCS_2_WARNING": "1",
    "PATH": "/usr/bin:/bin",
    "PHASEBOOK_LANG": "en",
}


def command_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """ENV, plus the engine PHASEBOOK_ENGINE names when the test run has one, plus `extra`."""
    env = dict(ENV) | ({ENGINE_ENV: os.environ[ENGINE_ENV]} if ENGINE_ENV in os.environ else {})
    return env | (extra or {})


# -- the portal, loaded in the test's process ---------------------------------------------

# phases/run.yml of the minimal portal, cut down to one program: tests write variants of it.
RUN = """\
id: run
name: {ja: 運用, en: Run}
summary: 日々の運用です。
programs:
  - id: video-tour
    kind: video
    title: {ja: 管理画面ツアー, en: Console tour}
    tier: free
    url: https://example.com/video/tour
    duration_minutes: 8
"""


def load(root: Path):
    """The portal at `root` as the build loads it, on the fixed date NOW."""
    return load_portal(root / "phases", root / "content", root=root, now=NOW)


def problems(root: Path) -> list[str]:
    """What the loader reports about the portal at `root`, which must fail to load."""
    with pytest.raises(ContentError) as caught:
        load(root)
    return [str(p) for p in caught.value.problems]


# -- commands -------------------------------------------------------------------------------


def phasebook(
    project: Path, *args: str, env_extra: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`phasebook <args>` run in `project` as a user would (a fresh process, command_env),
    its output captured; never raises on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "-m", "generator.cli", *args],
        cwd=project,
        env=command_env(env_extra),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def mkdocs_build(
    project: Path, site: Path, *extra: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict`, as a user would, with a fixed build date:
    MkDocs, or the engine PHASEBOOK_ENGINE names (here or in `env_extra`)."""
    return subprocess.run(
        # No -q: it hides warnings from --strict, which then lets every warning pass.
        [
            sys.executable,
            "-m",
            "generator.build.engine",
            "build",
            "--strict",
            "-d",
            str(site),
            *extra,
        ],
        cwd=project,
        env=command_env(env_extra),
        capture_output=True,
        text=True,
        check=False,
    )


# -- files ----------------------------------------------------------------------------------


def edit(path: Path, old: str, new: str) -> None:
    """Change a fixture file the way an author would, insisting that `old` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def tree(folder: Path) -> dict[str, str]:
    """Every file under `folder` with its checksum: equal trees are byte-identical."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def checksums(project: Path) -> dict[str, str]:
    """The authors' sources (phases/ and content/) with their checksums, paths relative to
    `project`: what no command may change behind an author's back."""
    return {
        f"{folder}/{path}": digest
        for folder in ("phases", "content")
        if (project / folder).is_dir()
        for path, digest in tree(project / folder).items()
    }


def text_of(page: Path) -> str:
    """The visible text of a page's article, roughly as a reader sees it."""
    source = page.read_text(encoding="utf-8")
    article = source[source.index("<article") : source.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


# -- network --------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (just now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str) -> tuple[int, dict | str]:
    """Status and body of a GET, error answers included: JSON decoded when the answer says
    it is JSON, text otherwise. A connection that fails raises OSError."""
    try:
        with urlopen(url, timeout=10) as response:
            body, status, kind = response.read(), response.status, response.headers["content-type"]
    except HTTPError as error:
        body, status, kind = error.read(), error.code, error.headers["content-type"]
    return status, json.loads(body) if kind == "application/json" else body.decode()


# -- the machine ----------------------------------------------------------------------------


def japanese_fonts() -> list[str]:
    """The fonts that can show Japanese, as fontconfig (which chromium uses) lists them."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
        ).stdout
    except FileNotFoundError:
        return []
    return [line for line in found.splitlines() if line.strip()]


# Chromium flags that work on a machine without network or GPU (design.md).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve_folder(directory: Path) -> Iterator[str]:
    """`directory` over HTTP on 127.0.0.1, as a static host would serve it (a generator
    for fixtures: its URL, then the server stopped)."""
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


def matches_golden(made: dict[str, bytes], folder: Path, label: str) -> None:
    """`made` (path → bytes) equals the golden files in `folder`, or the assertion shows a
    unified diff of every page that differs. PHASEBOOK_UPDATE_GOLDEN=1 writes them anew
    (then read `git diff tests/golden`)."""
    if os.environ.get("PHASEBOOK_UPDATE_GOLDEN") == "1":
        shutil.rmtree(folder, ignore_errors=True)
        for src, content in made.items():
            (folder / src).parent.mkdir(parents=True, exist_ok=True)
            (folder / src).write_bytes(content)
    kept = {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
    assert sorted(made) == sorted(kept), "pages added or removed"
    diffs = [
        "".join(
            difflib.unified_diff(
                kept[src].decode("utf-8").splitlines(keepends=True),
                made[src].decode("utf-8").splitlines(keepends=True),
                f"golden/{label}/{src}",
                f"now/{label}/{src}",
            )
        )
        for src in sorted(made)
        if made[src] != kept[src]
    ]
    assert not diffs, "\n".join(diffs)
