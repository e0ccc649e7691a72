"""`mkdocs serve` picks up an edit under phases/ without a restart."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from generator.build import engine
from tests.helpers import ENV, edit, free_port


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
        engine.command("serve", "--dev-addr", f"127.0.0.1:{port}"),
        cwd=minimal,
        env=dict(ENV),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/phases/run/"
    english = f"http://127.0.0.1:{port}/en/phases/run/"
    try:
        assert wait_for(url, "日々の運用です。"), "the server never served the phase page"
        run = minimal / "phases" / "run.yml"
        edit(
            run,
            "summary: 日々の運用です。",
            "summary: {ja: 毎日の運用を整えます。, en: Daily work.}",
        )
        assert wait_for(url, "毎日の運用を整えます。"), "the edit under phases/ was not rebuilt"
        # The English twin is rebuilt with it, and each language stays in its own tree.
        assert wait_for(english, "Daily work"), "the English page was not rebuilt"
        assert '<html lang="ja"' in (fetch(url) or "")
        edit(run, "en: Daily work.", "en: Everyday operation.")
        assert wait_for(english, "Everyday operation"), "a second rebuild lost the English twin"
        assert "Daily work" not in (fetch(url) or "") and '<html lang="ja"' in (fetch(url) or "")
    finally:
        server.terminate()
        server.wait(timeout=10)


def get(url: str) -> tuple[int, str]:
    """Status and body, error pages included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except OSError:
        return 0, ""


def wait_status(url: str, status: int, text: str, seconds: float) -> float | None:
    """Seconds until `url` answers `status` with `text` in it, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        code, body = get(url)
        if code == status and text in body:
            return time.monotonic() - start
        time.sleep(0.05)
    return None


SHOWN = {
    "en": (
        "phases/run.yml:8:11: programs[0].tier: unknown tier &#x27;gold&#x27;",
        "The portal cannot be built",
    ),
    "ja": (
        "phases/run.yml:8:11: programs[0].tier: 不明なプラン &#x27;gold&#x27;",
        "ポータルをビルドできません",
    ),
}


@pytest.mark.parametrize("lang", SHOWN)
def test_a_broken_file_shows_its_problems_in_the_browser_at_once(minimal: Path, lang: str):
    """In the team's language: the portal's first language (ja) unless told otherwise."""
    port = free_port()
    env = {k: v for k, v in ENV.items() if k != "PHASEBOOK_LANG"}
    if lang == "en":
        env["PHASEBOOK_LANG"] = "en"
    server = subprocess.Popen(
        engine.command("serve", "--dev-addr", f"127.0.0.1:{port}"),
        cwd=minimal,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    run = minimal / "phases" / "run.yml"
    good = run.read_text(encoding="utf-8")
    try:
        assert wait_status(base + "/phases/run/", 200, "日々の運用です。", 60) is not None
        run.write_text(good.replace("tier: free", "tier: gold"), encoding="utf-8")
        problem, title = SHOWN[lang]
        for path in ("/phases/run/", "/", "/programs/video-tour/", "/no/such/page/"):
            took = wait_status(base + path, 500, problem, 10)
            assert took is not None, f"{path} never showed the problem"
            if path == "/phases/run/":
                assert took <= 2.0, f"the error page took {took:.1f} s after the save"
        _, body = get(base + "/phases/run/")
        assert title in body and "livereload" in body
        assert get(base + "/assets/phasebook.css")[0] == 200, "assets are still served"
        run.write_text(good.replace("日々の運用です。", "直しました。"), encoding="utf-8")
        assert wait_status(base + "/phases/run/", 200, "直しました。", 10) is not None
        assert server.poll() is None, "the server kept running throughout"
    finally:
        server.terminate()
        server.wait(timeout=10)
