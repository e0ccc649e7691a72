"""`mkdocs serve` picks up an edit under phases/ without a restart."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.conftest import EPOCH


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, text: str, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = fetch(url)
        if page and text in page:
            return True
        time.sleep(0.3)
    return False


def test_editing_a_phase_file_rebuilds_the_page(minimal: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=minimal,
        env={"SOURCE_DATE_EPOCH": EPOCH, "NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/phases/run/"
    try:
        assert wait_for(url, "日々の運用です。"), "the server never served the phase page"
        run = minimal / "phases" / "run.yml"
        run.write_text(
            run.read_text(encoding="utf-8").replace("日々の運用です。", "毎日の運用を整えます。"),
            encoding="utf-8",
        )
        assert wait_for(url, "毎日の運用を整えます。"), "the edit under phases/ was not rebuilt"
    finally:
        server.terminate()
        server.wait(timeout=10)
