"""Shared fixtures: small named portals copied into tmp_path so tests may edit them freely."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build.engine import ENGINE_ENV

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "apt-get install -y chromium fonts-noto-cjk"


def japanese_fonts() -> list[str]:
    """The fonts that can show Japanese, as fontconfig (which chromium uses) lists them."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=ja", "family"], capture_output=True, text=True, check=False
        ).stdout
    except FileNotFoundError:
        return []
    return [line for line in found.splitlines() if line.strip()]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests never pass by skipping: when they are selected and chromium or a
    Japanese font is missing, the run stops before the first test and says what to do."""
    if not any(item.get_closest_marker("browser") for item in items):
        return
    needed = {"chromium": CHROMIUM.exists(), "a Japanese font": bool(japanese_fonts())}
    missing = [name for name, ok in needed.items() if not ok]
    if missing:
        pytest.exit(
            f"{' and '.join(missing)} missing for the browser tests: {INSTALL}\n"
            '(or leave them out on purpose: ./dev pytest -m "not browser")',
            returncode=1,
        )


FIXTURES = Path(__file__).resolve().parent / "fixtures"

# 2026-12-01T00:00:00Z: sessions before it are past, after it upcoming, on every machine.
EPOCH = "1796083200"
# What a command run by a test sees: a fixed build date, English messages, no banner.
ENV = {
    "SOURCE_DATE_EPOCH": EPOCH,
    "NO_MKDOCS_2_WARNING": "1",
    "PATH": "/usr/bin:/bin",
    "PHASEBOOK_LANG": "en",
}


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests read messages in English unless they ask for another language: the fixture
    portals are Japanese first, which would otherwise choose Japanese."""
    monkeypatch.setenv("PHASEBOOK_LANG", "en")


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A two-phase portal with one program of each kind, writable."""
    target = tmp_path / "minimal"
    shutil.copytree(FIXTURES / "minimal", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Change a fixture file the way an author would, insisting that `old` is there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def mkdocs_build(
    project: Path, site: Path, *extra: str, env_extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real `mkdocs build --strict`, as a user would, with a fixed build date:
    MkDocs, or the engine PHASEBOOK_ENGINE names (here or in `env`)."""
    env = dict(ENV) | ({ENGINE_ENV: os.environ[ENGINE_ENV]} if ENGINE_ENV in os.environ else {})
    env |= env_extra or {}
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
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal, built once per test run with the fixed build date."""
    site = tmp_path_factory.mktemp("example") / "site"
    result = mkdocs_build(ROOT, site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def text_of(page: Path) -> str:
    """The visible text of a page's article, roughly as a reader sees it."""
    source = page.read_text(encoding="utf-8")
    article = source[source.index("<article") : source.index("</article>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", article)).split())


@pytest.fixture(scope="session")
def paged_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example portal with 5 rows per catalogue page: 13 ATX make 3 pages."""
    project = tmp_path_factory.mktemp("paged")
    for name in ("phases", "content"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    edit(
        project / "mkdocs.yml", "  - phasebook\n", "  - phasebook:\n      catalogue_page_size: 5\n"
    )
    site = project / "site"
    result = mkdocs_build(project, site)
    assert result.returncode == 0, result.stderr
    return site
